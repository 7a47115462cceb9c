#include "common/crash_report.h"

#include <gtest/gtest.h>

#include <csignal>

// Outside any anonymous namespace: an exported symbol, so the report can name it.
[[gnu::noinline]] void CrashReportTestFrame() {
  std::raise(SIGSEGV);
  asm volatile("");  // keeps the call from becoming a tail call that drops this frame
}

namespace prova {
namespace {

// Test executables install the report before main (common/crash_report_at_start.cc).
TEST(CrashReport, AFatalSignalPrintsTheSignalAndTheStackThenDiesByIt) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reports crashes itself";
#else
  EXPECT_EXIT(CrashReportTestFrame(), testing::KilledBySignal(SIGSEGV),
              "fatal signal SEGV.*CrashReportTestFrame");
#endif
}

}  // namespace
}  // namespace prova
