#include "prover/stark/blinding.h"

#include <vector>

#include "common/error.h"
#include "prover/merkle/merkle_tree.h"
#include "verifier/air/blinding.h"

namespace prova::stark {

void BlindLogUpSums(std::span<air::RowMajorMatrix<BabyBear>* const> blinded,
                    air::RowMajorMatrix<BabyBear>* receiver) {
  constexpr size_t kValues = air::kBlindingWidth - 1;
  PROVA_CHECK(receiver->width == air::kBlindingWidth, "the receiver is not a blinding table");
  PROVA_CHECK(receiver->height() >= blinded.size(), "the blinding table has too few rows");
  std::vector<BabyBear> values(kValues * blinded.size());
  merkle::FillWithSecureRandomness(values);
  for (size_t t = 0; t < blinded.size(); ++t) {
    air::RowMajorMatrix<BabyBear>& main = *blinded[t];
    PROVA_CHECK(main.width >= air::kBlindingWidth && main.height() > 0,
                "a blinded trace without blinding columns");
    std::span<BabyBear> cells = main.row(main.height() - 1).last(air::kBlindingWidth);
    std::span<BabyBear> tuple = receiver->row(t);
    cells[0] = tuple[0] = BabyBear::one();
    for (size_t i = 0; i < kValues; ++i) cells[1 + i] = tuple[1 + i] = values[kValues * t + i];
  }
}

}  // namespace prova::stark
