// STARK prover and verifier on a 100-column AIR (degree-2 transitions), 2^20 rows by default.
//
//   ./build/bench/stark_bench                                  # 2^20 rows, default config
//   ./build/bench/stark_bench --benchmark_filter=/16           # 2^16 rows
//   STARK_BENCH_LDE_CACHE_MB=4096 ./build/bench/stark_bench    # keep LDE blocks up to 4 GiB
// Reported counters: proof size in bytes, conjectured security bits.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/heap.h"
#include "prover/stark/prover.h"
#include "verifier/air/air.h"
#include "verifier/air/matrix.h"
#include "verifier/stark/config.h"
#include "verifier/stark/verifier.h"

namespace prova::stark {
namespace {

constexpr size_t kColumns = 100;

template <class T>
struct WideCols {
  T c[kColumns];
};

// next[i] = local[i] * local[i + 1] + local[i + 2] (indices mod 100), first row public.
struct WideAir {
  std::string_view name() const { return "wide"; }
  size_t main_width() const { return kColumns; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 1; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    auto [local, next] = b.template rows<WideCols>();
    b.when_first_row().assert_eq(local.c[0], b.public_values()[0], "start");
    for (size_t i = 0; i < kColumns; ++i) {
      b.when_transition().assert_eq(
          next.c[i], local.c[i] * local.c[(i + 1) % kColumns] + local.c[(i + 2) % kColumns],
          "step");
    }
  }

  static air::RowMajorMatrix<BabyBear> Trace(size_t rows) {
    air::RowMajorMatrix<BabyBear> t(rows, kColumns);
    for (size_t i = 0; i < kColumns; ++i) t.at(0, i) = BabyBear::from_u64(i + 1);
    for (size_t r = 1; r < rows; ++r) {
      for (size_t i = 0; i < kColumns; ++i) {
        t.at(r, i) =
            t.at(r - 1, i) * t.at(r - 1, (i + 1) % kColumns) + t.at(r - 1, (i + 2) % kColumns);
      }
    }
    return t;
  }
};

const ProverAirTable<WideAir> kWide{WideAir{}};

// The trace moved into place: an initializer list would copy it and leave a freed copy's worth of
// touched heap that the prover reuses (0.4 GB at 2^20 rows), which `prova prove` does not have.
std::vector<TableWitness> WideWitness(size_t rows) {
  std::vector<TableWitness> witness;
  witness.push_back({WideAir::Trace(rows), {BabyBear::one()}});
  return witness;
}

StarkConfig BenchConfig(bool zero_knowledge) {
  StarkConfig c = DefaultConfig();
  c.zero_knowledge = zero_knowledge;
  if (const char* a = std::getenv("STARK_BENCH_LOG_ARITY")) c.fri.log_arity = std::atoi(a);
  if (const char* f = std::getenv("STARK_BENCH_LOG_FINAL")) c.fri.log_final_poly_len = std::atoi(f);
  if (const char* q = std::getenv("STARK_BENCH_QUERIES")) c.fri.num_queries = std::atoi(q);
  return c;
}

void BM_Prove(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0);
  const bool zk = state.range(1) != 0;
  std::vector<const ProverTable*> tables = {&kWide};
  ProvingKey pk = Setup(BenchConfig(zk), tables);
  std::vector<TableWitness> w = WideWitness(rows);
  size_t bytes = 0;
  // Wall seconds per prover phase, reported as counters (the phase names of ProveOptions).
  std::map<std::string, double> phase_seconds;
  std::string phase;
  auto phase_start = std::chrono::steady_clock::now();
  auto on_progress = [&](std::string_view next, double) {
    const auto now = std::chrono::steady_clock::now();
    if (!phase.empty())
      phase_seconds[phase] += std::chrono::duration<double>(now - phase_start).count();
    phase = next;
    phase_start = now;
  };
  ProveOptions options{.check_constraints = false, .on_progress = on_progress};
  if (const char* mb = std::getenv("STARK_BENCH_LDE_CACHE_MB")) {
    options.lde_cache_bytes = static_cast<size_t>(std::atoll(mb)) << 20;
  }
  for (auto _ : state) {
    // Consumed, as `prova prove` gives up its witness: the prover frees the trace once copied.
    if (w.empty()) {
      state.PauseTiming();
      w = WideWitness(rows);
      state.ResumeTiming();
    }
    StarkProof proof = ProveConsuming(pk, tables, std::move(w), options);
    w.clear();
    bytes = SerializeProof(proof).size();
    benchmark::DoNotOptimize(bytes);
  }
  for (const auto& [name, seconds] : phase_seconds) state.counters["s:" + name] = seconds;
  state.counters["proof_bytes"] = static_cast<double>(bytes);
  state.counters["security_bits"] = AnalyzeSecurity(BenchConfig(zk), rows, 2).conjectured_bits;
}

void BM_Verify(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0);
  const bool zk = state.range(1) != 0;
  std::vector<const ProverTable*> tables = {&kWide};
  std::vector<const Table*> vtables = {&kWide};
  ProvingKey pk = Setup(BenchConfig(zk), tables);
  std::vector<TableWitness> w = WideWitness(rows);
  const std::vector<uint8_t> bytes = SerializeProof(
      Prove(pk, tables, w, ProveOptions{.check_constraints = false, .on_progress = {}}));
  const std::vector<std::vector<BabyBear>> pv = {{BabyBear::one()}};
  for (auto _ : state) {
    VerifyResult r = Verify(pk.vk, vtables, pv, bytes);
    if (!r.ok) state.SkipWithError(r.reason.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["proof_bytes"] = static_cast<double>(bytes.size());
}

BENCHMARK(BM_Prove)
    ->ArgsProduct({{16, 18, 20}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_Verify)->ArgsProduct({{16, 20}, {0, 1}})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace prova::stark

int main(int argc, char** argv) {
  prova::UseHugePageHeap(argv);  // as `prova prove` does
  prova::KeepFreedMemoryForReuse();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
