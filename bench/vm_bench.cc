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

#include "vm/assembler.h"
#include "vm/elf_loader.h"
#include "vm/machine.h"
#include "vm/trace.h"

namespace prova::vm {
namespace {

using namespace rv32;

constexpr uint32_t kVectorLength = 1024;

// for rep in 1..repetitions: acc = sum(a[i] * b[i]) over int8 a, b; out = acc. exit(acc & 0xff).
ProgramImage DotProductProgram(uint32_t repetitions) {
  const uint32_t a_addr = kDefaultDataAddress;
  const uint32_t b_addr = a_addr + kVectorLength;
  const uint32_t out_addr = a_addr + 2 * kVectorLength;
  Code c;
  c << Li(s0, a_addr) << Li(s1, b_addr) << Li(s2, repetitions) << Li(s3, out_addr);
  const int32_t outer = c.here();
  c << Addi(t0, s0, 0) << Addi(t1, s1, 0) << Li(t2, kVectorLength) << Addi(a3, zero, 0);
  const int32_t inner = c.here();
  c << Lb(t3, t0, 0) << Lb(t4, t1, 0) << Mul(t5, t3, t4) << Add(a3, a3, t5) << Addi(t0, t0, 1)
    << Addi(t1, t1, 1) << Addi(t2, t2, -1);
  c << Bne(t2, zero, inner - c.here());
  c << Sw(a3, s3, 0) << Addi(s2, s2, -1);
  c << Bne(s2, zero, outer - c.here());
  c << Addi(a0, a3, 0) << Addi(a7, zero, 93) << Ecall();

  std::vector<uint8_t> data(2 * kVectorLength);
  uint32_t seed = 12345;
  for (uint8_t& byte : data) {
    seed = seed * 1103515245u + 12345u;
    byte = static_cast<uint8_t>(seed >> 16);
  }
  return MakeImage(c.words(), std::move(data), 3 * kVectorLength);
}

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
