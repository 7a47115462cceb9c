#pragma once

// Two tables of different heights connected by a LogUp lookup on bus kByteBus:
//  - ByteTableAir (256 rows): a preprocessed column holding 0..255 and a main column counting how
//    many times each byte is looked up; it receives (byte) with that multiplicity;
//  - ByteUserAir (any height): rows (x, y, sum) with sum = x + y, where x and y must be bytes; it
//    sends (x) and (y) with multiplicity 1 each.
// The bus balances only if every x and y of the user table is a byte.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "verifier/air/air.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"

namespace prova::air::examples {

inline constexpr uint32_t kByteBus = 1;

template <class T>
struct ByteValueCols {
  T byte;
};

template <class T>
struct ByteCountCols {
  T multiplicity;
};

struct ByteTableAir {
  static constexpr size_t kHeight = 256;

  std::string_view name() const { return "byte table"; }
  size_t main_width() const { return kWidth<ByteCountCols>; }
  size_t preprocessed_width() const { return kWidth<ByteValueCols>; }
  size_t num_public_values() const { return 0; }

  RowMajorMatrix<BabyBear> preprocessed_trace() const {
    RowMajorMatrix<BabyBear> t(kHeight, 1);
    for (size_t r = 0; r < kHeight; ++r) t.at(r, 0) = BabyBear::from_u64(r);
    return t;
  }

  template <AirBuilder B>
  void eval(B& b) const {
    auto [fixed, fixed_next] = b.template preprocessed_rows<ByteValueCols>();
    (void)fixed_next;
    auto [local, next] = b.template rows<ByteCountCols>();
    (void)next;
    b.receive(kByteBus, {fixed.byte}, local.multiplicity, "byte");
  }
};

template <class T>
struct ByteUserCols {
  T x;
  T y;
  T sum;
};

struct ByteUserAir {
  std::string_view name() const { return "byte user"; }
  size_t main_width() const { return kWidth<ByteUserCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    auto [local, next] = b.template rows<ByteUserCols>();
    (void)next;
    b.assert_eq(local.sum, local.x + local.y, "sum");
    b.send(kByteBus, {local.x}, F::one(), "x");
    b.send(kByteBus, {local.y}, F::one(), "y");
  }
};

// A user trace of `rows` pseudo-random bytes and the matching multiplicities of the byte table.
inline void GenerateByteLookupTraces(size_t rows, uint32_t seed, RowMajorMatrix<BabyBear>* user,
                                     RowMajorMatrix<BabyBear>* counts) {
  *user = RowMajorMatrix<BabyBear>(rows, kWidth<ByteUserCols>);
  std::vector<uint64_t> count(ByteTableAir::kHeight, 0);
  uint32_t state = seed;
  auto next_byte = [&state] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0xff;
  };
  for (size_t r = 0; r < rows; ++r) {
    uint32_t x = next_byte(), y = next_byte();
    user->at(r, 0) = BabyBear::from_canonical(x);
    user->at(r, 1) = BabyBear::from_canonical(y);
    user->at(r, 2) = BabyBear::from_canonical(x + y);
    ++count[x];
    ++count[y];
  }
  *counts = RowMajorMatrix<BabyBear>(ByteTableAir::kHeight, 1);
  for (size_t r = 0; r < ByteTableAir::kHeight; ++r)
    counts->at(r, 0) = BabyBear::from_u64(count[r]);
}

}  // namespace prova::air::examples
