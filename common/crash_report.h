#pragma once

// A fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) prints the faulting thread's stack to
// stderr before the process dies with the same signal. A crash in a test run on CI, or in a
// long-running service, then leaves a trace to read instead of a bare "SegFault".

namespace prova {

// Installs the handlers; call once, early (test executables do it before main). Does nothing
// under AddressSanitizer, whose own reports are better.
void InstallCrashReport();

}  // namespace prova
