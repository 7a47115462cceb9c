#include "guest-sdk/testing/qemu_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

extern char** environ;

namespace prova::guest_testing {
namespace {

// A scratch directory removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "prova-qemu-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string File(const char* name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string ReadText(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFile(path);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::optional<std::string> QemuPath() {
#ifdef PROVA_QEMU_RISCV32
  std::string path = PROVA_QEMU_RISCV32;
  if (!path.empty() && access(path.c_str(), X_OK) == 0) return path;
#endif
  return std::nullopt;
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

GuestRun RunUnderQemu(const std::string& elf, const std::vector<uint8_t>& input) {
  std::optional<std::string> qemu = QemuPath();
  if (!qemu) throw std::runtime_error("qemu-riscv32 not found");
  ScratchDir scratch;
  const std::string input_path = scratch.File("input.bin");
  const std::string stdout_path = scratch.File("stdout.txt");
  const std::string stderr_path = scratch.File("stderr.txt");
  const std::string journal_path = scratch.File("journal.bin");
  {
    std::ofstream out(input_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(input.data()),
              static_cast<std::streamsize>(input.size()));
    if (!out) throw std::runtime_error("cannot write " + input_path);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  constexpr int kWrite = O_WRONLY | O_CREAT | O_TRUNC;
  posix_spawn_file_actions_addopen(&actions, 0, input_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), kWrite, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), kWrite, 0644);
  posix_spawn_file_actions_addopen(&actions, 3, journal_path.c_str(), kWrite, 0644);
  std::vector<char*> argv = {const_cast<char*>(qemu->c_str()), const_cast<char*>(elf.c_str()),
                             nullptr};
  pid_t pid = 0;
  int error = posix_spawn(&pid, qemu->c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start " + *qemu);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");

  GuestRun run;
  run.exited = WIFEXITED(status);
  run.exit_code = run.exited ? WEXITSTATUS(status) : -1;
  run.stdout_text = ReadText(stdout_path);
  run.stderr_text = ReadText(stderr_path);
  run.journal = ReadFile(journal_path);
  return run;
}

}  // namespace prova::guest_testing
