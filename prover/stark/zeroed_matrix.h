#pragma once

// Zero-filled matrices whose pages every thread faults in, for tables that are then each filled
// in one thread (the RV32IM witness generators: the memory state is sequential). A zero-filled
// vector would first-touch all its pages in the allocating thread, and a first touch is slow on a
// virtual machine (1 to 3 s per GB here; docs/stark.md, "Cold and warm processes"). So the pages
// are populated first, in parallel, by the kernel (MADV_POPULATE_WRITE: no byte of the storage is
// written), and the vector's own zero fill then runs over mapped pages: 352 MB took 0.22 to
// 0.29 s instead of 0.57 to 0.60 s.

#include <sys/mman.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "verifier/air/matrix.h"

namespace prova::stark {

// Asks the kernel to fault in the whole pages of [data, data + bytes), a few MiB per task. Only a
// hint: an older kernel refuses the advice and the pages fault on first use as before.
inline void PopulatePagesInParallel(const void* data, size_t bytes) {
#if defined(MADV_POPULATE_WRITE)
  constexpr uintptr_t kPage = 4096;
  constexpr uintptr_t kChunk = uintptr_t{8} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kPage - 1);
  if (end <= begin) return;
  tbb::parallel_for(uintptr_t{0}, (end - begin + kChunk - 1) / kChunk, [&](uintptr_t c) {
    const uintptr_t from = begin + c * kChunk, to = std::min(end, from + kChunk);
    (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
  });
#else
  (void)data;
  (void)bytes;
#endif
}

// height x width zeros (T: the field or its extension).
template <class T>
air::RowMajorMatrix<T> ZeroedMatrix(size_t height, size_t width) {
  constexpr size_t kMinParallelBytes = size_t{4} << 20;  // below this one thread is as fast
  std::vector<T> values;
  const size_t count = height * width;
  values.reserve(count);
  if (count * sizeof(T) >= kMinParallelBytes) {
    PopulatePagesInParallel(values.data(), count * sizeof(T));
  }
  values.resize(count);
  return air::RowMajorMatrix<T>(std::move(values), width);
}

}  // namespace prova::stark
