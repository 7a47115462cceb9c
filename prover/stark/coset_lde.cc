#include "prover/stark/coset_lde.h"

#include <algorithm>
#include <utility>

#include "common/error.h"
#include "prover/ntt/ntt.h"
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
  return kept_[block];
}

std::span<const BabyBear> CosetLde::Compute(size_t block, std::vector<BabyBear>& scratch) const {
  const size_t size = block_height() * width();
  std::vector<BabyBear> kept;
  const bool keep = budget_ != nullptr && budget_->Reserve(size * sizeof(BabyBear));
  std::vector<BabyBear>& out = keep ? kept : scratch;
  out.resize(size);
  ntt::coset_lde_block(coefficients_.view(), static_cast<uint32_t>(log_lde_), fri::DomainShift(),
                       static_cast<uint32_t>(log_block_), block,
                       RowMajorView<BabyBear>(out.data(), block_height(), width()));
  if (!keep) return scratch;
  std::lock_guard<std::mutex> lock(mutex_);
  // A block is kept once and never replaced, so spans of it stay valid.
  if (kept_[block].empty()) kept_[block] = std::move(kept);
  return kept_[block];
}

void CosetLde::FillBlock(size_t block, std::span<BabyBear> out) const {
  PROVA_CHECK(out.size() == block_height() * width(), "LDE block buffer has the wrong size");
  std::vector<BabyBear> scratch;
  const std::span<const BabyBear> values = Block(block, scratch);
  std::copy(values.begin(), values.end(), out.begin());
}

std::span<const BabyBear> CosetLde::Block(size_t block, std::vector<BabyBear>& scratch) const {
  PROVA_CHECK(block < num_blocks(), "LDE block index out of range");
  const std::span<const BabyBear> kept = Kept(block);
  if (!kept.empty()) return kept;
  return Compute(block, scratch);
}

}  // namespace prova::stark
