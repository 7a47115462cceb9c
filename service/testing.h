#pragma once

// Test fixtures of the service: tiny guests, a throwaway PostgreSQL server, an HTTP client.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace prova::service::testing {

// A guest that reads its input (EchoInput: a 4-byte length, then at most 60 bytes), writes the
// payload to the journal, counts down `iterations` times (to make proving take longer) and exits
// with `exit_code`.
std::vector<uint8_t> EchoGuestElf(uint32_t iterations = 1, uint32_t exit_code = 0);
std::string EchoInput(std::string_view payload);

// Iterations of the echo guest for tests that interrupt a proof: about 240 000 cycles, a proof of
// a second or more. A worker publishes progress only with its heartbeat (every 400 ms under
// `prova serve --lease-seconds 2`, every 100 ms in TestService), so a proof shorter than a few
// heartbeats can finish before the test sees it proving and interrupts it.
inline constexpr uint32_t kLongProofIterations = 120'000;

// A guest that writes its `buffer_bytes`-byte buffer to the journal `writes` times, then exits 0.
std::vector<uint8_t> JournalFloodElf(uint32_t buffer_bytes, uint32_t writes);

// EchoGuestElf with a zero-initialised data segment (.bss) of `bss_bytes` after its code: a
// small file whose memory image is large.
std::vector<uint8_t> LargeBssElf(uint32_t bss_bytes);

// A new directory under the system temporary directory, removed when the process exits.
std::string MakeTempDir(const std::string& prefix);

// A PostgreSQL server of its own (Debian's postgresql package) in a temporary directory on a
// loopback port, trust authentication. As root it runs as the `postgres` user, since postgres
// refuses to run as root. Throws if the binaries are missing: the test must fail, not skip.
class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  const std::string& url() const { return url_; }

 private:
  std::string RunAs(const std::string& command) const;
  std::string bin_, dir_, url_;
  bool as_postgres_user_ = false;
};

// A free TCP port on 127.0.0.1 (bound, read, released).
int FreePort();

// A child process (fork + exec) with stdout and stderr appended to a log file. Killed with
// SIGKILL if still running when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  void Signal(int signal_number);
  // The exit status (or 128 + signal), or -1 if it is still running after timeout_seconds.
  int Wait(double timeout_seconds);

 private:
  int pid_ = -1;
};

// Runs a command line through the shell and returns its stdout; throws on a non-zero exit.
std::string RunCommand(const std::string& command);

}  // namespace prova::service::testing
