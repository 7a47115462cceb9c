#include "prover/stark/blinding.h"

#include <array>
#include <vector>

#include "common/error.h"
#include "prover/merkle/merkle_tree.h"
#include "verifier/air/blinding.h"

namespace prova::stark {

void BlindLogUpSums(std::span<air::RowMajorMatrix<BabyBear>* const> blinded) {
  constexpr size_t kWidth = air::kBlindingWidth;
  PROVA_CHECK(blinded.size() >= 2, "blinding needs two tables for the offsets to cancel");
  std::vector<BabyBear> random(kWidth * (blinded.size() - 1));
  merkle::FillWithSecureRandomness(random);
  std::array<BabyBear, kWidth> total{};
  for (size_t t = 0; t < blinded.size(); ++t) {
    air::RowMajorMatrix<BabyBear>& main = *blinded[t];
    PROVA_CHECK(main.width >= kWidth && main.height() > 0,
                "a blinded trace without blinding columns");
    std::span<BabyBear> cells = main.row(main.height() - 1).last(kWidth);
    for (size_t i = 0; i < kWidth; ++i) {
      cells[i] = t + 1 < blinded.size() ? random[kWidth * t + i] : -total[i];
      total[i] = total[i] + cells[i];
    }
  }
}

}  // namespace prova::stark
