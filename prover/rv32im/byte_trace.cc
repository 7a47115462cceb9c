#include "prover/rv32im/byte_trace.h"

#include "common/error.h"

namespace prova::rv32im {

ByteCounter::ByteCounter()
    : range_(ByteAir::kPairs, 0), and_(ByteAir::kPairs, 0), u16_(ByteAir::kPairs, 0) {}

void ByteCounter::Range(uint32_t x, uint32_t y, uint64_t times) {
  PROVA_CHECK(x < 256 && y < 256, "byte range lookup of a value that is not a byte");
  range_[ByteAir::PairIndex(x, y)] += times;
}

void ByteCounter::And(uint32_t x, uint32_t y, uint64_t times) {
  PROVA_CHECK(x < 256 && y < 256, "byte and lookup of a value that is not a byte");
  and_[ByteAir::PairIndex(x, y)] += times;
}

void ByteCounter::U16(uint32_t v, uint64_t times) {
  PROVA_CHECK(v < ByteAir::kPairs, "u16 lookup of a value of more than 16 bits");
  u16_[v] += times;
}

void ByteCounter::Merge(const ByteCounter& other) {
  for (size_t r = 0; r < ByteAir::kPairs; ++r) {
    range_[r] += other.range_[r];
    and_[r] += other.and_[r];
    u16_[r] += other.u16_[r];
  }
}

air::RowMajorMatrix<BabyBear> ByteCounter::Trace() const {
  air::RowMajorMatrix<BabyBear> t(ByteAir::kHeight, air::kWidth<ByteCountCols>);
  for (size_t pair = 0; pair < ByteAir::kPairs; ++pair) {
    for (uint64_t count : {range_[pair], and_[pair], u16_[pair]}) {
      // A count of p or more would wrap and let the bus balance with fewer lookups.
      if (count >= BabyBear::kPrime) throw Error("byte table: more lookups than the field allows");
    }
    const auto [row, lane] = ByteAir::SlotOf(pair);
    auto& cols = *reinterpret_cast<ByteCountCols<BabyBear>*>(t.row(row).data());
    cols.range[lane] = BabyBear::from_u64(range_[pair]);
    cols.and_[lane] = BabyBear::from_u64(and_[pair]);
    cols.u16[lane] = BabyBear::from_u64(u16_[pair]);
  }
  return t;
}

}  // namespace prova::rv32im
