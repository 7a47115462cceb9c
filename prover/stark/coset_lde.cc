#include "prover/stark/coset_lde.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <utility>

#include "common/error.h"
#include "prover/ntt/ntt.h"
#include "verifier/field/packed_babybear.h"
#include "verifier/fri/fri.h"

namespace prova::stark {

bool LdeCacheBudget::Reserve(size_t bytes) {
  size_t remaining = remaining_.load();
  while (remaining >= bytes) {
    if (remaining_.compare_exchange_weak(remaining, remaining - bytes)) return true;
  }
  return false;
}

CosetLde::CosetLde(prova::RowMajorMatrix<BabyBear> coefficients, size_t log_lde, size_t log_block,
                   std::shared_ptr<LdeCacheBudget> budget)
    : coefficients_(std::move(coefficients)),
      log_lde_(log_lde),
      log_block_(log_block),
      budget_(std::move(budget)) {
  PROVA_CHECK(log_block_ <= log_lde_ && log_lde_ <= ntt::kMaxLogSize, "bad LDE block size");
  PROVA_CHECK(coefficients_.height() <= (size_t{1} << log_lde_), "more coefficients than points");
  kept_.resize(num_blocks());
}

merkle::MatrixDimensions CosetLde::dimensions() const {
  return {coefficients_.width(), uint64_t{1} << log_lde_};
}

std::span<const BabyBear> CosetLde::Kept(size_t block) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return kept_[block].values();
}

std::span<const BabyBear> CosetLde::Compute(size_t block, merkle::BlockScratch& scratch) const {
  const size_t size = block_height() * width();
  merkle::BlockScratch kept;
  const bool keep = budget_ != nullptr && budget_->Reserve(size * sizeof(BabyBear));
  const std::span<BabyBear> out = (keep ? kept : scratch).Resize(size);
  ntt::coset_lde_block(coefficients_.view(), static_cast<uint32_t>(log_lde_), fri::DomainShift(),
                       static_cast<uint32_t>(log_block_), block,
                       RowMajorView<BabyBear>(out.data(), block_height(), width()));
  if (!keep) return out;
  std::lock_guard<std::mutex> lock(mutex_);
  // A block is kept once and never replaced, so spans of it stay valid.
  if (kept_[block].empty()) kept_[block] = std::move(kept);
  return kept_[block].values();
}

void CosetLde::FillBlock(size_t block, std::span<BabyBear> out) const {
  PROVA_CHECK(out.size() == block_height() * width(), "LDE block buffer has the wrong size");
  merkle::BlockScratch scratch;
  const std::span<const BabyBear> values = Block(block, scratch);
  std::copy(values.begin(), values.end(), out.begin());
}

std::span<const BabyBear> CosetLde::Block(size_t block, merkle::BlockScratch& scratch) const {
  PROVA_CHECK(block < num_blocks(), "LDE block index out of range");
  const std::span<const BabyBear> kept = Kept(block);
  if (!kept.empty()) return kept;
  return Compute(block, scratch);
}

// Row i of block b is the point x = c_b w^rev(i) (w of order 2^log_block, rev over log_block
// bits). A run's rows i0 + u (u < R = 2^log_run, i0 a multiple of R) are x0 z^rev'(u) with
// x0 = c_b w^rev(i0) and z of order R, so with P(X) = sum_r X^r A_r(X^R) every row of the run is
// sum_r x^r A_r(y) for the one value y = x0^R. The A_r(y) of every run take one pass over the
// coefficients: a_j adds a_j y^(j / R) to A_(j mod R) of each run.
bool CosetLde::FillRuns(std::span<const uint64_t> run_starts, size_t log_run,
                        std::span<BabyBear> out) const {
  const size_t run = size_t{1} << log_run, num_runs = run_starts.size(), w = width();
  PROVA_CHECK(log_run <= log_block_, "an opened run is larger than an LDE block");
  PROVA_CHECK(out.size() == num_runs * run * w, "opened runs buffer has the wrong size");
  for (const uint64_t start : run_starts) {
    PROVA_CHECK((start & (run - 1)) == 0, "an opened run is not aligned");
  }
  // Runs in kept blocks are copied from them. The others are computed here unless their blocks
  // are few enough to recompute for less than a pass per run (a block costs about log_block
  // passes' worth of butterflies, at a lower rate than the packed products here).
  std::vector<size_t> computed;  // indices into run_starts
  std::vector<size_t> blocks;    // their distinct blocks
  for (size_t q = 0; q < run_starts.size(); ++q) {
    const size_t b = run_starts[q] >> log_block_;
    if (!Kept(b).empty()) continue;
    computed.push_back(q);
    if (blocks.empty() || blocks.back() != b) blocks.push_back(b);
  }
  if (computed.size() > blocks.size() * log_block_) return false;
  for (size_t q = 0; q < num_runs; ++q) {
    const std::span<const BabyBear> kept = Kept(run_starts[q] >> log_block_);
    if (kept.empty()) continue;
    const uint64_t i0 = run_starts[q] & (block_height() - 1);
    std::copy_n(kept.begin() + static_cast<std::ptrdiff_t>(i0 * w), run * w,
                out.begin() + static_cast<std::ptrdiff_t>(q * run * w));
  }
  if (computed.empty()) return true;
  ComputeRuns(run_starts, computed, log_run, out);
  return true;
}

