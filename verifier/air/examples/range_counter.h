#pragma once

// A counter that starts at a public value and increments by one per row, with every value range
// checked to kBits bits by a boolean decomposition.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"

namespace prova::air::examples {

inline constexpr size_t kCounterBits = 16;

template <class T>
struct RangeCounterCols {
  T value;
  T bits[kCounterBits];  // little-endian
};

struct RangeCounterAir {
  std::string_view name() const { return "range counter"; }
  size_t main_width() const { return kWidth<RangeCounterCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 1; }  // the start value

  template <AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    auto [local, next] = b.template rows<RangeCounterCols>();
    typename B::Expr recomposed = F::zero();
    for (size_t i = 0; i < kCounterBits; ++i) {
      b.assert_bool(local.bits[i], "bit is boolean");
      recomposed = recomposed + local.bits[i] * F::from_canonical(uint32_t{1} << i);
    }
    b.assert_eq(local.value, recomposed, "value is its bits");
    b.when_first_row().assert_eq(local.value, b.public_values()[0], "starts at the public value");
    b.when_transition().assert_eq(next.value, local.value + F::one(), "increments");
  }

  static RowMajorMatrix<BabyBear> GenerateTrace(size_t rows, uint32_t start) {
    RowMajorMatrix<BabyBear> trace(rows, kWidth<RangeCounterCols>);
    for (size_t r = 0; r < rows; ++r) {
      uint32_t v = start + static_cast<uint32_t>(r);
      trace.at(r, 0) = BabyBear::from_canonical(v);
      for (size_t i = 0; i < kCounterBits; ++i) {
        trace.at(r, 1 + i) = BabyBear::from_canonical((v >> i) & 1);
      }
    }
    return trace;
  }
};

}  // namespace prova::air::examples
