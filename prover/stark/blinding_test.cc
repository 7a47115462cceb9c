#include "prover/stark/blinding.h"

#include <gtest/gtest.h>

#include <vector>

#include "verifier/air/blinding.h"

namespace prova::stark {
namespace {

using Matrix = air::RowMajorMatrix<BabyBear>;

TEST(BlindLogUpSumsTest, EachTableSendsOneFreshTupleThatTheReceiverHolds) {
  Matrix a(8, 3 + air::kBlindingWidth), b(16, air::kBlindingWidth);
  Matrix receiver(4, air::kBlindingWidth);
  std::vector<Matrix*> blinded = {&a, &b};
  BlindLogUpSums(blinded, &receiver);
  for (size_t t = 0; t < blinded.size(); ++t) {
    const Matrix& m = *blinded[t];
    for (size_t r = 0; r < m.height(); ++r) {
      for (size_t c = 0; c < m.width; ++c) {
        const bool blinding_cell = r + 1 == m.height() && c + air::kBlindingWidth >= m.width;
        if (!blinding_cell) {
          EXPECT_EQ(m.at(r, c), BabyBear::zero()) << t << " " << r << " " << c;
        }
      }
    }
    const auto cells = m.row(m.height() - 1).last(air::kBlindingWidth);
    EXPECT_EQ(cells[0], BabyBear::one()) << "multiplicity";
    for (size_t i = 0; i < air::kBlindingWidth; ++i) EXPECT_EQ(cells[i], receiver.at(t, i));
  }
  // Random values: the two tables' tuples differ (equal with probability p^-4).
  EXPECT_NE(std::vector<BabyBear>(a.row(7).last(4).begin(), a.row(7).last(4).end()),
            std::vector<BabyBear>(b.row(15).last(4).begin(), b.row(15).last(4).end()));
  for (size_t r = blinded.size(); r < receiver.height(); ++r) {
    for (const BabyBear& cell : receiver.row(r)) EXPECT_EQ(cell, BabyBear::zero());
  }
}

}  // namespace
}  // namespace prova::stark
