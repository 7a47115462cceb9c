// The byte table's fixed columns: its rows and lanes hold every byte pair exactly once, with the
// pair's AND, where ByteAir::SlotOf says (the witness places its counts there).

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "verifier/rv32im/byte_air.h"

namespace prova::rv32im {
namespace {

TEST(ByteTableTest, LanesHoldEveryPairOnceWhereSlotOfSays) {
  const air::RowMajorMatrix<BabyBear> fixed = ByteAir{}.preprocessed_trace();
  ASSERT_EQ(fixed.height(), ByteAir::kHeight);
  ASSERT_EQ(fixed.width, air::kWidth<BytePairCols>);
  std::vector<int> seen(ByteAir::kPairs, 0);
  for (size_t r = 0; r < fixed.height(); ++r) {
    const auto& cols = *reinterpret_cast<const BytePairCols<BabyBear>*>(fixed.row(r).data());
    const uint32_t x = cols.x.as_canonical();
    ASSERT_LT(x, 256u);
    for (size_t q = 0; q < ByteAir::kLanes; ++q) {
      const uint32_t y = cols.y.as_canonical() + static_cast<uint32_t>(q) * ByteAir::kLaneStep;
      ASSERT_LT(y, 256u);
      EXPECT_EQ(cols.x_and_y[q].as_canonical(), x & y) << "row " << r << " lane " << q;
      const size_t pair = ByteAir::PairIndex(x, y);
      ++seen[pair];
      const ByteAir::Slot slot = ByteAir::SlotOf(pair);
      EXPECT_EQ(slot.row, r);
      EXPECT_EQ(slot.lane, q);
    }
  }
  for (size_t pair = 0; pair < seen.size(); ++pair) {
    ASSERT_EQ(seen[pair], 1) << "pair " << pair;
  }
}

}  // namespace
}  // namespace prova::rv32im
