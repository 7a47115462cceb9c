// Verifiable inference: RV32IM cycles per inference of the Fashion-MNIST models (weights in the
// image) and cycles per multiply-accumulate of the Dense and Conv kernels, measured in the Prova
// emulator. Cycles are the proving cost; the wall time is only the emulator's.
//
//   ./build/bench/inference_bench
// Needs the example guests (build/examples/fashion/*.elf).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "model/compiler.h"
#include "model/graph.h"
#include "model/runtime.h"
#include "vm/elf_loader.h"
#include "vm/machine.h"

namespace prova::model {
namespace {

std::filesystem::path SourceDir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "examples" / "fashion";
}

std::filesystem::path ElfDir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "examples" /
         "fashion";
}

// Runs a guest; returns the result, with the guest-reported inference cycles in *inference.
vm::ExecuteResult Run(const vm::ProgramImage& image, std::span<const uint8_t> input,
                      uint64_t* inference) {
  vm::ExecuteOptions options;
  options.input = input;
  vm::ExecuteResult result = vm::Execute(image, options);
  const std::string err(result.stderr_bytes.begin(), result.stderr_bytes.end());
  const size_t at = err.find("inference cycles ");
  *inference = at == std::string::npos ? 0 : std::stoull(err.substr(at + 17));
  return result;
}

void Report(benchmark::State& state, const vm::ExecuteResult& result, uint64_t inference,
            uint64_t macs) {
  state.counters["guest_cycles"] = static_cast<double>(result.cycles);
  state.counters["inference_cycles"] = static_cast<double>(inference);
  state.counters["macs"] = static_cast<double>(macs);
  state.counters["cycles_per_mac"] = static_cast<double>(inference) / static_cast<double>(macs);
}

void BM_FashionInference(benchmark::State& state, const std::string& name) {
  const std::filesystem::path elf = ElfDir() / ("fashion_" + name + ".elf");
  if (!std::filesystem::exists(elf)) {
    state.SkipWithError("example guests are not built");
    return;
  }
  const vm::ProgramImage image = vm::LoadElf(ReadFileBytes(elf.string()));
  HostModel model = HostModel::FromFile((SourceDir() / (name + ".pvm")).string());
  const std::vector<uint8_t> pixels = ReadFileBytes((SourceDir() / "sample_0.bin").string());
  const std::vector<uint8_t> input =
      GuestInput(model, WeightsMode::kEmbedded, pixels, kFlagReportCycles);
  vm::ExecuteResult result;
  uint64_t inference = 0;
  for (auto _ : state) result = Run(image, input, &inference);
  if (result.exit_code != 0) state.SkipWithError("guest failed");
  Report(state, result, inference, MacCount(model.model()));
}
BENCHMARK_CAPTURE(BM_FashionInference, mlp, std::string("mlp"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_FashionInference, cnn, std::string("cnn"))->Unit(benchmark::kMillisecond);

Tensor Random(std::mt19937* rng, std::vector<int64_t> shape) {
  std::normal_distribution<float> dist(0.f, 0.5f);
  Tensor t{shape, std::vector<float>(ElementCount(shape))};
  for (float& v : t.data) v = dist(*rng);
  return t;
}

// One-layer models, run through the private-weights guest: the guest reports the cycles of the
// inference alone, so model hashing does not count.
void RunKernel(benchmark::State& state, const Graph& graph, const Tensor& sample) {
  const std::filesystem::path elf = ElfDir() / "fashion.elf";
  if (!std::filesystem::exists(elf)) {
    state.SkipWithError("example guests are not built");
    return;
  }
  HostModel model(Compile(graph, std::vector<Tensor>{sample}, CompileOptions{}));
  const std::vector<uint8_t> input =
      GuestInput(model, WeightsMode::kPrivate, model.QuantizeInput(sample), kFlagReportCycles);
  const vm::ProgramImage image = vm::LoadElf(ReadFileBytes(elf.string()));
  vm::ExecuteResult result;
  uint64_t inference = 0;
  for (auto _ : state) result = Run(image, input, &inference);
  if (result.exit_code != 0) state.SkipWithError("guest failed");
  Report(state, result, inference, MacCount(model.model()));
}

Node MakeNode(const std::string& op, std::vector<std::string> inputs, std::string output) {
  Node node;
  node.op_type = op;
  node.name = op;
  node.inputs = std::move(inputs);
  node.outputs = {std::move(output)};
  return node;
}

void BM_DenseKernel(benchmark::State& state) {
  const int64_t k = state.range(0), n = state.range(1);
  std::mt19937 rng(1);
  Graph graph;
  graph.opset = 13;
  graph.inputs = {"x"};
  graph.input_shapes = {{1, k}};
  graph.outputs = {"y"};
  graph.initializers["w"] = Random(&rng, {k, n});
  graph.nodes.push_back(MakeNode("MatMul", {"x", "w"}, "y"));
  RunKernel(state, graph, Random(&rng, {1, k}));
}
BENCHMARK(BM_DenseKernel)->Args({784, 64})->Args({1024, 256})->Unit(benchmark::kMillisecond);

void BM_ConvKernel(benchmark::State& state) {
  const int64_t c = state.range(0), size = state.range(1), kernel = state.range(2);
  std::mt19937 rng(2);
  Graph graph;
  graph.opset = 13;
  graph.inputs = {"x"};
  graph.input_shapes = {{1, c, size, size}};
  graph.outputs = {"y"};
  graph.initializers["w"] = Random(&rng, {c, c, kernel, kernel});
  Node conv = MakeNode("Conv", {"x", "w"}, "y");
  const int64_t pad = kernel / 2;
  conv.attributes["pads"].ints = {pad, pad, pad, pad};
  conv.attributes["kernel_shape"].ints = {kernel, kernel};
  graph.nodes.push_back(conv);
  RunKernel(state, graph, Random(&rng, {1, c, size, size}));
}
BENCHMARK(BM_ConvKernel)
    ->Args({8, 14, 3})
    ->Args({16, 16, 3})
    ->Args({16, 16, 1})
    ->Args({16, 16, 5})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace prova::model

BENCHMARK_MAIN();
