#pragma once

// An AIR with preprocessed (fixed) columns: a fixed per-row scale factor c and the main columns
// (x, y) with y = c * x and x counting up from the public start value. The preprocessed column
// is part of the verifying key, so the prover cannot choose it.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"

namespace prova::air::examples {

template <class T>
struct ScaleCols {
  T scale;
};

template <class T>
struct ScaledSequenceCols {
  T x;
  T y;
};

struct ScaledSequenceAir {
  size_t height = 16;

  std::string_view name() const { return "scaled sequence"; }
  size_t main_width() const { return kWidth<ScaledSequenceCols>; }
  size_t preprocessed_width() const { return kWidth<ScaleCols>; }
  size_t num_public_values() const { return 1; }

  // scale[r] = 3r + 7.
  RowMajorMatrix<BabyBear> preprocessed_trace() const {
    RowMajorMatrix<BabyBear> t(height, kWidth<ScaleCols>);
    for (size_t r = 0; r < height; ++r) t.at(r, 0) = BabyBear::from_u64(3 * r + 7);
    return t;
  }

  template <AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    auto [fixed, fixed_next] = b.template preprocessed_rows<ScaleCols>();
    (void)fixed_next;
    auto [local, next] = b.template rows<ScaledSequenceCols>();
    b.assert_eq(local.y, fixed.scale * local.x, "y is x scaled");
    b.when_first_row().assert_eq(local.x, b.public_values()[0], "x starts at the public value");
    b.when_transition().assert_eq(next.x, local.x + F::one(), "x increments");
  }

  RowMajorMatrix<BabyBear> GenerateTrace(uint32_t start) const {
    RowMajorMatrix<BabyBear> t(height, kWidth<ScaledSequenceCols>);
    for (size_t r = 0; r < height; ++r) {
      BabyBear x = BabyBear::from_u64(start + r);
      t.at(r, 0) = x;
      t.at(r, 1) = x * BabyBear::from_u64(3 * r + 7);
    }
    return t;
  }
};

}  // namespace prova::air::examples
