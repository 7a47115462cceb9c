// Differential tests: the Prova emulator (through `prova execute`) against qemu-riscv32 on random
// RV32IM programs from prova-rvgen, on programs that read the private input, and on the example
// guests; plus the fault statuses `prova execute` reports for faulting programs.
//
// Environment knobs: PROVA_DIFF_FIRST_SEED (default 1) and PROVA_DIFF_PROGRAMS (random programs,
// default 200) for longer runs; PROVA_DIFF_KEEP=1 keeps every program's directory (otherwise only
// those of mismatches, under <build>/tests/differential/work); PROVA_DIFF_CLI=<path> tests another
// `prova` binary.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/file_io.h"
#include "tests/tools/program_generator.h"

namespace prova {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRvgenPath = PROVA_RVGEN_PATH;
constexpr const char* kConfiguredCliPath = PROVA_CLI_PATH;  // empty: no `prova` target
constexpr const char* kSourceDir = PROVA_SOURCE_DIR;
constexpr const char* kBinaryDir = PROVA_BINARY_DIR;
constexpr const char* kWorkDir = PROVA_DIFF_WORK_DIR;

constexpr int kShards = 8;  // random programs are split so that ctest -j can run them in parallel
constexpr unsigned kProgramTimeoutSeconds = 60;
constexpr unsigned kExampleTimeoutSeconds = 300;

uint64_t EnvironmentNumber(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 0) : fallback;
}

bool KeepWorkDirectories() { return EnvironmentNumber("PROVA_DIFF_KEEP", 0) != 0; }

std::optional<std::string> FindInPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream directories(path != nullptr ? path : "/usr/bin:/bin");
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    fs::path candidate = fs::path(directory.empty() ? "." : directory) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return std::nullopt;
}

