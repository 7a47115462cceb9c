#include "prover/stark/blinding.h"

#include <array>
#include <vector>

#include "common/error.h"
#include "prover/merkle/merkle_tree.h"
#include "verifier/air/blinding.h"

namespace prova::stark {

namespace {

constexpr size_t kWidth = air::kBlindingWidth;

// The last row of a blinded trace, after checking that its blinding columns are in the trace.
size_t LastRow(const BlindedTrace& b) {
  for (size_t c : b.columns) {
    PROVA_CHECK(c < b.main->width && b.main->height() > 0, "blinding columns outside the trace");
  }
  return b.main->height() - 1;
}

}  // namespace

void BlindLogUpSums(std::span<const BlindedTrace> blinded, bool random) {
  PROVA_CHECK(blinded.size() >= 2, "blinding needs two tables for the offsets to cancel");
  std::vector<BabyBear> values(kWidth * (blinded.size() - 1), BabyBear::zero());
  if (random) merkle::FillWithSecureRandomness(values);
  for (size_t t = 0; t + 1 < blinded.size(); ++t) {
    const size_t last = LastRow(blinded[t]);
    for (size_t i = 0; i < kWidth; ++i) {
      blinded[t].main->at(last, blinded[t].columns[i]) = values[kWidth * t + i];
    }
  }
  CancelLogUpOffsets(blinded);
}

void CancelLogUpOffsets(std::span<const BlindedTrace> blinded) {
  PROVA_CHECK(!blinded.empty(), "no blinded table");
  std::array<BabyBear, kWidth> total{};
  for (size_t t = 0; t < blinded.size(); ++t) {
    const air::RowMajorMatrix<BabyBear>& main = *blinded[t].main;
    const size_t last = LastRow(blinded[t]);
    // Every row's cells count (a table may use columns that hold values elsewhere), but the
    // cells being set.
    const size_t rows = t + 1 < blinded.size() ? last + 1 : last;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t i = 0; i < kWidth; ++i) total[i] = total[i] + main.at(r, blinded[t].columns[i]);
    }
  }
  const BlindedTrace& cancelling = blinded.back();
  const size_t last = LastRow(cancelling);
  for (size_t i = 0; i < kWidth; ++i) cancelling.main->at(last, cancelling.columns[i]) = -total[i];
}

}  // namespace prova::stark
