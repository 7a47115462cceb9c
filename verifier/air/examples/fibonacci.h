#pragma once

// Fibonacci: rows (a, b) -> (b, a + b). Public values: the first two terms and the result (the
// b column of the last row).

#include <cstddef>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"

namespace prova::air::examples {

template <class T>
struct FibonacciCols {
  T a;
  T b;
};

struct FibonacciAir {
  enum PublicValue : size_t { kFirst = 0, kSecond = 1, kResult = 2 };

  std::string_view name() const { return "fibonacci"; }
  size_t main_width() const { return kWidth<FibonacciCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 3; }

  template <AirBuilder B>
  void eval(B& b) const {
    auto [local, next] = b.template rows<FibonacciCols>();
    auto pv = b.public_values();
    b.when_first_row().assert_eq(local.a, pv[kFirst], "first term");
    b.when_first_row().assert_eq(local.b, pv[kSecond], "second term");
    b.when_transition().assert_eq(next.a, local.b, "shift");
    b.when_transition().assert_eq(next.b, local.a + local.b, "sum");
    b.when_last_row().assert_eq(local.b, pv[kResult], "result");
  }

  // The trace of `rows` rows starting from (a, b); *result receives the last b.
  static RowMajorMatrix<BabyBear> GenerateTrace(size_t rows, BabyBear a, BabyBear b,
                                                BabyBear* result) {
    RowMajorMatrix<BabyBear> trace(rows, kWidth<FibonacciCols>);
    for (size_t r = 0; r < rows; ++r) {
      trace.at(r, 0) = a;
      trace.at(r, 1) = b;
      BabyBear c = a + b;
      a = b;
      b = c;
    }
    *result = trace.at(rows - 1, 1);
    return trace;
  }
};

}  // namespace prova::air::examples