const std::optional<std::string>& QemuPath() {
  static const std::optional<std::string> path = FindInPath("qemu-riscv32");
  return path;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

struct Redirects {
  fs::path stdin_path = "/dev/null";
  fs::path stdout_path;
  fs::path stderr_path;
  std::optional<fs::path> fd3_path;  // qemu's guest writes fd 3 (the journal) straight through
};

struct ProcessOutcome {
  bool exited = false;
  int exit_code = -1;  // valid when exited
  int signal = 0;      // valid when killed by a signal

  std::string Describe() const {
    return exited ? "exit status " + std::to_string(exit_code)
                  : "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  }
};

// Runs argv[0] (a path) with the given redirections; the child is killed after timeout_seconds.
ProcessOutcome RunProcess(const std::vector<std::string>& argv, const Redirects& redirects,
                          unsigned timeout_seconds) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return ProcessOutcome{};
  if (pid == 0) {
    // Open everything first (the new descriptors are >= 3), then move them into place in order.
    int in = ::open(redirects.stdin_path.c_str(), O_RDONLY);
    int out = ::open(redirects.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(redirects.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fd3 = redirects.fd3_path
                  ? ::open(redirects.fd3_path->c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644)
                  : -1;
    if (in < 0 || out < 0 || err < 0 || (redirects.fd3_path && fd3 < 0)) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (fd3 >= 0) {
      ::dup2(fd3, 3);
    } else {
      ::close(3);
    }
    ::close_range(4, ~0u, 0);
    ::alarm(timeout_seconds);  // survives exec: SIGALRM ends a hung child
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ProcessOutcome{};
  }
  ProcessOutcome outcome;
  if (WIFEXITED(status)) {
    outcome.exited = true;
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) line += (line.empty() ? "" : " ") + arg;
  return line;
}

// `prova execute --json` prints its report as the last line of stderr.
std::optional<nlohmann::json> ParseReport(const std::string& stderr_text) {
  size_t end = stderr_text.find_last_not_of("\n");
  if (end == std::string::npos) return std::nullopt;
  size_t start = stderr_text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  nlohmann::json report =
      nlohmann::json::parse(stderr_text.substr(start, end + 1 - start), nullptr, false);
  if (report.is_discarded() || !report.is_object()) return std::nullopt;
  return report;
}

std::string HexOf(const std::string& bytes) {
  return ToHex(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

uint32_t WordAt(const std::string& bytes, size_t index) {
  uint32_t word = 0;
  std::memcpy(&word, bytes.data() + 4 * index, 4);
  return word;
}

std::string Hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

// Points at the first difference in a random program's output (31 registers, then a checksum).
std::string FirstRegisterDifference(const std::string& expected, const std::string& actual) {
  if (expected.size() != rvgen::kRandomProgramOutputBytes ||
      actual.size() != rvgen::kRandomProgramOutputBytes) {
    return "";
  }
  for (size_t i = 0; i < 32; ++i) {
    uint32_t want = WordAt(expected, i);
    uint32_t got = WordAt(actual, i);
    if (want == got) continue;
    std::ostringstream message;
    message << "first differing register: ";
    if (i < 31) {
      message << "x" << i + 1;
    } else {
      message << "scratch-area checksum";
    }
    message << " qemu=" << Hex32(want) << " prova=" << Hex32(got);
    return message.str();
  }
  return "";
}

std::string FirstByteDifference(const std::string& expected, const std::string& actual) {
  size_t common = std::min(expected.size(), actual.size());
  size_t at = std::mismatch(expected.begin(), expected.begin() + static_cast<ptrdiff_t>(common),
                            actual.begin())
                  .first -
              expected.begin();
  return "sizes qemu=" + std::to_string(expected.size()) +
         " prova=" + std::to_string(actual.size()) + ", first difference at byte " +
         std::to_string(at);
}

std::string Lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// PROVA_DIFF_CLI runs another `prova` binary (e.g. an installed one) instead of the built one.
const std::string& CliPath() {
  static const std::string path = [] {
    const char* override_path = std::getenv("PROVA_DIFF_CLI");
    return std::string(override_path != nullptr && *override_path != '\0' ? override_path
                                                                          : kConfiguredCliPath);
  }();
  return path;
}

bool CliConfigured() { return !CliPath().empty(); }

// A guest run under both machines, in its own directory (kept when the runs disagree).
class GuestCase {
 public:
  GuestCase(std::string name, fs::path elf, fs::path input, fs::path directory,
            std::string cli = CliPath())
      : name_(std::move(name)),
        elf_(std::move(elf)),
        input_(std::move(input)),
        dir_(std::move(directory)),
        cli_(std::move(cli)) {}

  // Runs the guest under qemu and prova and compares stdout, journal and exit status.
  testing::AssertionResult RunBoth(unsigned timeout_seconds, bool random_program_output) const {
    const std::vector<std::string> qemu = {*QemuPath(), elf_.string()};
    Redirects qemu_redirects{input_, dir_ / "qemu.stdout", dir_ / "qemu.stderr",
                             dir_ / "qemu.journal"};
    ProcessOutcome qemu_outcome = RunProcess(qemu, qemu_redirects, timeout_seconds);
    if (!qemu_outcome.exited) {
      return Failure() << "qemu-riscv32 " << qemu_outcome.Describe()
                       << " (the generator should only write programs that exit); stderr:\n"
                       << ReadFile(dir_ / "qemu.stderr");
    }

    const std::vector<std::string> prova = {cli_,
                                            "execute",
                                            elf_.string(),
                                            "--input",
                                            input_.string(),
                                            "--journal",
                                            (dir_ / "prova.journal").string(),
                                            "--json"};
    Redirects prova_redirects{"/dev/null", dir_ / "prova.stdout", dir_ / "prova.stderr",
                              std::nullopt};
    ProcessOutcome prova_outcome = RunProcess(prova, prova_redirects, timeout_seconds);
    std::string prova_stderr = ReadFile(dir_ / "prova.stderr");
    if (!prova_outcome.exited) {
      return Failure() << CommandLine(prova) << ": " << prova_outcome.Describe() << "; stderr:\n"
                       << prova_stderr;
    }
    std::optional<nlohmann::json> report = ParseReport(prova_stderr);
    if (!report) {
      return Failure() << "no JSON report on the last line of stderr of " << CommandLine(prova)
                       << "; stderr:\n"
                       << prova_stderr;
    }
    if (report->value("status", "") != "exited") {
      return Failure() << "prova did not see the guest exit (qemu: " << qemu_outcome.Describe()
                       << "); report: " << report->dump();
    }

    std::string qemu_stdout = ReadFile(dir_ / "qemu.stdout");
    std::string prova_stdout = ReadFile(dir_ / "prova.stdout");
    std::string qemu_journal = ReadFile(dir_ / "qemu.journal");
    std::string prova_journal = ReadFile(dir_ / "prova.journal");
    if (qemu_stdout != prova_stdout) {
      std::string where = random_program_output ? FirstRegisterDifference(qemu_stdout, prova_stdout)
                                                : std::string();
      if (where.empty()) where = FirstByteDifference(qemu_stdout, prova_stdout);
      return Failure() << "stdout differs: " << where;
    }
    if (qemu_journal != prova_journal) {
      return Failure() << "journal file differs: "
                       << FirstByteDifference(qemu_journal, prova_journal) << "; qemu "
                       << HexOf(qemu_journal) << " prova " << HexOf(prova_journal);
    }
    if (report->value("journal_hex", "") != HexOf(qemu_journal) ||
        report->value("journal_len", -1) != static_cast<int64_t>(qemu_journal.size())) {
      return Failure() << "JSON journal differs from qemu's " << HexOf(qemu_journal)
                       << "; report: " << report->dump();
    }
    if (prova_outcome.exit_code != qemu_outcome.exit_code ||
        report->value("process_status", -1) != qemu_outcome.exit_code ||
        (report->value("exit_code", int64_t{-1}) & 0xff) != qemu_outcome.exit_code) {
      return Failure() << "exit status differs: qemu " << qemu_outcome.exit_code << ", prova "
                       << prova_outcome.exit_code << "; report: " << report->dump();
    }
    return testing::AssertionSuccess();
  }

  testing::AssertionResult Failure() const {
    return testing::AssertionFailure()
           << name_ << " (ELF kept at " << elf_.string() << ", input " << input_.string()
           << ", outputs in " << dir_.string() << "): ";
  }

  const fs::path& dir() const { return dir_; }

 private:
  std::string name_;
  fs::path elf_;
  fs::path input_;
  fs::path dir_;
  std::string cli_;
};

// Writes a program with prova-rvgen into a fresh directory; returns prova-rvgen's key=value line.
std::string Generate(const std::vector<std::string>& options, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::string> argv = {kRvgenPath};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(),
              {"-o", (dir / "prog.elf").string(), "--input-out", (dir / "input.bin").string()});
  ProcessOutcome outcome =
      RunProcess(argv, Redirects{"/dev/null", dir / "rvgen.out", dir / "rvgen.err", std::nullopt},
                 kProgramTimeoutSeconds);
  EXPECT_TRUE(outcome.exited && outcome.exit_code == 0)
      << CommandLine(argv) << ": " << outcome.Describe() << "\n"
      << ReadFile(dir / "rvgen.err");
  return ReadFile(dir / "rvgen.out");
}

std::optional<uint64_t> InfoValue(const std::string& info, const std::string& key) {
  size_t at = info.find(key + "=");
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(info.c_str() + at + key.size() + 1, nullptr, 0);
}

void SkipUnlessQemu() {
  if (!QemuPath()) GTEST_SKIP() << "qemu-riscv32 is not installed";
}

#define PROVA_REQUIRE_QEMU_AND_CLI()                                                          \
  do {                                                                                        \
    if (!QemuPath()) GTEST_SKIP() << "qemu-riscv32 is not installed";                         \
    if (!CliConfigured())                                                                     \
      GTEST_SKIP() << "the `prova` CLI target did not exist at configure time";               \
    ASSERT_TRUE(fs::exists(CliPath())) << CliPath() << " is missing: build the prova target"; \
  } while (0)

uint32_t RandomProgramLength(uint64_t seed) {
  // A few hundred to a few thousand instructions, spread over the seeds.
  return 200 + static_cast<uint32_t>((seed * 2654435761u) % 2800);
}

// ---------------------------------------------------------------------------------------------
// The generator's programs under qemu alone: they must exit and print their 128 bytes. Runs even
// before the CLI exists, so a broken generator shows up on its own.

TEST(RvgenUnderQemuTest, RandomProgramsExitAndPrintRegisters) {
  SkipUnlessQemu();
  for (uint64_t seed = 1000; seed < 1020; ++seed) {
    fs::path dir = fs::path(kWorkDir) / ("qemu-only-" + std::to_string(seed));
    Generate(
        {"--seed", std::to_string(seed), "--length", std::to_string(RandomProgramLength(seed))},
        dir);
    ProcessOutcome outcome = RunProcess({*QemuPath(), (dir / "prog.elf").string()},
                                        Redirects{dir / "input.bin", dir / "qemu.stdout",
                                                  dir / "qemu.stderr", dir / "qemu.journal"},
                                        kProgramTimeoutSeconds);
    ASSERT_TRUE(outcome.exited) << "seed " << seed << ": " << outcome.Describe();
    ASSERT_GE(outcome.exit_code, 0);
    ASSERT_LE(outcome.exit_code, 255);
    EXPECT_EQ(ReadFile(dir / "qemu.stdout").size(), rvgen::kRandomProgramOutputBytes)
        << "seed " << seed;
    std::string journal = ReadFile(dir / "qemu.journal");
    EXPECT_LE(journal.size(), 3 * rvgen::kRandomProgramOutputBytes) << "seed " << seed;
    if (!HasFailure() && !KeepWorkDirectories()) fs::remove_all(dir);
  }
}

TEST(RvgenUnderQemuTest, ReadProgramsEchoTheirInput) {
  SkipUnlessQemu();
  for (uint64_t seed = 0; seed < 12; ++seed) {
    fs::path dir = fs::path(kWorkDir) / ("qemu-only-read-" + std::to_string(seed));
    Generate({"--seed", std::to_string(seed), "--kind", "read"}, dir);
    ProcessOutcome outcome = RunProcess({*QemuPath(), (dir / "prog.elf").string()},
                                        Redirects{dir / "input.bin", dir / "qemu.stdout",
                                                  dir / "qemu.stderr", dir / "qemu.journal"},
                                        kProgramTimeoutSeconds);
    ASSERT_TRUE(outcome.exited) << "seed " << seed << ": " << outcome.Describe();
    // Stdout: the transformed bytes, then their count and hash.
    std::string out = ReadFile(dir / "qemu.stdout");
    ASSERT_GE(out.size(), 8u) << "seed " << seed;
    size_t count = WordAt(out.substr(out.size() - 8), 0);
    EXPECT_EQ(count, out.size() - 8) << "seed " << seed;
    EXPECT_LE(count, ReadFile(dir / "input.bin").size()) << "seed " << seed;
    EXPECT_EQ(ReadFile(dir / "qemu.journal").size(), 4 + std::min<size_t>(count, 16));
    if (!HasFailure() && !KeepWorkDirectories()) fs::remove_all(dir);
  }
}

// ---------------------------------------------------------------------------------------------
// The comparison itself must catch differences: a stand-in for `prova execute` that runs qemu and
// then corrupts one result.

constexpr const char* kFakeCliScript = R"(#!/bin/sh
# Stands in for `prova execute ELF --input IN --journal OUT --json`.
elf=$2 input=$4 journal=$6
out=$journal.stdout
"$QEMU" "$elf" <"$input" >"$out" 3>"$journal"
status=$?
case "$CORRUPTION" in
  register) { head -c 16 "$out"; printf '\001\002\003\004'; tail -c +21 "$out"; } >"$out.new"
            mv "$out.new" "$out" ;;
  journal) printf 'x' >>"$journal" ;;
  status) status=$((status ^ 1)) ;;
esac
cat "$out"
hex=$(od -An -v -tx1 "$journal" | tr -d ' \n')
printf '{"status":"exited","exit_code":%d,"process_status":%d,"cycles":0,"journal_len":%d,"journal_hex":"%s"}\n' \
  $status $status $(wc -c <"$journal") "$hex" >&2
exit $status
)";

