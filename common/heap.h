#pragma once

// Process-wide heap policy for proving. A proof allocates and frees buffers of hundreds of
// megabytes many times (LDE blocks, traces, quotient values). glibc serves each from a fresh mmap
// and unmaps it on free, so every reuse pays for the kernel to zero new pages again (about a
// sixth of a 2^20-cycle proof's time on the reference machine). Keeping freed memory in the heap
// lets the next buffer reuse those pages; the cost is that the process keeps its peak heap until
// it exits (a proving worker proves again anyway).

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace prova {

// Call once at the start of a program that proves, before any large allocation.
inline void KeepFreedMemoryForReuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);         // large blocks from the heap, not from mmap
  mallopt(M_TRIM_THRESHOLD, -1);  // never give the top of the heap back
#endif
}

}  // namespace prova
