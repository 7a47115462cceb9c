#include "service/testing.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "tests/tools/elf_writer.h"
#include "vm/assembler.h"

namespace prova::service::testing {

std::vector<uint8_t> EchoGuestElf(uint32_t iterations, uint32_t exit_code) {
  using namespace vm::rv32;
  constexpr uint32_t kBuffer = kDefaultDataAddress;
  Code c;
  // n = the 4-byte little-endian length prefix; then exactly n bytes. Reads that ask for no more
  // than the input holds: the guest never meets the end of its input.
  c << Li(a1, kBuffer) << Addi(a0, zero, 0) << Addi(a2, zero, 4) << Addi(a7, zero, 63)
    << Ecall();  // read(0, buf, 4)
  c << Li(a1, kBuffer) << Lw(a2, a1, 0) << Addi(a1, a1, 4) << Addi(a0, zero, 0)
    << Addi(a7, zero, 63) << Ecall();  // read(0, buf + 4, n)
  c << Li(a1, kBuffer) << Lw(a2, a1, 0) << Addi(a1, a1, 4) << Addi(a0, zero, 3)
    << Addi(a7, zero, 64) << Ecall();  // write(3, buf + 4, n)
  c << Li(t0, iterations);
  const int32_t loop = c.here();
  c << Addi(t0, t0, -1);
  c << Bne(t0, zero, loop - c.here());
  c << Li(a0, exit_code) << Addi(a7, zero, 93) << Ecall();  // exit(exit_code)
  std::vector<uint8_t> text;
  for (uint32_t w : c.words()) {
    for (int i = 0; i < 4; ++i) text.push_back(static_cast<uint8_t>(w >> (8 * i)));
  }
  return rvgen::WriteElf(
      kDefaultCodeAddress,
      {{kDefaultCodeAddress, rvgen::kSegmentRead | rvgen::kSegmentExecute, text,
        static_cast<uint32_t>(text.size())},
       {kBuffer, rvgen::kSegmentRead | rvgen::kSegmentWrite, std::vector<uint8_t>(64, 0), 4096}});
}

namespace {

std::vector<uint8_t> TextBytes(const vm::rv32::Code& c) {
  std::vector<uint8_t> text;
  for (uint32_t w : c.words()) {
    for (int i = 0; i < 4; ++i) text.push_back(static_cast<uint8_t>(w >> (8 * i)));
  }
  return text;
}

}  // namespace

std::vector<uint8_t> JournalFloodElf(uint32_t buffer_bytes, uint32_t writes) {
  using namespace vm::rv32;
  constexpr uint32_t kBuffer = kDefaultDataAddress;
  Code c;
  c << Li(t0, writes);
  const int32_t loop = c.here();
  c << Addi(a0, zero, 3) << Li(a1, kBuffer) << Li(a2, buffer_bytes) << Addi(a7, zero, 64)
    << Ecall();  // write(3, buf, buffer_bytes)
  c << Addi(t0, t0, -1);
  c << Bne(t0, zero, loop - c.here());
  c << Addi(a0, zero, 0) << Addi(a7, zero, 93) << Ecall();
  const std::vector<uint8_t> text = TextBytes(c);
  return rvgen::WriteElf(kDefaultCodeAddress,
                         {{kDefaultCodeAddress, rvgen::kSegmentRead | rvgen::kSegmentExecute, text,
                           static_cast<uint32_t>(text.size())},
                          {kBuffer, rvgen::kSegmentRead | rvgen::kSegmentWrite, {}, buffer_bytes}});
}

std::vector<uint8_t> LargeBssElf(uint32_t bss_bytes) {
  using namespace vm::rv32;
  Code c;
  c << Addi(a0, zero, 0) << Addi(a7, zero, 93) << Ecall();
  const std::vector<uint8_t> text = TextBytes(c);
  return rvgen::WriteElf(
      kDefaultCodeAddress,
      {{kDefaultCodeAddress, rvgen::kSegmentRead | rvgen::kSegmentExecute, text,
        static_cast<uint32_t>(text.size())},
       {kDefaultDataAddress, rvgen::kSegmentRead | rvgen::kSegmentWrite, {}, bss_bytes}});
}

std::string EchoInput(std::string_view payload) {
  std::string input(4, '\0');
  const uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) input[i] = static_cast<char>(n >> (8 * i));
  return input + std::string(payload);
}

namespace {

// Temporary directories of this test process, removed when it exits.
class TempDirs {
 public:
  ~TempDirs() {
    std::error_code ignored;
    for (const std::string& dir : dirs_) std::filesystem::remove_all(dir, ignored);
  }
  void Add(const std::string& dir) {
    std::lock_guard lock(mutex_);
    dirs_.push_back(dir);
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> dirs_;
};

TempDirs temp_dirs;

}  // namespace

std::string MakeTempDir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  temp_dirs.Add(pattern);
  return pattern;
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execv(args[0], args.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && Wait(0) < 0) {
    kill(pid_, SIGKILL);
    Wait(10);
  }
}

void ChildProcess::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

int ChildProcess::Wait(double timeout_seconds) {
  if (pid_ <= 0) return -1;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string RunCommand(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  const int status = pclose(pipe.release());
  if (status != 0) throw std::runtime_error("command failed: " + command + "\n" + out);
  return out;
}

namespace {

std::string FindPostgresBin() {
  for (const char* version : {"17", "16", "15", "14", "13"}) {
    const std::string bin = std::string("/usr/lib/postgresql/") + version + "/bin";
    if (std::filesystem::exists(bin + "/initdb") && std::filesystem::exists(bin + "/pg_ctl")) {
      return bin;
    }
  }
  throw std::runtime_error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (install the "
      "Debian package postgresql)");
}

}  // namespace

PostgresServer::PostgresServer() : bin_(FindPostgresBin()), dir_(MakeTempDir("prova-pg")) {
  as_postgres_user_ = geteuid() == 0;
  if (as_postgres_user_) {
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) throw std::runtime_error("running as root but no `postgres` user");
    if (chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + dir_ + " to postgres");
    }
  }
  const int port = FreePort();
  RunAs(bin_ + "/initdb -D " + dir_ + "/data -A trust -U postgres --no-sync -E UTF8");
  RunAs(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/log -w -t 60 -o \"-p " +
        std::to_string(port) + " -k " + dir_ +
        " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100\" start");
  url_ = "postgres://postgres@127.0.0.1:" + std::to_string(port) + "/postgres";
}

PostgresServer::~PostgresServer() {
  try {
    RunAs(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop");
  } catch (const std::exception&) {
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::RunAs(const std::string& command) const {
  const std::string full = (as_postgres_user_ ? "runuser -u postgres -- " : "") + command + " > " +
                           dir_ + "/command.log 2>&1";
  if (std::system(full.c_str()) != 0) {
    throw std::runtime_error("PostgreSQL command failed: " + command + " (see " + dir_ +
                             "/command.log)");
  }
  return full;
}

}  // namespace prova::service::testing
