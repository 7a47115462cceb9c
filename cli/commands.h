#pragma once

// Each `prova` command registers its subcommand on the app. The callback stores the process exit
// status in *exit_status, so main() returns what the command decided.

#include <CLI/CLI.hpp>

namespace prova::cli {

// Process statuses of the CLI itself (guest statuses and fault statuses come from vm/).
inline constexpr int kRejected = 1;  // a receipt did not verify, or a proof could not be made
inline constexpr int kUsageError = 2;
inline constexpr int kInputError = 250;  // a file could not be read or an ELF was rejected

void RegisterExecuteCommand(CLI::App& app, int* exit_status);
void RegisterProveCommand(CLI::App& app, int* exit_status);
void RegisterVerifyCommand(CLI::App& app, int* exit_status);
void RegisterInspectCommand(CLI::App& app, int* exit_status);
void RegisterImageIdCommand(CLI::App& app, int* exit_status);
void RegisterParamsCommand(CLI::App& app, int* exit_status);
void RegisterModelCommand(CLI::App& app, int* exit_status);  // cli/model_command.cc
// The proving service (docs/service.md); built when the service module is.
void RegisterServeCommand(CLI::App& app, int* exit_status);
void RegisterWorkerCommand(CLI::App& app, int* exit_status);
void RegisterKeysCommand(CLI::App& app, int* exit_status);
void RegisterRemoteCommand(CLI::App& app, int* exit_status);

// `prova verify`'s options and action on any app: `prova-verify` puts them on its top level.
void AddVerifyOptions(CLI::App& app, int* exit_status);

}  // namespace prova::cli
