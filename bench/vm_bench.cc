// Emulator speed: instructions per second in fast and traced mode on a compute-bound guest (an
// int8 dot product, the inner loop of an MLP layer) assembled in memory, and optionally on an ELF
// named by PROVA_BENCH_ELF (with private input from the file PROVA_BENCH_INPUT, if set).
//
// Targets: fast >= 300 M instructions/s, traced >= 30 M instructions/s, one core.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "bench/dot_product_guest.h"
#include "vm/elf_loader.h"
#include "vm/machine.h"
#include "vm/trace.h"

namespace prova::vm {
namespace {

void ReportRate(benchmark::State& state, uint64_t instructions) {
  state.counters["instructions_per_second"] =
      benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
  state.counters["instructions_per_run"] =
      static_cast<double>(instructions) / static_cast<double>(state.iterations());
}

void BM_FastDotProduct(benchmark::State& state) {
  const ProgramImage image = DotProductProgram(static_cast<uint32_t>(state.range(0)));
  ExecuteOptions options;
  uint64_t instructions = 0;
  for (auto _ : state) {
    ExecuteResult result = Execute(image, options);
    if (result.status != ExecuteResult::kExited) state.SkipWithError("guest did not exit");
    instructions += result.cycles;
    benchmark::DoNotOptimize(result.registers);
  }
  ReportRate(state, instructions);
}
BENCHMARK(BM_FastDotProduct)->Arg(6000)->Unit(benchmark::kMillisecond);

void BM_TracedDotProduct(benchmark::State& state) {
  const ProgramImage image = DotProductProgram(static_cast<uint32_t>(state.range(0)));
  ExecuteOptions options;
  uint64_t instructions = 0;
  Trace trace;
  for (auto _ : state) {
    ExecuteResult result = ExecuteTraced(image, options, &trace);
    if (result.status != ExecuteResult::kExited) state.SkipWithError("guest did not exit");
    instructions += result.cycles;
    benchmark::DoNotOptimize(trace.steps.data());
  }
  ReportRate(state, instructions);
  state.counters["trace_bytes_per_step"] = sizeof(TraceStep);
}
// 256 repetitions ~ 2.1 M steps, about half of the 2^22-step trace the prover takes.
BENCHMARK(BM_TracedDotProduct)->Arg(256)->Unit(benchmark::kMillisecond);

// The same with a fresh Trace per run: includes allocating and faulting in ~100 MB of trace.
void BM_TracedDotProductFreshTrace(benchmark::State& state) {
  const ProgramImage image = DotProductProgram(static_cast<uint32_t>(state.range(0)));
  ExecuteOptions options;
  uint64_t instructions = 0;
  for (auto _ : state) {
    Trace trace;
    ExecuteResult result = ExecuteTraced(image, options, &trace);
    if (result.status != ExecuteResult::kExited) state.SkipWithError("guest did not exit");
    instructions += result.cycles;
    benchmark::DoNotOptimize(trace.steps.data());
  }
  ReportRate(state, instructions);
}
BENCHMARK(BM_TracedDotProductFreshTrace)->Arg(256)->Unit(benchmark::kMillisecond);

std::vector<uint8_t> ReadFileOrEmpty(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void RunElf(benchmark::State& state, bool traced) {
  const char* path = std::getenv("PROVA_BENCH_ELF");
  if (path == nullptr) {
    state.SkipWithError("set PROVA_BENCH_ELF to a guest ELF (e.g. build/examples/mlp/mlp.elf)");
    return;
  }
  const std::vector<uint8_t> elf = ReadFileOrEmpty(path);
  const char* input_path = std::getenv("PROVA_BENCH_INPUT");
  const std::vector<uint8_t> input =
      input_path ? ReadFileOrEmpty(input_path) : std::vector<uint8_t>{};
  ProgramImage image;
  try {
    image = LoadElf(elf);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  ExecuteOptions options;
  options.input = input;
  options.on_output = [](int, std::span<const uint8_t>) {};
  uint64_t instructions = 0;
  Trace trace;
  for (auto _ : state) {
    ExecuteResult result = traced ? ExecuteTraced(image, options, &trace) : Execute(image, options);
    if (result.status != ExecuteResult::kExited) {
      state.SkipWithError(result.fault ? result.fault->message.c_str() : "guest did not exit");
      break;
    }
    instructions += result.cycles;
  }
  ReportRate(state, instructions);
}

void BM_FastElf(benchmark::State& state) { RunElf(state, false); }
void BM_TracedElf(benchmark::State& state) { RunElf(state, true); }
BENCHMARK(BM_FastElf)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TracedElf)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace prova::vm

BENCHMARK_MAIN();
