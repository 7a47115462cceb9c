// `prova-verify`: the standalone receipt verifier. It links the verifier side only (no prover, no
// emulator; cli/CMakeLists.txt enforces it), so it can be shipped and audited on its own.

#include <fmt/core.h>

#include <exception>

#include "cli/commands.h"
#include "common/error.h"

int main(int argc, char** argv) {
  CLI::App app{
      "prova-verify: check a Prova receipt against an image ID; exits 0 only if it is valid and "
      "matches"};
  app.set_version_flag("--version", PROVA_VERSION);
  int exit_status = 0;
  prova::cli::AddVerifyOptions(app, &exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "prova-verify: {}\n", e.what());
    return prova::cli::kUsageError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "prova-verify: internal error: {}\n", e.what());
    return prova::cli::kRejected;
  }
  return exit_status;
}
