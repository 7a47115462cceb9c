#include "prover/stark/coset_lde.h"

#include <utility>

#include "common/error.h"
#include "prover/ntt/ntt.h"
#include "verifier/fri/fri.h"

namespace prova::stark {

CosetLde::CosetLde(prova::RowMajorMatrix<BabyBear> coefficients, size_t log_lde, size_t log_block)
    : coefficients_(std::move(coefficients)), log_lde_(log_lde), log_block_(log_block) {
  PROVA_CHECK(log_block_ <= log_lde_ && log_lde_ <= ntt::kMaxLogSize, "bad LDE block size");
  PROVA_CHECK(coefficients_.height() <= (size_t{1} << log_lde_), "more coefficients than points");
}

merkle::MatrixDimensions CosetLde::dimensions() const {
  return {coefficients_.width(), uint64_t{1} << log_lde_};
}

void CosetLde::FillBlock(size_t block, std::span<BabyBear> out) const {
  PROVA_CHECK(out.size() == block_height() * width(), "LDE block buffer has the wrong size");
  ntt::coset_lde_block(coefficients_.view(), static_cast<uint32_t>(log_lde_), fri::DomainShift(),
                       static_cast<uint32_t>(log_block_), block,
                       RowMajorView<BabyBear>(out.data(), block_height(), width()));
}

}  // namespace prova::stark
