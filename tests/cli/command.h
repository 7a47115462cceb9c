#pragma once

// Running a CLI binary as a user would, with its stdout, stderr and exit status captured: shared
// by the CLI tests.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/file_io.h"

namespace prova::cli_testing {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string ReadText(const std::filesystem::path& path) {
  std::vector<uint8_t> bytes = ReadFileBytes(path.string());
  return std::string(bytes.begin(), bytes.end());
}

// Runs `<binary> <args>` through the shell with no stdin; stdout and stderr go through files in
// `scratch_dir`.
inline CommandResult RunCommand(const std::string& binary, const std::string& args,
                                const std::filesystem::path& scratch_dir) {
  const std::filesystem::path out = scratch_dir / "out", err = scratch_dir / "err";
  const std::string command =
      binary + " " + args + " >" + out.string() + " 2>" + err.string() + " </dev/null";
  const int raw = std::system(command.c_str());
  CommandResult result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = ReadText(out);
  result.err = ReadText(err);
  return result;
}

}  // namespace prova::cli_testing
