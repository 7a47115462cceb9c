#pragma once

// Multiplicities of the byte table (verifier/rv32im/byte_air.h): every table that sends on the
// BYTE bus records its lookups here while its witness is generated, and the byte table's main
// trace is the resulting counts.

#include <array>
#include <cstdint>
#include <vector>

#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"
#include "verifier/rv32im/byte_air.h"

namespace prova::rv32im {

class ByteCounter {
 public:
  ByteCounter();

  // (kRange, x, y): x and y must be bytes.
  void Range(uint32_t x, uint32_t y, uint64_t times = 1);
  // (kAnd, x, y, x & y).
  void And(uint32_t x, uint32_t y, uint64_t times = 1);
  // (kU16, v): v must be below 2^16.
  void U16(uint32_t v, uint64_t times = 1);

  // Adds another counter's lookups (witness generators may run on separate counters).
  void Merge(const ByteCounter& other);

  // The byte table's main trace (ByteCountCols), 2^14 rows of four pairs. Throws prova::Error if a
  // count does not fit a field element.
  air::RowMajorMatrix<BabyBear> Trace() const;

  uint64_t range_count(uint32_t x, uint32_t y) const { return range_[ByteAir::PairIndex(x, y)]; }
  uint64_t and_count(uint32_t x, uint32_t y) const { return and_[ByteAir::PairIndex(x, y)]; }
  uint64_t u16_count(uint32_t v) const { return u16_[v]; }

 private:
  std::vector<uint64_t> range_, and_, u16_;  // by ByteAir::PairIndex
};

}  // namespace prova::rv32im
