// Linked into every test executable (prova_add_test): a crash in any test prints its stack.

#include "common/crash_report.h"

namespace {

[[maybe_unused]] const bool kCrashReportInstalled = (prova::InstallCrashReport(), true);

}  // namespace