class ComparisonTest : public testing::Test {
 protected:
  void SetUp() override {
    SkipUnlessQemu();
    if (IsSkipped()) return;
    // Own directory per test: ctest runs the tests of this file in parallel processes.
    dir_ = fs::path(kWorkDir) /
           ("comparison-" +
            std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    Generate({"--seed", "77", "--length", "300"}, dir_);
    fake_cli_ = dir_ / "fake-prova";
    std::ofstream(fake_cli_) << kFakeCliScript;
    fs::permissions(fake_cli_, fs::perms::owner_all);
  }

  testing::AssertionResult RunWithCorruption(const std::string& corruption) {
    std::string script = "QEMU='" + *QemuPath() + "' CORRUPTION=" + corruption + " exec '" +
                         fake_cli_.string() + "' \"$@\"";
    fs::path wrapper = dir_ / ("fake-prova-" + corruption);
    std::ofstream(wrapper) << "#!/bin/sh\n" << script << "\n";
    fs::permissions(wrapper, fs::perms::owner_all);
    GuestCase guest("comparison check", dir_ / "prog.elf", dir_ / "input.bin", dir_,
                    wrapper.string());
    return guest.RunBoth(kProgramTimeoutSeconds, true);
  }

  void TearDown() override {
    if (!HasFailure() && !KeepWorkDirectories() && !dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
  fs::path fake_cli_;
};

TEST_F(ComparisonTest, AgreesWithAnIdenticalRun) { EXPECT_TRUE(RunWithCorruption("none")); }

TEST_F(ComparisonTest, NamesTheFirstDifferingRegister) {
  testing::AssertionResult result = RunWithCorruption("register");
  ASSERT_FALSE(result);
  // Unless qemu's x5 happened to be exactly the value the fake wrote.
  ASSERT_NE(WordAt(ReadFile(dir_ / "qemu.stdout"), 4), 0x04030201u);
  EXPECT_NE(std::string(result.message()).find("first differing register: x5 "), std::string::npos)
      << result.message();
  EXPECT_NE(std::string(result.message()).find("prog.elf"), std::string::npos);
}

TEST_F(ComparisonTest, CatchesADifferentJournal) {
  testing::AssertionResult result = RunWithCorruption("journal");
  ASSERT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("journal"), std::string::npos) << result.message();
}

TEST_F(ComparisonTest, CatchesADifferentExitStatus) {
  testing::AssertionResult result = RunWithCorruption("status");
  ASSERT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("exit status"), std::string::npos)
      << result.message();
}

// ---------------------------------------------------------------------------------------------
// qemu against prova.

class DifferentialQemuTest : public testing::TestWithParam<int> {};

TEST_P(DifferentialQemuTest, RandomPrograms) {
  PROVA_REQUIRE_QEMU_AND_CLI();
  const uint64_t first = EnvironmentNumber("PROVA_DIFF_FIRST_SEED", 1);
  const uint64_t count = EnvironmentNumber("PROVA_DIFF_PROGRAMS", 200);
  int failures = 0;
  for (uint64_t seed = first + static_cast<uint64_t>(GetParam()); seed < first + count;
       seed += kShards) {
    fs::path dir = fs::path(kWorkDir) / ("random-" + std::to_string(seed));
    uint32_t length = RandomProgramLength(seed);
    Generate({"--seed", std::to_string(seed), "--length", std::to_string(length)}, dir);
    GuestCase guest(
        "random program --seed " + std::to_string(seed) + " --length " + std::to_string(length),
        dir / "prog.elf", dir / "input.bin", dir);
    testing::AssertionResult result = guest.RunBoth(kProgramTimeoutSeconds, true);
    EXPECT_TRUE(result);
    if (result && !KeepWorkDirectories()) fs::remove_all(dir);
    if (!result && ++failures >= 5) FAIL() << "stopping this shard after 5 mismatches";
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, DifferentialQemuTest, testing::Range(0, kShards));

TEST(DifferentialQemuInputTest, ReadPrograms) {
  PROVA_REQUIRE_QEMU_AND_CLI();
  int failures = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    fs::path dir = fs::path(kWorkDir) / ("read-" + std::to_string(seed));
    Generate({"--seed", std::to_string(seed), "--kind", "read"}, dir);
    GuestCase guest("read program --seed " + std::to_string(seed) + " --kind read",
                    dir / "prog.elf", dir / "input.bin", dir);
    testing::AssertionResult result = guest.RunBoth(kProgramTimeoutSeconds, false);
    EXPECT_TRUE(result);
    if (result && !KeepWorkDirectories()) fs::remove_all(dir);
    if (!result && ++failures >= 5) FAIL() << "stopping after 5 mismatches";
  }
}

// ---------------------------------------------------------------------------------------------
// The example guests. examples/README.md lists each example with its input file; the guest ELF
// is built at <build>/examples/<name>/<name>.elf.

struct Example {
  std::string name;
  fs::path elf;
  fs::path input;  // empty: no input
};

std::vector<std::string> TableCells(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream row(line);
  std::string cell;
  while (std::getline(row, cell, '|')) {
    size_t first = cell.find_first_not_of(" \t`");
    size_t last = cell.find_last_not_of(" \t`");
    cells.push_back(first == std::string::npos ? "" : cell.substr(first, last + 1 - first));
  }
  return cells;
}

// The first token of `text` that names a file in the example's source directory.
fs::path ExistingFileIn(const std::string& text, const fs::path& dir) {
  std::string token;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
        c == '/') {
      token += c;
      continue;
    }
    fs::path candidate = fs::path(token).filename();
    if (!candidate.empty() && fs::is_regular_file(dir / candidate)) return dir / candidate;
    token.clear();
  }
  return {};
}

