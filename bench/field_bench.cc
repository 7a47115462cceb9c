// Field and NTT throughput. Run: build/bench/field_bench [--benchmark_filter=...]
// items_per_second is field elements (multiplications, inversions, or matrix elements transformed).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "prover/ntt/ntt.h"
#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/field/matrix.h"
#include "verifier/field/packed_babybear.h"

namespace prova {
namespace {

std::vector<BabyBear> RandomElements(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<BabyBear> v(n);
  for (auto& x : v) x = BabyBear::from_canonical(static_cast<uint32_t>(rng() % BabyBear::kPrime));
  return v;
}

// Independent multiply chains so that throughput, not latency, is measured.
constexpr size_t kChains = 8;
constexpr size_t kMulsPerChain = 1024;

void BM_BabyBearMul(benchmark::State& state) {
  std::vector<BabyBear> v = RandomElements(kChains + 1, 1);
  std::array<BabyBear, kChains> acc;
  for (size_t i = 0; i < kChains; ++i) acc[i] = v[i];
  const BabyBear m = v[kChains];
  for (auto _ : state) {
    for (size_t r = 0; r < kMulsPerChain; ++r) {
      for (auto& a : acc) a *= m;
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kChains * kMulsPerChain);
}
BENCHMARK(BM_BabyBearMul);

void BM_PackedBabyBearMul(benchmark::State& state) {
  constexpr size_t kW = PackedBabyBear::kWidth;
  std::vector<BabyBear> v = RandomElements((kChains + 1) * kW, 2);
  std::array<PackedBabyBear, kChains> acc;
  for (size_t i = 0; i < kChains; ++i) acc[i] = PackedBabyBear::load(&v[i * kW]);
  const PackedBabyBear m = PackedBabyBear::load(&v[kChains * kW]);
  for (auto _ : state) {
    for (size_t r = 0; r < kMulsPerChain; ++r) {
      for (auto& a : acc) a *= m;
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kChains * kMulsPerChain * kW);
  state.SetLabel("lanes=" + std::to_string(kW));
}
BENCHMARK(BM_PackedBabyBearMul);

void BM_BabyBear4Mul(benchmark::State& state) {
  std::vector<BabyBear> v = RandomElements(4 * (kChains + 1), 3);
  std::array<BabyBear4, kChains> acc;
  for (size_t i = 0; i < kChains; ++i) {
    acc[i] = BabyBear4::from_coeffs({v[4 * i], v[4 * i + 1], v[4 * i + 2], v[4 * i + 3]});
  }
  const size_t k = 4 * kChains;
  const BabyBear4 m = BabyBear4::from_coeffs({v[k], v[k + 1], v[k + 2], v[k + 3]});
  for (auto _ : state) {
    for (size_t r = 0; r < kMulsPerChain / 8; ++r) {
      for (auto& a : acc) a *= m;
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kChains * (kMulsPerChain / 8));
}
BENCHMARK(BM_BabyBear4Mul);

// Packed extension products: the LogUp fractions, the DEEP quotient and batch inversion use them.
void BM_PackedBabyBear4Mul(benchmark::State& state) {
  constexpr size_t kW = PackedBabyBear::kWidth;
  std::vector<BabyBear> v = RandomElements(4 * (kChains + 1) * kW, 4);
  auto packed = [&](size_t i) {
    std::array<PackedBabyBear, 4> c;
    for (size_t k = 0; k < 4; ++k) c[k] = PackedBabyBear::load(&v[(4 * i + k) * kW]);
    return PackedBabyBear4::from_coeffs(c);
  };
  std::array<PackedBabyBear4, kChains> acc;
  for (size_t i = 0; i < kChains; ++i) acc[i] = packed(i);
  const PackedBabyBear4 m = packed(kChains);
  for (auto _ : state) {
    for (size_t r = 0; r < kMulsPerChain / 8; ++r) {
      for (auto& a : acc) a *= m;
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * kChains * (kMulsPerChain / 8) * kW);
  state.SetLabel("lanes=" + std::to_string(kW));
}
BENCHMARK(BM_PackedBabyBear4Mul);

void BM_BabyBearInverse(benchmark::State& state) {
  std::vector<BabyBear> v = RandomElements(1024, 4);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(v[i++ & 1023].inverse());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BabyBearInverse);

void BM_BatchInverse(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<BabyBear> v = RandomElements(n, 5);
  for (auto& x : v) {
    if (x.is_zero()) x = BabyBear::one();
  }
  std::vector<BabyBear> out(n);
  for (auto _ : state) {
    batch_inverse<BabyBear>(std::span<const BabyBear>(v), std::span<BabyBear>(out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_BatchInverse)->Arg(1 << 16);

RowMajorMatrix<BabyBear> RandomMatrix(size_t height, size_t width) {
  std::vector<BabyBear> v = RandomElements(height * width, 6);
  return RowMajorMatrix<BabyBear>(v, width);
}

// Args: log2(rows), columns.
void BM_NttForward(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0), width = static_cast<size_t>(state.range(1));
  RowMajorMatrix<BabyBear> m = RandomMatrix(rows, width);
  for (auto _ : state) {
    ntt::forward(m.view());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * rows * width);
}
BENCHMARK(BM_NttForward)
    ->Args({20, 1})
    ->Args({16, 100})
    ->Args({20, 100})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_NttForwardBitReversed(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0), width = static_cast<size_t>(state.range(1));
  RowMajorMatrix<BabyBear> m = RandomMatrix(rows, width);
  for (auto _ : state) {
    ntt::forward_to_bit_reversed(m.view());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * rows * width);
}
BENCHMARK(BM_NttForwardBitReversed)
    ->Args({20, 1})
    ->Args({16, 100})
    ->Args({20, 100})
    ->Args({20, 84})
    ->Args({22, 4})  // a quotient's extension column as 4 base columns
    ->Args({20, 8})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_NttInverse(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0), width = static_cast<size_t>(state.range(1));
  RowMajorMatrix<BabyBear> m = RandomMatrix(rows, width);
  for (auto _ : state) {
    ntt::inverse(m.view());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * rows * width);
}
BENCHMARK(BM_NttInverse)
    ->Args({20, 1})
    ->Args({16, 100})
    ->Args({22, 4})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One block of a coset LDE from coefficients (the prover's trace commitment computes its LDE this
// way, a block of 2^log(rows) rows at a time), into a reused buffer. Args: log2(rows), columns,
// coefficient rows beyond the block's (45: a zero-knowledge trace's randomiser at 41 queries).
void BM_CosetLdeBlock(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0), width = static_cast<size_t>(state.range(1));
  const uint32_t log_rows = static_cast<uint32_t>(state.range(0));
  const RowMajorMatrix<BabyBear> coefficients =
      RandomMatrix(rows + static_cast<size_t>(state.range(2)), width);
  RowMajorMatrix<BabyBear> block = RandomMatrix(rows, width);
  size_t index = 0;
  for (auto _ : state) {
    ntt::coset_lde_block(coefficients.view(), log_rows + 2, BabyBear::multiplicative_generator(),
                         log_rows, index++ % 4, block.view());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * rows * width);
}
BENCHMARK(BM_CosetLdeBlock)
    ->Args({20, 84, 0})
    ->Args({20, 84, 45})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Args: log2(trace rows), columns, log2(blowup). Items are output (LDE) elements.
void BM_CosetLde(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0), width = static_cast<size_t>(state.range(1));
  const uint32_t log_blowup = static_cast<uint32_t>(state.range(2));
  const RowMajorMatrix<BabyBear> m = RandomMatrix(rows, width);
  for (auto _ : state) {
    RowMajorMatrix<BabyBear> lde =
        ntt::coset_lde(m.view(), log_blowup, BabyBear::multiplicative_generator());
    benchmark::DoNotOptimize(lde.data());
  }
  state.SetItemsProcessed(state.iterations() * (rows << log_blowup) * width);
}
BENCHMARK(BM_CosetLde)
    ->Args({16, 100, 2})
    ->Args({18, 100, 2})
    ->Args({20, 100, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The same into a buffer reused across iterations: the steady state of a prover that keeps its LDE
// storage, without first-touch page faults (which are slow on virtual machines).
void BM_CosetLdeInto(benchmark::State& state) {
  const size_t rows = size_t{1} << state.range(0), width = static_cast<size_t>(state.range(1));
  const uint32_t log_blowup = static_cast<uint32_t>(state.range(2));
  const RowMajorMatrix<BabyBear> m = RandomMatrix(rows, width);
  RowMajorMatrix<BabyBear> lde(rows << log_blowup, width);
  for (auto _ : state) {
    ntt::coset_lde_into(m.view(), log_blowup, BabyBear::multiplicative_generator(), lde.view());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * (rows << log_blowup) * width);
}
BENCHMARK(BM_CosetLdeInto)
    ->Args({16, 100, 2})
    ->Args({18, 100, 2})
    ->Args({20, 100, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace prova

BENCHMARK_MAIN();
