// `prova execute`: run a guest in the emulator (fast mode, no trace) and report what it did.

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "common/file_io.h"
#include "vm/elf_loader.h"
#include "vm/machine.h"

namespace prova::cli {
namespace {

struct ExecuteArgs {
  std::string elf_path;
  std::string input_path;
  std::string journal_path;
  uint64_t max_cycles = vm::kDefaultMaxCycles;
  bool json = false;
};

void WriteAll(int fd, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return;  // a closed pipe must not turn into a guest failure
    done += static_cast<size_t>(n);
  }
}

int RunExecute(const ExecuteArgs& args) {
  std::vector<uint8_t> elf = ReadFileBytes(args.elf_path);
  std::vector<uint8_t> input;
  if (!args.input_path.empty()) input = ReadFileBytes(args.input_path);
  vm::ProgramImage image = vm::LoadElf(elf);

  vm::ExecuteOptions options;
  options.max_cycles = args.max_cycles;
  options.input = input;
  // Guest stdout/stderr stream through as the guest writes them, like a native process. Journal
  // writes (fd 3) arrive here too; they are collected in the result and written to --journal.
  options.on_output = [](int fd, std::span<const uint8_t> bytes) {
    if (fd == 1) WriteAll(STDOUT_FILENO, bytes);
    if (fd == 2) WriteAll(STDERR_FILENO, bytes);
  };

  auto start = std::chrono::steady_clock::now();
  vm::ExecuteResult result = vm::Execute(image, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!args.journal_path.empty()) WriteFileAtomic(args.journal_path, result.journal);
  int status = vm::ProcessExitStatus(result);
  std::string journal_hex = ToHex(result.journal);

  if (args.json) {
    nlohmann::json report = {
        {"status", result.fault ? "fault" : "exited"},
        {"exit_code", result.exit_code},
        {"process_status", status},
        {"cycles", result.cycles},
        {"journal_len", result.journal.size()},
        {"journal_hex", journal_hex},
        {"seconds", seconds},
    };
    if (result.fault) {
      report["fault"] = {{"kind", std::string(vm::FaultKindName(result.fault->kind))},
                         {"pc", fmt::format("0x{:08x}", result.fault->pc)},
                         {"message", result.fault->message}};
    }
    fmt::print(stderr, "{}\n", report.dump());
    return status;
  }

  double mhz = seconds > 0 ? static_cast<double>(result.cycles) / seconds / 1e6 : 0;
  std::string prefix = journal_hex.substr(0, 64);
  if (journal_hex.size() > 64) prefix += "...";
  if (result.fault) {
    fmt::print(stderr, "prova: guest fault: {} (exit status {})\n", result.fault->message, status);
  } else {
    fmt::print(stderr, "prova: guest exited with code {}\n", result.exit_code);
  }
  fmt::print(stderr, "prova: {} cycles in {:.3f} s ({:.1f} M cycles/s); journal {} bytes: {}\n",
             result.cycles, seconds, mhz, result.journal.size(), prefix);
  return status;
}

}  // namespace

void RegisterExecuteCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<ExecuteArgs>();
  CLI::App* command = app.add_subcommand(
      "execute", "Run a guest ELF in the emulator without proving; exits with the guest's status");
  command->add_option("guest", args->elf_path, "Guest ELF (RV32IM)")->required();
  command->add_option("--input", args->input_path, "File whose bytes are the private input");
  command->add_option("--journal", args->journal_path, "Write the journal (public output) here");
  command->add_option("--max-cycles", args->max_cycles, "Stop the guest after this many cycles")
      ->capture_default_str();
  command->add_flag("--json", args->json, "Print a JSON summary on stderr instead of text");
  command->callback([args, exit_status] { *exit_status = RunExecute(*args); });
}

}  // namespace prova::cli