// The input file of an example: from the "Input" column of the README's table, else a file named
// input* in the example's directory, else none.
fs::path ExampleInput(const std::string& name, const std::string& readme) {
  fs::path dir = fs::path(kSourceDir) / "examples" / name;
  std::istringstream lines(readme);
  std::string line;
  constexpr size_t kNoColumn = std::string::npos;
  size_t input_column = kNoColumn;  // of the table being read
  while (std::getline(lines, line)) {
    if (line.find('|') == std::string::npos) {
      input_column = kNoColumn;
      continue;
    }
    std::vector<std::string> cells = TableCells(line);
    if (input_column == kNoColumn) {
      for (size_t i = 0; i < cells.size(); ++i) {
        if (Lowercase(cells[i]) == "input") input_column = i;
      }
      continue;
    }
    if (cells.size() > input_column && cells.size() > 1 && cells[1] == name) {
      return ExistingFileIn(cells[input_column], dir);
    }
  }
  if (fs::is_directory(dir)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().filename().string().rfind("input", 0) == 0) {
        return entry.path();
      }
    }
  }
  return {};
}

std::vector<Example> ListExamples(const std::string& readme) {
  std::vector<Example> examples;
  fs::path root = fs::path(kSourceDir) / "examples";
  for (const fs::directory_entry& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    std::string name = entry.path().filename().string();
    if (readme.find(name) == std::string::npos) continue;  // not a listed example
    examples.push_back(Example{name, fs::path(kBinaryDir) / "examples" / name / (name + ".elf"),
                               ExampleInput(name, readme)});
  }
  std::sort(examples.begin(), examples.end(),
            [](const Example& a, const Example& b) { return a.name < b.name; });
  return examples;
}

