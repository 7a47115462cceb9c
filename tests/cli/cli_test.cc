// Runs the real `prova` binary as a user would and checks its output, journal and exit status.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/file_io.h"
#include "tests/cli/command.h"

namespace prova {
namespace {

namespace fs = std::filesystem;

using cli_testing::CommandResult;
using cli_testing::ReadText;

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("prova_cli_test." + std::to_string(::getpid()) + "." +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `prova <args>` through the shell with stdout and stderr captured in files.
  CommandResult Prova(const std::string& args) {
    return cli_testing::RunCommand(PROVA_CLI_PATH, args, dir_);
  }

  fs::path dir_;
};

fs::path ExampleElf(const std::string& name) {
  return fs::path(PROVA_EXAMPLES_BUILD_DIR) / name / (name + ".elf");
}

fs::path ExampleSource(const std::string& name) {
  return fs::path(PROVA_SOURCE_DIR) / "examples" / name;
}

// Every example guest, run on its sample input, exits 0 and commits its expected journal.
class ExampleTest : public CliTest, public testing::WithParamInterface<std::string> {};

TEST_P(ExampleTest, JournalMatchesExpected) {
  if (!PROVA_GUESTS_BUILT) GTEST_SKIP() << "guests are not built in this configuration";
  const std::string name = GetParam();
  fs::path source = ExampleSource(name);
  std::string input_arg;
  for (const char* candidate : {"input.bin", "sample.bin"}) {
    if (fs::exists(source / candidate)) input_arg = " --input " + (source / candidate).string();
  }
  fs::path journal = dir_ / "journal.bin";
  CommandResult run =
      Prova("execute " + ExampleElf(name).string() + input_arg + " --journal " + journal.string());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(ReadFileBytes(journal.string()),
            ReadFileBytes((source / "expected_journal.bin").string()));
  EXPECT_NE(run.err.find("guest exited with code 0"), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleTest, testing::Values("hello", "mlp", "sha256"));

TEST_F(CliTest, JsonSummaryDescribesTheRun) {
  if (!PROVA_GUESTS_BUILT) GTEST_SKIP() << "guests are not built in this configuration";
  fs::path source = ExampleSource("sha256");
  CommandResult run = Prova("execute " + ExampleElf("sha256").string() + " --json --input " +
                            (source / "input.bin").string());
  ASSERT_EQ(run.status, 0) << run.err;
  nlohmann::json summary = nlohmann::json::parse(run.err);
  EXPECT_EQ(summary["status"], "exited");
  EXPECT_EQ(summary["exit_code"], 0);
  EXPECT_GT(summary["cycles"].get<uint64_t>(), 1000u);
  std::vector<uint8_t> expected = ReadFileBytes((source / "expected_journal.bin").string());
  EXPECT_EQ(summary["journal_hex"], ToHex(expected));
  EXPECT_EQ(summary["journal_len"], expected.size());
}

TEST_F(CliTest, CycleLimitStopsTheGuestWithItsOwnStatus) {
  if (!PROVA_GUESTS_BUILT) GTEST_SKIP() << "guests are not built in this configuration";
  CommandResult run =
      Prova("execute " + ExampleElf("mlp").string() + " --max-cycles 1000 --json --input " +
            (ExampleSource("mlp") / "sample.bin").string());
  EXPECT_EQ(run.status, 240) << run.err;
  nlohmann::json summary = nlohmann::json::parse(run.err);
  EXPECT_EQ(summary["status"], "fault");
  EXPECT_EQ(summary["cycles"], 1000);
}

TEST_F(CliTest, TruncatedElfIsRejectedWithAClearMessage) {
  if (!PROVA_GUESTS_BUILT) GTEST_SKIP() << "guests are not built in this configuration";
  std::vector<uint8_t> elf = ReadFileBytes(ExampleElf("hello").string());
  elf.resize(100);
  fs::path broken = dir_ / "broken.elf";
  WriteFileAtomic(broken.string(), elf);
  CommandResult run = Prova("execute " + broken.string());
  EXPECT_EQ(run.status, 250);
  EXPECT_NE(run.err.find("ELF"), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << "one clear line: " << run.err;
}

TEST_F(CliTest, NotAnElfIsRejected) {
  fs::path text = dir_ / "text.elf";
  std::string content = "this is not an ELF file at all, just some text\n";
  WriteFileAtomic(text.string(),
                  std::span(reinterpret_cast<const uint8_t*>(content.data()), content.size()));
  CommandResult run = Prova("execute " + text.string());
  EXPECT_EQ(run.status, 250);
  EXPECT_NE(run.err.find("ELF"), std::string::npos) << run.err;
}

TEST_F(CliTest, MissingFileNamesThePath) {
  CommandResult run = Prova("execute /nonexistent/guest.elf");
  EXPECT_EQ(run.status, 250);
  EXPECT_NE(run.err.find("/nonexistent/guest.elf"), std::string::npos) << run.err;
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(Prova("").status, 2);
  EXPECT_EQ(Prova("execute").status, 2);
  EXPECT_EQ(Prova("execute a.elf --max-cycles notanumber").status, 2);
  EXPECT_EQ(Prova("frobnicate").status, 2);
}

TEST_F(CliTest, HelpIsAvailableForEveryCommand) {
  CommandResult top = Prova("--help");
  EXPECT_EQ(top.status, 0);
  EXPECT_NE(top.out.find("execute"), std::string::npos);
  CommandResult execute = Prova("execute --help");
  EXPECT_EQ(execute.status, 0);
  EXPECT_NE(execute.out.find("--max-cycles"), std::string::npos);
}

}  // namespace
}  // namespace prova
