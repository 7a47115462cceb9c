#include "prover/rv32im/byte_trace.h"

#include "common/error.h"

namespace prova::rv32im {

ByteCounter::ByteCounter()
    : range_(ByteAir::kHeight, 0), and_(ByteAir::kHeight, 0), u16_(ByteAir::kHeight, 0) {}

void ByteCounter::Range(uint32_t x, uint32_t y, uint64_t times) {
  PROVA_CHECK(x < 256 && y < 256, "byte range lookup of a value that is not a byte");
  range_[ByteAir::Row(x, y)] += times;
}

void ByteCounter::And(uint32_t x, uint32_t y, uint64_t times) {
  PROVA_CHECK(x < 256 && y < 256, "byte and lookup of a value that is not a byte");
  and_[ByteAir::Row(x, y)] += times;
}

void ByteCounter::U16(uint32_t v, uint64_t times) {
  PROVA_CHECK(v < ByteAir::kHeight, "u16 lookup of a value of more than 16 bits");
  u16_[v] += times;
}

void ByteCounter::Merge(const ByteCounter& other) {
  for (size_t r = 0; r < ByteAir::kHeight; ++r) {
    range_[r] += other.range_[r];
    and_[r] += other.and_[r];
    u16_[r] += other.u16_[r];
  }
}

air::RowMajorMatrix<BabyBear> ByteCounter::Trace() const {
  air::RowMajorMatrix<BabyBear> t(ByteAir::kHeight, air::kWidth<ByteCountCols>);
  for (size_t r = 0; r < ByteAir::kHeight; ++r) {
    for (uint64_t count : {range_[r], and_[r], u16_[r]}) {
      // A count of p or more would wrap and let the bus balance with fewer lookups.
      if (count >= BabyBear::kPrime) throw Error("byte table: more lookups than the field allows");
    }
    t.at(r, 0) = BabyBear::from_u64(range_[r]);
    t.at(r, 1) = BabyBear::from_u64(and_[r]);
    t.at(r, 2) = BabyBear::from_u64(u16_[r]);
  }
  return t;
}

}  // namespace prova::rv32im
