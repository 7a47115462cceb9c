#pragma once

// Process-wide heap policy for proving. A proof allocates and frees buffers of hundreds of
// megabytes many times (LDE blocks, traces, quotient values). glibc serves each from a fresh mmap
// and unmaps it on free, so every reuse pays for the kernel to zero new pages again (about a
// sixth of a 2^20-cycle proof's time on the reference machine). Keeping freed memory in the heap
// lets the next buffer reuse those pages; the cost is that the process keeps its peak heap until
// it exits (a proving worker proves again anyway).
//
// The first touch of every page still costs a fault: with 4 KiB pages about half a million in a
// 2^20-cycle proof, and on a virtual machine each costs microseconds (12 % of that proof's CPU
// time on the reference machine). glibc's `glibc.malloc.hugetlb=1` tunable advises every heap,
// the worker threads' arenas included, for transparent huge pages, which the kernel grants on
// request by default (`madvise` mode): 2 MiB per fault, a hundred times fewer faults, and fewer
// TLB misses in the NTTs' strided passes. Tunables are read only at process start, so a proving
// program re-executes itself once with the tunable set.

#include <cstdlib>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>
#endif

namespace prova {

inline constexpr const char kHugePageTunable[] = "glibc.malloc.hugetlb";

// Call first thing in main, before any thread starts, in a program that proves: it re-executes
// the program (same arguments, same environment plus the tunable) unless GLIBC_TUNABLES already
// names the tunable, so a user can opt out with GLIBC_TUNABLES=glibc.malloc.hugetlb=0. A second
// start costs tens of milliseconds, so commands that do not prove should not call it. It
// re-executes at most once (a marker variable guards against a loader that drops the tunable), and
// if that fails the program goes on with ordinary pages.
inline void UseHugePageHeap([[maybe_unused]] char** argv) {
#if defined(__GLIBC__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  const std::string current = tunables != nullptr ? tunables : "";
  constexpr const char kMarker[] = "PROVA_HEAP_REEXECUTED";
  if (argv == nullptr || current.find(kHugePageTunable) != std::string::npos ||
      std::getenv(kMarker) != nullptr || setenv(kMarker, "1", 1) != 0) {
    return;
  }
  const std::string wanted =
      (current.empty() ? "" : current + ":") + std::string(kHugePageTunable) + "=1";
  if (setenv("GLIBC_TUNABLES", wanted.c_str(), 1) == 0) {
    execv("/proc/self/exe", argv);  // returns only on failure
    if (tunables != nullptr) {
      setenv("GLIBC_TUNABLES", current.c_str(), 1);
    } else {
      unsetenv("GLIBC_TUNABLES");
    }
  }
  unsetenv(kMarker);
#endif
}

// Call once at the start of a program that proves, before any large allocation.
inline void KeepFreedMemoryForReuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_MAX, 0);         // large blocks from the heap, not from mmap
  mallopt(M_TRIM_THRESHOLD, -1);  // never give the top of the heap back
#endif
}

#if defined(__GLIBC__)
// The bytes in use of one mallinfo2 reading: heap chunks and mmapped ones.
inline size_t InUseBytes(const struct mallinfo2& info) { return info.uordblks + info.hblkhd; }
#endif

// Bytes the heap has handed out and not taken back (glibc's mallinfo2; 0 elsewhere).
inline size_t UsedHeapBytes() {
#if defined(__GLIBC__)
  return InUseBytes(mallinfo2());
#else
  return 0;
#endif
}

// Bytes the heap holds free for reuse (memory this process has already touched and would hand
// out again without a page fault) beyond as many as are in use (glibc's mallinfo2; 0 elsewhere):
// what is left of the free heap after work that allocates as much again as it already holds, as
// a proof does (the coefficients of its traces take about what the traces take).
inline size_t SpareHeapBytes() {
#if defined(__GLIBC__)
  // One reading: mallinfo2 locks and walks every arena, and two would not agree.
  const struct mallinfo2 info = mallinfo2();
  const size_t in_use = InUseBytes(info);
  return info.fordblks > in_use ? info.fordblks - in_use : 0;
#else
  return 0;
#endif
}

}  // namespace prova
