#pragma once

// The byte table: 2^16 rows, one per byte pair (x, y), PREPROCESSED (its fixed columns are the
// same for every image). It serves the BYTE bus (buses.h) with one receive per byte operation,
// each with its own multiplicity column in the main trace:
//   (kRange, x, y, 0)        x and y are bytes
//   (kAnd,   x, y, x & y)    bitwise AND of two bytes (XOR and OR follow linearly)
//   (kU16,   x + 256 y, 0, 0) a 16-bit value
// Row r holds x = r mod 256, y = r / 256, so the rows enumerate every pair exactly once and
// x + 256 y runs over [0, 2^16). A sent tuple balances only if some row holds it, which is the
// whole argument: there are no constraints besides the interactions.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"
#include "verifier/rv32im/buses.h"

namespace prova::rv32im {

template <class T>
struct BytePairCols {
  T x;
  T y;
  T x_and_y;
};

template <class T>
struct ByteCountCols {
  T range;  // how many (kRange, x, y) lookups this row serves
  T and_;   // (kAnd, x, y, x & y)
  T u16;    // (kU16, x + 256 y)
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<ByteCountCols>);

struct ByteAir {
  static constexpr size_t kLogHeight = 16;
  static constexpr size_t kHeight = size_t{1} << kLogHeight;

  // The row serving the pair (x, y), or the 16-bit value x + 256 y.
  static constexpr size_t Row(uint32_t x, uint32_t y) { return x + 256 * size_t{y}; }

  std::string_view name() const { return "byte"; }
  size_t main_width() const { return air::kWidth<ByteCountCols>; }
  size_t preprocessed_width() const { return air::kWidth<BytePairCols>; }
  size_t num_public_values() const { return 0; }

  air::RowMajorMatrix<BabyBear> preprocessed_trace() const {
    air::RowMajorMatrix<BabyBear> t(kHeight, air::kWidth<BytePairCols>);
    for (uint32_t y = 0; y < 256; ++y) {
      for (uint32_t x = 0; x < 256; ++x) {
        const size_t r = Row(x, y);
        t.at(r, 0) = BabyBear::from_canonical(x);
        t.at(r, 1) = BabyBear::from_canonical(y);
        t.at(r, 2) = BabyBear::from_canonical(x & y);
      }
    }
    return t;
  }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    auto [fixed, fixed_next] = b.template preprocessed_rows<BytePairCols>();
    (void)fixed_next;
    auto [count, count_next] = b.template rows<ByteCountCols>();
    (void)count_next;
    ByteInteract(b, air::Direction::kReceive, ByteOp::kRange, fixed.x, fixed.y, F::zero(),
                 count.range, "byte range");
    ByteInteract(b, air::Direction::kReceive, ByteOp::kAnd, fixed.x, fixed.y, fixed.x_and_y,
                 count.and_, "byte and");
    ByteInteract(b, air::Direction::kReceive, ByteOp::kU16,
                 fixed.x + fixed.y * F::from_canonical(256), F::zero(), F::zero(), count.u16,
                 "u16 range");
    air::BlindLogUpSum(b, count.blinding);
  }
};

}  // namespace prova::rv32im
