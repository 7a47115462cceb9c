#pragma once

// A row-major matrix of field elements: a trace (one row per step, one column per row-struct
// field) or an evaluation table.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "common/error.h"

namespace prova::air {

template <class T>
struct RowMajorMatrix {
  std::vector<T> values;
  size_t width = 0;

  RowMajorMatrix() = default;
  RowMajorMatrix(size_t height, size_t w) : values(height * w), width(w) {}
  RowMajorMatrix(std::vector<T> v, size_t w) : values(std::move(v)), width(w) {
    PROVA_CHECK(w == 0 ? values.empty() : values.size() % w == 0, "matrix size not a multiple");
  }

  size_t height() const { return width == 0 ? 0 : values.size() / width; }
  std::span<T> row(size_t i) { return std::span<T>(values).subspan(i * width, width); }
  std::span<const T> row(size_t i) const {
    return std::span<const T>(values).subspan(i * width, width);
  }
  T& at(size_t r, size_t c) { return values[r * width + c]; }
  const T& at(size_t r, size_t c) const { return values[r * width + c]; }
};

}  // namespace prova::air