void CosetLde::ComputeRuns(std::span<const uint64_t> run_starts, std::span<const size_t> selected,
                           size_t log_run, std::span<BabyBear> out) const {
  using Packed = BabyBear::Packed;
  constexpr size_t kLanes = Packed::kWidth;
  const size_t run = size_t{1} << log_run, num_runs = selected.size(), w = width();
  const BabyBear w_block = BabyBear::two_adic_generator(static_cast<uint32_t>(log_block_));
  std::vector<BabyBear> x0(num_runs), y(num_runs);
  for (size_t q = 0; q < num_runs; ++q) {
    const size_t b = run_starts[selected[q]] >> log_block_;
    const uint64_t i0 = run_starts[selected[q]] & (block_height() - 1);
    x0[q] = ntt::coset_lde_block_shift(static_cast<uint32_t>(log_lde_), fri::DomainShift(),
                                       static_cast<uint32_t>(log_block_), b) *
            w_block.pow(ntt::bit_reverse(i0, static_cast<uint32_t>(log_block_)));
    y[q] = x0[q].pow(run);
  }

  const size_t height = coefficients_.height();
  const size_t packs = (w + kLanes - 1) / kLanes;
  const size_t acc_size = num_runs * run * packs;  // [run q][residue r][pack]
  constexpr size_t kChunk = size_t{1} << 13;       // coefficients per task, a multiple of run
  const size_t chunks = (height + kChunk - 1) / kChunk;
  std::vector<std::vector<Packed>> partial(chunks);
  tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
    std::vector<Packed>& acc = partial[c];
    acc.assign(acc_size, Packed::zero());
    const size_t begin = c * kChunk, end = std::min(height, begin + kChunk);
    std::vector<BabyBear> y_power(num_runs);
    for (size_t q = 0; q < num_runs; ++q) y_power[q] = y[q].pow(begin >> log_run);
    std::vector<Packed> row(packs);
    auto load = [&](size_t j, size_t p) {
      return Packed::load_prefix(coefficients_.row(j).subspan(p * kLanes));
    };
    size_t j = begin;
    // Four rows of one residue r at a time, j + r + t run for t < 4: their terms of A_r(y) carry
    // y^(j / run) times 1, y, y^2, y^3, one dot product of four reduced once (Packed::dot4).
    std::vector<std::array<Packed, 4>> steps(num_runs);
    for (; j + 4 * run <= end; j += 4 * run) {
      for (size_t q = 0; q < num_runs; ++q) {
        for (size_t t = 0; t < 4; ++t, y_power[q] *= y[q]) steps[q][t] = Packed(y_power[q]);
      }
      for (size_t r = 0; r < run; ++r) {
        for (size_t p = 0; p < packs; ++p) {
          const std::array<Packed, 4> v = {load(j + r, p), load(j + r + run, p),
                                           load(j + r + 2 * run, p), load(j + r + 3 * run, p)};
          for (size_t q = 0; q < num_runs; ++q) {
            acc[(q * run + r) * packs + p] += Packed::dot4(v.data(), steps[q].data());
          }
        }
      }
    }
    // The rest one row at a time; y_power is y^(j / run) here.
    for (const size_t first = j; j < end; ++j) {
      const size_t r = j & (run - 1);
      if (r == 0 && j != first) {
        for (size_t q = 0; q < num_runs; ++q) y_power[q] *= y[q];
      }
      for (size_t p = 0; p < packs; ++p) row[p] = load(j, p);
      for (size_t q = 0; q < num_runs; ++q) {
        Packed* a = &acc[(q * run + r) * packs];
        for (size_t p = 0; p < packs; ++p) a[p] += row[p] * y_power[q];
      }
    }
  });
  std::vector<Packed> total(acc_size, Packed::zero());
  for (const std::vector<Packed>& acc : partial) {
    for (size_t i = 0; i < acc_size; ++i) total[i] += acc[i];
  }

  // Each row of each run: sum_r x^r A_r(y).
  const BabyBear z = BabyBear::two_adic_generator(static_cast<uint32_t>(log_run));
  tbb::parallel_for(size_t{0}, num_runs * run, [&](size_t k) {
    const size_t q = k >> log_run, u = k & (run - 1);
    const BabyBear x = x0[q] * z.pow(ntt::bit_reverse(u, static_cast<uint32_t>(log_run)));
    std::vector<Packed> sum(packs, Packed::zero());
    BabyBear x_power = BabyBear::one();
    for (size_t r = 0; r < run; ++r, x_power *= x) {
      const Packed* a = &total[(q * run + r) * packs];
      for (size_t p = 0; p < packs; ++p) sum[p] += a[p] * x_power;
    }
    BabyBear* row_out = out.data() + (selected[q] * run + u) * w;
    for (size_t p = 0; p < packs; ++p) {
      const std::array<BabyBear, kLanes> lanes = sum[p].to_array();
      std::copy(lanes.begin(), lanes.begin() + std::min(kLanes, w - p * kLanes),
                row_out + p * kLanes);
    }
  });
}

}  // namespace prova::stark