TEST(DifferentialQemuExamplesTest, ExampleGuests) {
  PROVA_REQUIRE_QEMU_AND_CLI();
  fs::path readme_path = fs::path(kSourceDir) / "examples" / "README.md";
  if (!fs::exists(readme_path)) GTEST_SKIP() << "examples/README.md does not exist yet";
  std::vector<Example> examples = ListExamples(ReadFile(readme_path));
  if (examples.empty()) GTEST_SKIP() << "examples/README.md lists no example directory";
  for (const Example& example : examples) {
    SCOPED_TRACE(example.name);
    ASSERT_TRUE(fs::exists(example.elf))
        << example.elf << " is missing: build the example guests (PROVA_BUILD_GUESTS=ON)";
    fs::path dir = fs::path(kWorkDir) / ("example-" + example.name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::path input = example.input;
    if (input.empty()) {
      input = dir / "empty-input";
      std::ofstream(input).close();
    }
    GuestCase guest("example " + example.name, example.elf, input, dir);
    testing::AssertionResult result = guest.RunBoth(kExampleTimeoutSeconds, false);
    EXPECT_TRUE(result);
    if (result && !KeepWorkDirectories()) fs::remove_all(dir);
  }
}

// ---------------------------------------------------------------------------------------------
// Faults: `prova execute` must exit with the documented status and name the fault and its pc.

struct FaultExpectation {
  rvgen::FaultKind kind;
  int status;
  std::vector<std::string> words;  // one of these must appear in the fault's kind or message
};

const std::vector<FaultExpectation>& FaultExpectations() {
  using rvgen::FaultKind;
  static const std::vector<FaultExpectation> expectations = {
      {FaultKind::kIllegalInstruction, 241, {"illegal"}},
      {FaultKind::kMisalignedLoad, 242, {"misalign", "alignment"}},
      {FaultKind::kMisalignedStore, 242, {"misalign", "alignment"}},
      {FaultKind::kMisalignedJump, 243, {"misalign", "alignment"}},
      {FaultKind::kStoreToText, 245, {"read-only", "read_only", "readonly", "write"}},
      {FaultKind::kStoreToReadOnlyData, 245, {"read-only", "read_only", "readonly", "write"}},
      {FaultKind::kLoadUnmapped, 244, {"unmapped", "not mapped"}},
      {FaultKind::kStoreUnmapped, 244, {"unmapped", "not mapped"}},
      {FaultKind::kFetchFromData, 246, {"exec", "fetch"}},
      {FaultKind::kUnsupportedSyscall, 247, {"syscall", "system call"}},
      {FaultKind::kEbreak, 248, {"ebreak", "breakpoint"}},
      {FaultKind::kCycleLimit, 240, {"cycle"}},
  };
  return expectations;
}

void PrintTo(const FaultExpectation& expectation, std::ostream* out) {
  *out << rvgen::FaultKindName(expectation.kind) << " -> " << expectation.status;
}

class ProvaFaultTest : public testing::TestWithParam<FaultExpectation> {};

TEST_P(ProvaFaultTest, ReportsStatusKindAndPc) {
  if (!CliConfigured()) GTEST_SKIP() << "the `prova` CLI target did not exist at configure time";
  ASSERT_TRUE(fs::exists(CliPath())) << CliPath() << " is missing: build the prova target";
  const FaultExpectation& expected = GetParam();
  std::string kind_name(rvgen::FaultKindName(expected.kind));
  for (uint64_t seed = 0; seed < 16; ++seed) {
    fs::path dir = fs::path(kWorkDir) / ("fault-" + kind_name + "-" + std::to_string(seed));
    std::string info = Generate({"--seed", std::to_string(seed), "--fault", kind_name}, dir);
    uint64_t fault_pc = InfoValue(info, "fault_pc").value_or(0);
    uint64_t fault_target = InfoValue(info, "fault_target").value_or(0);
    std::vector<std::string> argv = {CliPath(),
                                     "execute",
                                     (dir / "prog.elf").string(),
                                     "--input",
                                     (dir / "input.bin").string(),
                                     "--journal",
                                     (dir / "prova.journal").string(),
                                     "--json"};
    if (expected.kind == rvgen::FaultKind::kCycleLimit) {
      argv.insert(argv.end(), {"--max-cycles", "100000"});
    }
    ProcessOutcome outcome = RunProcess(
        argv, Redirects{"/dev/null", dir / "prova.stdout", dir / "prova.stderr", std::nullopt},
        kProgramTimeoutSeconds);
    std::string stderr_text = ReadFile(dir / "prova.stderr");
    std::string context = CommandLine(argv) + " (fault program --seed " + std::to_string(seed) +
                          " --fault " + kind_name + ", expected pc " + Hex32(fault_pc) +
                          ")\nstderr: " + stderr_text;

    EXPECT_TRUE(outcome.exited && outcome.exit_code == expected.status)
        << outcome.Describe() << ", expected " << expected.status << "\n"
        << context;
    EXPECT_EQ(ReadFile(dir / "prova.stdout"), "prova fault test\n")
        << "guest output written before the fault is lost\n"
        << context;
    std::optional<nlohmann::json> report = ParseReport(stderr_text);
    ASSERT_TRUE(report) << "no JSON report\n" << context;
    EXPECT_EQ(report->value("status", ""), "fault") << context;
    EXPECT_EQ(report->value("process_status", -1), expected.status) << context;
    ASSERT_TRUE(report->contains("fault") && (*report)["fault"].is_object()) << context;
    const nlohmann::json& fault = (*report)["fault"];
    std::string pc_text = fault.value("pc", "");
    uint64_t pc = std::strtoull(pc_text.c_str(), nullptr, 16);
    EXPECT_TRUE(pc_text.rfind("0x", 0) == 0 && (pc == fault_pc || pc == fault_target))
        << "fault pc " << pc_text << ", expected " << Hex32(fault_pc) << " or "
        << Hex32(fault_target) << "\n"
        << context;
    std::string description = Lowercase(fault.value("kind", "") + " " + fault.value("message", ""));
    bool named = std::any_of(
        expected.words.begin(), expected.words.end(),
        [&](const std::string& word) { return description.find(word) != std::string::npos; });
    EXPECT_TRUE(named) << "the fault's kind and message do not name a " << kind_name << "\n"
                       << context;
    if (!HasFailure() && !KeepWorkDirectories()) fs::remove_all(dir);
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, ProvaFaultTest, testing::ValuesIn(FaultExpectations()),
                         [](const testing::TestParamInfo<FaultExpectation>& info) {
                           std::string name(rvgen::FaultKindName(info.param.kind));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace prova
