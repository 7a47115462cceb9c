#include "prover/stark/blinding.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "verifier/air/blinding.h"

namespace prova::stark {
namespace {

using Matrix = air::RowMajorMatrix<BabyBear>;

// One random row per table, the blinding columns only, and offsets that cancel coordinate by
// coordinate (so for every beta).
TEST(BlindLogUpSumsTest, OneRandomRowPerTableAndOffsetsThatCancel) {
  Matrix a(8, 3 + air::kBlindingWidth), b(16, air::kBlindingWidth), c(4, 1 + air::kBlindingWidth);
  std::vector<BlindedTrace> blinded = {{&a, air::ConsecutiveBlindingColumns(3)},
                                       {&b, air::ConsecutiveBlindingColumns(0)},
                                       {&c, air::TrailingBlindingColumns(c.width)}};
  BlindLogUpSums(blinded);
  std::array<BabyBear, air::kBlindingWidth> total{};
  for (size_t t = 0; t < blinded.size(); ++t) {
    const Matrix& m = *blinded[t].main;
    for (size_t r = 0; r < m.height(); ++r) {
      for (size_t col = 0; col < m.width; ++col) {
        const bool blinding_cell = r + 1 == m.height() && col + air::kBlindingWidth >= m.width;
        if (!blinding_cell) {
          EXPECT_EQ(m.at(r, col), BabyBear::zero()) << t << " " << r << " " << col;
        }
      }
    }
    const auto cells = m.row(m.height() - 1).last(air::kBlindingWidth);
    for (size_t i = 0; i < air::kBlindingWidth; ++i) total[i] = total[i] + cells[i];
  }
  for (const BabyBear& x : total) EXPECT_EQ(x, BabyBear::zero());
  // Random: the first two tables' offsets differ (equal with probability p^-4), and so do those
  // of a second call.
  const std::vector<BabyBear> first(a.row(7).last(4).begin(), a.row(7).last(4).end());
  EXPECT_NE(first, std::vector<BabyBear>(b.row(15).last(4).begin(), b.row(15).last(4).end()));
  BlindLogUpSums(blinded);
  EXPECT_NE(first, std::vector<BabyBear>(a.row(7).last(4).begin(), a.row(7).last(4).end()));
}

// Blinding columns that hold values on other rows (the CPU table's imm), here not adjacent (the
// read-call table's): the last table's cells cancel those too, coordinate i with coordinate i, and
// the other cells are left alone.
TEST(BlindLogUpSumsTest, CellsOfOtherRowsAreCancelledToo) {
  Matrix a(4, 6), b(4, 4);
  for (size_t r = 0; r < 3; ++r) {
    for (size_t c = 0; c < 6; ++c) a.at(r, c) = BabyBear::from_canonical(10 * r + c + 1);
  }
  const Matrix before = a;
  const air::BlindingColumns scattered = {5, 0, 2, 3};
  std::vector<BlindedTrace> blinded = {{&a, scattered}, {&b, air::ConsecutiveBlindingColumns(0)}};
  BlindLogUpSums(blinded);
  for (size_t i = 0; i < air::kBlindingWidth; ++i) {
    BabyBear sum = BabyBear::zero();
    for (size_t r = 0; r < 4; ++r) sum = sum + a.at(r, scattered[i]) + b.at(r, i);
    EXPECT_EQ(sum, BabyBear::zero()) << "coordinate " << i;
  }
  for (size_t r = 0; r < 3; ++r) {
    for (size_t c = 0; c < 6; ++c) EXPECT_EQ(a.at(r, c), before.at(r, c));
  }
  EXPECT_EQ(a.at(3, 1), BabyBear::zero());
  EXPECT_EQ(a.at(3, 4), BabyBear::zero());
}

}  // namespace
}  // namespace prova::stark
