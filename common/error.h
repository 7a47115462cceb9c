#pragma once

// Two kinds of failure, kept apart on purpose:
//  - prova::Error: untrusted input was rejected (a malformed ELF, hostile proof bytes, a bad
//    request). Thrown, caught at an API boundary, reported with its reason. Never an abort.
//  - PROVA_CHECK: an internal invariant. If it fails the program has a bug, so it aborts loudly.

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace prova {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void CheckFailed(const char* expr, const char* file, int line,
                                     const char* message) {
  std::fprintf(stderr, "internal error: %s:%d: check failed: %s (%s)\n", file, line, expr, message);
  std::abort();
}

}  // namespace prova

#define PROVA_CHECK(cond, message)                              \
  do {                                                          \
    if (!(cond)) [[unlikely]]                                   \
      ::prova::CheckFailed(#cond, __FILE__, __LINE__, message); \
  } while (0)
