/*
 * Adapts the riscv64-linux-gnu libstdc++ configuration to single-threaded rv32 guests that link no
 * libstdc++ library: everything the headers use must be instantiated from the headers themselves
 * or provided by the Prova runtime (guest-sdk/src/cxx_runtime.cc).
 */
#ifndef PROVA_SHIM_CXX_CONFIG_H_
#define PROVA_SHIM_CXX_CONFIG_H_

#include_next <bits/c++config.h>

/* No libstdc++.a with explicit instantiations (std::string, ...): instantiate from the headers. */
#undef _GLIBCXX_EXTERN_TEMPLATE
#define _GLIBCXX_EXTERN_TEMPLATE 0

/* One hart, no threads: <mutex>, <thread>, ... are unavailable, atomics stay lock-free. */
#undef _GLIBCXX_HAS_GTHREADS
#undef _GLIBCXX_USE_PTHREAD_RWLOCK_T
#undef _GLIBCXX_HAVE_LINUX_FUTEX
#undef _GLIBCXX_USE_SCHED_YIELD
#undef _GLIBCXX_USE_NANOSLEEP

#endif
