#include "prover/stark/blinding.h"

#include <array>
#include <vector>

#include "common/error.h"
#include "prover/merkle/merkle_tree.h"
#include "verifier/air/blinding.h"

namespace prova::stark {

void BlindLogUpSums(std::span<const BlindedTrace> blinded, bool random) {
  constexpr size_t kWidth = air::kBlindingWidth;
  PROVA_CHECK(blinded.size() >= 2, "blinding needs two tables for the offsets to cancel");
  std::vector<BabyBear> values(kWidth * (blinded.size() - 1), BabyBear::zero());
  if (random) merkle::FillWithSecureRandomness(values);
  std::array<BabyBear, kWidth> total{};
  for (size_t t = 0; t < blinded.size(); ++t) {
    air::RowMajorMatrix<BabyBear>& main = *blinded[t].main;
    const size_t first = blinded[t].first_column;
    PROVA_CHECK(first + kWidth <= main.width && main.height() > 0,
                "blinding columns outside the trace");
    const size_t last = main.height() - 1;
    // The other rows' cells count too (a table may use columns that hold values elsewhere).
    for (size_t r = 0; r < last; ++r) {
      for (size_t i = 0; i < kWidth; ++i) total[i] = total[i] + main.at(r, first + i);
    }
    for (size_t i = 0; i < kWidth; ++i) {
      BabyBear& cell = main.at(last, first + i);
      cell = t + 1 < blinded.size() ? values[kWidth * t + i] : -total[i];
      total[i] = total[i] + cell;
    }
  }
}

}  // namespace prova::stark
