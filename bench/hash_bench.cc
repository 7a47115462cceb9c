// Poseidon2, row hash (SHA-256), Merkle commitment and proof-of-work speed.
//   ./build/bench/hash_bench
//   ./build/bench/hash_bench --benchmark_filter=MerkleCommit
// Permutations per second are the items_per_second of BM_Poseidon2*; the Merkle rate is reported
// as rows/s (items) and input MB/s (bytes).

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "prover/fri/fri_prover.h"
#include "prover/merkle/merkle_tree.h"
#include "verifier/field/packed_babybear.h"
#include "verifier/hash/poseidon2.h"
#include "verifier/hash/row_hash.h"
#include "verifier/hash/sponge.h"
#include "verifier/merkle/merkle_verifier.h"
#include "verifier/transcript/challenger.h"

namespace prova {
namespace {

using hash::Poseidon2;

template <class P>
void BM_Poseidon2Scalar(benchmark::State& state) {
  typename P::State s;
  for (size_t i = 0; i < s.size(); ++i) s[i] = BabyBear::from_canonical(static_cast<uint32_t>(i));
  for (auto _ : state) {
    P::Permute(s);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Poseidon2Scalar<Poseidon2>)->Name("BM_Poseidon2Scalar");

template <class P>
void BM_Poseidon2Packed(benchmark::State& state) {
  typename P::PackedState s;
  for (size_t i = 0; i < s.size(); ++i) {
    s[i] = BabyBear::Packed::from_canonical(static_cast<uint32_t>(i));
  }
  for (auto _ : state) {
    P::Permute(s);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * BabyBear::Packed::kWidth);
  state.SetLabel("lanes=" + std::to_string(BabyBear::Packed::kWidth));
}
BENCHMARK(BM_Poseidon2Packed<Poseidon2>)->Name("BM_Poseidon2Packed");

// One row of `state.range(0)` elements (a Merkle leaf), with one hasher reused as the prover does.
void BM_RowHash(benchmark::State& state) {
  std::vector<BabyBear> row(static_cast<size_t>(state.range(0)));
  for (size_t i = 0; i < row.size(); ++i)
    row[i] = BabyBear::from_canonical(static_cast<uint32_t>(i));
  hash::RowHasher hasher;
  for (auto _ : state) {
    hasher.Absorb(std::span<const BabyBear>(row));
    hash::Digest d = hasher.Finalize();
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RowHash)->Arg(20)->Arg(88)->Arg(104);

// Commitment to one matrix of 2^log_rows rows and `columns` columns (parallel; SHA-256 rows,
// packed Poseidon2 nodes).
void BM_MerkleCommit(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0);
  const size_t columns = static_cast<size_t>(state.range(1));
  std::mt19937_64 rng(1);
  std::vector<BabyBear> values(rows * columns);
  for (BabyBear& x : values) x = BabyBear::from_u64(rng());
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<merkle::RowMajorMatrix> matrices;
    matrices.emplace_back(values, columns);
    state.ResumeTiming();
    merkle::MerkleTree tree(std::move(matrices));
    benchmark::DoNotOptimize(tree.root());
    state.PauseTiming();
    { auto discard = std::move(tree); }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * rows * columns * sizeof(BabyBear)));
}
BENCHMARK(BM_MerkleCommit)
    ->Args({18, 100})
    ->Args({20, 100})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

// Opening and verifying 100 random queries of a 2^16 x 100 commitment.
void BM_MerkleOpenVerify100(benchmark::State& state) {
  const size_t rows = size_t{1} << 16, columns = 100;
  std::mt19937_64 rng(2);
  std::vector<BabyBear> values(rows * columns);
  for (BabyBear& x : values) x = BabyBear::from_u64(rng());
  std::vector<merkle::RowMajorMatrix> matrices;
  matrices.emplace_back(std::move(values), columns);
  merkle::MerkleTree tree(std::move(matrices));
  merkle::MerkleVerifier verifier(tree.dimensions(), 0);
  std::vector<uint64_t> indices(100);
  for (uint64_t& i : indices) i = rng() % rows;
  for (auto _ : state) {
    merkle::MultiOpening opening = tree.Open(indices);
    bool ok = static_cast<bool>(verifier.Verify(tree.root(), indices, opening));
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_MerkleOpenVerify100)->Unit(benchmark::kMicrosecond);

// Proof of work: the sequential search (argument 1: 0) and the prover's search on every core
// (1), which finds the same witness.
void BM_Grind(benchmark::State& state) {
  const size_t bits = static_cast<size_t>(state.range(0));
  const bool parallel = state.range(1) != 0;
  uint32_t round = 0;
  for (auto _ : state) {
    transcript::DuplexChallenger challenger;
    challenger.Observe(BabyBear::from_canonical(round++));  // a fresh search each iteration
    BabyBear witness = parallel ? fri::ParallelGrind(challenger, bits) : challenger.Grind(bits);
    benchmark::DoNotOptimize(witness);
  }
}
BENCHMARK(BM_Grind)
    ->Args({16, 0})
    ->Args({16, 1})
    ->Args({20, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(50)
    ->UseRealTime();

}  // namespace
}  // namespace prova

BENCHMARK_MAIN();
