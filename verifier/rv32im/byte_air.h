#pragma once

// The byte table: every byte pair (x, y), four to a row over 2^14 rows, PREPROCESSED (its fixed
// columns are the same for every image). It serves the BYTE bus (buses.h) with one receive per
// byte operation and pair, each with its own multiplicity column in the main trace:
//   (kRange, x, y, 0)        x and y are bytes
//   (kAnd,   x, y, x & y)    bitwise AND of two bytes (XOR and OR follow linearly)
//   (kU16,   x + 256 y, 0, 0) a 16-bit value
// Row r holds x = r mod 256 and y = r / 256 < 64; its lane q serves the pair (x, y + 64 q). So
// the rows and lanes enumerate every pair exactly once and x + 256 (y + 64 q) runs over
// [0, 2^16). A sent tuple balances only if some lane holds it, which is the whole argument: there
// are no constraints besides the interactions. Four pairs a row rather than one keep the table
// below the height of the CPU table of every proof of 2^14 cycles or more, and make it the
// tallest table of smaller proofs only at 2^14 rows (docs/rv32im-alu.md, "Byte table").

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
  T y;           // the pair of lane q is (x, y + 64 q)
  T x_and_y[4];  // x & (y + 64 q)
};

template <class T>
struct ByteCountCols {
  T range[4];  // how many (kRange, x, y + 64 q) lookups lane q serves
  T and_[4];   // (kAnd, x, y + 64 q, x & (y + 64 q))
  T u16[4];    // (kU16, x + 256 (y + 64 q))
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<ByteCountCols>);

struct ByteAir {
  static constexpr size_t kLanes = 4;
  static constexpr uint32_t kLaneStep = 256 / kLanes;  // y steps by this from lane to lane
  static constexpr size_t kLogHeight = 14;
  static constexpr size_t kHeight = size_t{1} << kLogHeight;
  static constexpr size_t kPairs = kHeight * kLanes;  // 2^16

  // The pair (x, y) as an index below 2^16 (x + 256 y, the 16-bit value it stands for), and the
  // row and lane that serve it.
  static constexpr size_t PairIndex(uint32_t x, uint32_t y) { return x + 256 * size_t{y}; }
  struct Slot {
    size_t row;
    size_t lane;
  };
  static constexpr Slot SlotOf(size_t pair) { return {pair % kHeight, pair / kHeight}; }
  static constexpr Slot SlotOf(uint32_t x, uint32_t y) { return SlotOf(PairIndex(x, y)); }

  std::string_view name() const { return "byte"; }
  size_t main_width() const { return air::kWidth<ByteCountCols>; }
  size_t preprocessed_width() const { return air::kWidth<BytePairCols>; }
  size_t num_public_values() const { return 0; }

  air::RowMajorMatrix<BabyBear> preprocessed_trace() const {
    air::RowMajorMatrix<BabyBear> t(kHeight, air::kWidth<BytePairCols>);
    for (size_t pair = 0; pair < kPairs; ++pair) {
      const auto [row, lane] = SlotOf(pair);
      const uint32_t x = static_cast<uint32_t>(pair % 256), y = static_cast<uint32_t>(pair / 256);
      auto& cols = *reinterpret_cast<BytePairCols<BabyBear>*>(t.row(row).data());
      if (lane == 0) {
        cols.x = BabyBear::from_canonical(x);
        cols.y = BabyBear::from_canonical(y);
      }
      cols.x_and_y[lane] = BabyBear::from_canonical(x & y);
    }
    return t;
  }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using Expr = typename B::Expr;
    using F = typename B::F;
    auto [fixed, fixed_next] = b.template preprocessed_rows<BytePairCols>();
    (void)fixed_next;
    auto [count, count_next] = b.template rows<ByteCountCols>();
    (void)count_next;
    for (size_t q = 0; q < kLanes; ++q) {
      const Expr y = Expr(fixed.y) + F::from_canonical(static_cast<uint32_t>(q) * kLaneStep);
      ByteInteract(b, air::Direction::kReceive, ByteOp::kRange, fixed.x, y, F::zero(),
                   count.range[q], "byte range");
      ByteInteract(b, air::Direction::kReceive, ByteOp::kAnd, fixed.x, y, fixed.x_and_y[q],
                   count.and_[q], "byte and");
      ByteInteract(b, air::Direction::kReceive, ByteOp::kU16,
                   Expr(fixed.x) + y * F::from_canonical(256), F::zero(), F::zero(), count.u16[q],
                   "u16 range");
    }
    air::BlindLogUpSum(b, count.blinding);
  }
};

}  // namespace prova::rv32im
