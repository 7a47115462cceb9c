#include "common/crash_report.h"

#include <csignal>
#include <cstring>
#include <initializer_list>

// AddressSanitizer reports crashes itself, better.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define PROVA_CRASH_REPORT 1
#include <execinfo.h>
#include <unistd.h>
#endif

namespace prova {
namespace {

#if defined(PROVA_CRASH_REPORT)
// Only async-signal-safe calls from here on: write(2), backtrace_symbols_fd and raise.
void WriteText(const char* text) {
  const ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

void ReportAndDie(int signal_number) {
  WriteText("\n*** fatal signal ");
  WriteText(sigabbrev_np(signal_number) != nullptr ? sigabbrev_np(signal_number) : "?");
  WriteText(" in this thread; stack:\n");
  void* frames[64];
  const int depth = backtrace(frames, 64);
  backtrace_symbols_fd(frames, depth, STDERR_FILENO);
  // SA_RESETHAND restored the default action: dying by the same signal keeps the exit status
  // (and a core dump, where enabled) what it would have been.
  raise(signal_number);
}
#endif

}  // namespace

void InstallCrashReport() {
#if defined(PROVA_CRASH_REPORT)
  // backtrace() loads libgcc's unwinder on its first call, which allocates: do that now, not in
  // the handler.
  void* warm_up[1];
  backtrace(warm_up, 1);
  struct sigaction action {};
  action.sa_handler = ReportAndDie;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int signal_number : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) {
    sigaction(signal_number, &action, nullptr);
  }
#endif
}

}  // namespace prova
