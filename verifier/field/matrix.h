#pragma once

// Row-major matrices of field elements: the layout of STARK traces and their low-degree
// extensions. Row r holds one value per column, rows are contiguous, so a transform over all
// columns at once streams through memory and vectorises across columns.
//
//   RowMajorMatrix<BabyBear> trace(1 << 20, 100);   // zero-filled, height x width
//   trace.at(r, c) = ...;  std::span<BabyBear> row = trace.row(r);
//   RowMajorView<BabyBear> view = trace.view();     // non-owning, what the NTT takes

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <vector>

#include "common/error.h"

namespace prova {

// A non-owning view of height x width elements, row-major with no padding. T may be const.
template <class T>
class RowMajorView {
 public:
  RowMajorView() = default;
  RowMajorView(T* data, size_t height, size_t width)
      : data_(data), height_(height), width_(width) {}
  // A const view of a mutable one.
  template <class U>
  requires std::is_same_v<const U, T> RowMajorView(
      RowMajorView<U> other)  // NOLINT(google-explicit-constructor)
      : data_(other.data()), height_(other.height()), width_(other.width()) {}

  size_t height() const { return height_; }
  size_t width() const { return width_; }
  size_t size() const { return height_ * width_; }
  T* data() const { return data_; }
  std::span<T> values() const { return {data_, size()}; }
  std::span<T> row(size_t r) const {
    PROVA_CHECK(r < height_, "matrix row out of range");
    return {data_ + r * width_, width_};
  }
  T& at(size_t r, size_t c) const {
    PROVA_CHECK(r < height_ && c < width_, "matrix index out of range");
    return data_[r * width_ + c];
  }
  // Rows [first, first + count).
  RowMajorView rows(size_t first, size_t count) const {
    PROVA_CHECK(first <= height_ && count <= height_ - first, "matrix row range out of range");
    return RowMajorView(data_ + first * width_, count, width_);
  }

 private:
  T* data_ = nullptr;
  size_t height_ = 0;
  size_t width_ = 0;
};

// An owning matrix. Storage is 64-byte aligned; large matrices ask the kernel for transparent huge
// pages, since an LDE of a full trace is gigabytes and 4 KiB page faults would dominate.
template <class T>
class RowMajorMatrix {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  RowMajorMatrix() = default;
  // Zero-filled (value-initialised) height x width matrix.
  RowMajorMatrix(size_t height, size_t width) : RowMajorMatrix(uninitialized(height, width)) {
    std::fill_n(data_.get(), size(), T{});
  }
  // Takes values.size() / width rows from values (its size must be a multiple of width).
  RowMajorMatrix(const std::vector<T>& values, size_t width)
      : RowMajorMatrix(uninitialized(width == 0 ? 0 : values.size() / width, width)) {
    PROVA_CHECK(width == 0 ? values.empty() : values.size() % width == 0,
                "matrix values are not a whole number of rows");
    std::copy(values.begin(), values.end(), data_.get());
  }
  // Storage whose contents are unspecified: for producers that overwrite every element.
  static RowMajorMatrix uninitialized(size_t height, size_t width) {
    RowMajorMatrix m;
    m.height_ = height;
    m.width_ = width;
    m.data_ = Allocate(height * width);
    return m;
  }

  RowMajorMatrix(const RowMajorMatrix& other)
      : RowMajorMatrix(uninitialized(other.height_, other.width_)) {
    std::copy_n(other.data_.get(), size(), data_.get());
  }
  RowMajorMatrix& operator=(const RowMajorMatrix& other) {
    if (this != &other) *this = RowMajorMatrix(other);
    return *this;
  }
  RowMajorMatrix(RowMajorMatrix&& other) noexcept { swap(other); }
  RowMajorMatrix& operator=(RowMajorMatrix&& other) noexcept {
    RowMajorMatrix(std::move(other)).swap(*this);
    return *this;
  }
  void swap(RowMajorMatrix& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(height_, other.height_);
    std::swap(width_, other.width_);
  }

  size_t height() const { return height_; }
  size_t width() const { return width_; }
  size_t size() const { return height_ * width_; }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  std::span<T> values() { return {data_.get(), size()}; }
  std::span<const T> values() const { return {data_.get(), size()}; }
  std::span<T> row(size_t r) { return view().row(r); }
  std::span<const T> row(size_t r) const { return view().row(r); }
  T& at(size_t r, size_t c) { return view().at(r, c); }
  const T& at(size_t r, size_t c) const { return view().at(r, c); }
  RowMajorView<T> view() { return RowMajorView<T>(data_.get(), height_, width_); }
  RowMajorView<const T> view() const { return RowMajorView<const T>(data_.get(), height_, width_); }

  friend bool operator==(const RowMajorMatrix& a, const RowMajorMatrix& b) {
    return a.height_ == b.height_ && a.width_ == b.width_ &&
           std::equal(a.data_.get(), a.data_.get() + a.size(), b.data_.get());
  }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  static std::unique_ptr<T[], Free> Allocate(size_t count) {
    if (count == 0) return nullptr;
    PROVA_CHECK(count <= SIZE_MAX / sizeof(T), "matrix too large");
    constexpr size_t kHugePage = size_t{2} << 20;
    size_t bytes = count * sizeof(T);
    size_t alignment = bytes >= 4 * kHugePage ? kHugePage : 64;
    bytes = (bytes + alignment - 1) / alignment * alignment;  // aligned_alloc needs a multiple
    void* p = std::aligned_alloc(alignment, bytes);
    if (p == nullptr) throw std::bad_alloc();
    if (alignment == kHugePage) madvise(p, bytes, MADV_HUGEPAGE);  // a hint; failure is harmless
    // T is trivially copyable and destructible (an implicit-lifetime type): the storage is usable
    // as T[count] once written.
    return std::unique_ptr<T[], Free>(static_cast<T*>(p));
  }

  std::unique_ptr<T[], Free> data_;
  size_t height_ = 0;
  size_t width_ = 0;
};

}  // namespace prova
