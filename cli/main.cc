#include <fmt/core.h>

#include <exception>
#include <string_view>

#include "cli/commands.h"
#include "common/crash_report.h"
#include "common/error.h"
#include "common/heap.h"

int main(int argc, char** argv) {
  // The commands that prove re-execute once for a huge-page heap (common/heap.h); the others
  // would only pay for a second start.
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "prove" || command == "worker" || command == "serve") {
    prova::UseHugePageHeap(argv);
  }
  prova::KeepFreedMemoryForReuse();
  prova::InstallCrashReport();  // a crash of a long-running `serve` or `worker` leaves a stack
  CLI::App app{"Prova: a zero-knowledge virtual machine for RV32IM programs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", PROVA_VERSION);

  int exit_status = 0;
  prova::cli::RegisterExecuteCommand(app, &exit_status);
  prova::cli::RegisterProveCommand(app, &exit_status);
  prova::cli::RegisterVerifyCommand(app, &exit_status);
  prova::cli::RegisterInspectCommand(app, &exit_status);
  prova::cli::RegisterImageIdCommand(app, &exit_status);
  prova::cli::RegisterParamsCommand(app, &exit_status);
#ifdef PROVA_WITH_MODEL
  prova::cli::RegisterModelCommand(app, &exit_status);
#endif
#ifdef PROVA_HAS_SERVICE
  prova::cli::RegisterServeCommand(app, &exit_status);
  prova::cli::RegisterWorkerCommand(app, &exit_status);
  prova::cli::RegisterKeysCommand(app, &exit_status);
  prova::cli::RegisterRemoteCommand(app, &exit_status);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "prova: {}\n", e.what());
    return prova::cli::kUsageError;
  } catch (const prova::Error& e) {
    fmt::print(stderr, "prova: {}\n", e.what());
    return prova::cli::kInputError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "prova: internal error: {}\n", e.what());
    return 1;
  }
  return exit_status;
}
