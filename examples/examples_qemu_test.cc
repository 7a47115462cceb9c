// Runs every example guest under qemu-riscv32 with its committed sample input and checks the
// journal against examples/<name>/expected_journal.bin, plus input-validation and differential
// checks (sha256 against OpenSSL).
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "guest-sdk/testing/qemu_runner.h"

namespace prova::guest_testing {
namespace {

#define REQUIRE_QEMU()                                                \
  do {                                                                \
    if (!QemuPath()) GTEST_SKIP() << "qemu-riscv32 is not installed"; \
  } while (0)

std::string Elf(const std::string& name) {
  return std::string(PROVA_EXAMPLES_BINARY_DIR) + "/" + name + "/" + name + ".elf";
}

std::string SourceFile(const std::string& name, const std::string& file) {
  return std::string(PROVA_EXAMPLES_SOURCE_DIR) + "/" + name + "/" + file;
}

struct Example {
  std::string name;
  std::string input_file;
};

class ExampleJournalTest : public testing::TestWithParam<Example> {};

TEST_P(ExampleJournalTest, SampleInputGivesExpectedJournal) {
  REQUIRE_QEMU();
  const Example& example = GetParam();
  std::vector<uint8_t> input = ReadFile(SourceFile(example.name, example.input_file));
  std::vector<uint8_t> expected = ReadFile(SourceFile(example.name, "expected_journal.bin"));
  ASSERT_FALSE(expected.empty());
  GuestRun run = RunUnderQemu(Elf(example.name), input);
  ASSERT_TRUE(run.exited) << run.stderr_text;
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.journal, expected);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleJournalTest,
                         testing::Values(Example{"hello", "input.bin"},
                                         Example{"mlp", "sample.bin"},
                                         Example{"sha256", "input.bin"}),
                         [](const testing::TestParamInfo<Example>& info) {
                           return info.param.name;
                         });

TEST(HelloExampleTest, PrintsGreeting) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Elf("hello"), {});
  EXPECT_EQ(run.stdout_text, "hello from a Prova guest\n");
}

std::vector<uint8_t> Sha256(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> digest(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), digest.data());
  return digest;
}

// Lengths around the padding boundaries (55/56/64 bytes) and across the guest's 4 KiB reads.
TEST(Sha256ExampleTest, MatchesOpenSsl) {
  REQUIRE_QEMU();
  std::mt19937 rng(7);
  for (size_t length : {0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 128, 4095, 4096, 4097, 10000}) {
    std::vector<uint8_t> data(length);
    for (uint8_t& byte : data) byte = static_cast<uint8_t>(rng());
    GuestRun run = RunUnderQemu(Elf("sha256"), data);
    ASSERT_TRUE(run.exited);
    EXPECT_EQ(run.exit_code, 0) << "length " << length;
    EXPECT_EQ(run.journal, Sha256(data)) << "length " << length;
  }
}

TEST(Sha256ExampleTest, ExpectedJournalIsTheRealDigest) {
  std::vector<uint8_t> input = ReadFile(SourceFile("sha256", "input.bin"));
  EXPECT_EQ(ReadFile(SourceFile("sha256", "expected_journal.bin")), Sha256(input));
}

TEST(MlpExampleTest, JournalLayoutAndClassMatchLogits) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Elf("mlp"), ReadFile(SourceFile("mlp", "sample.bin")));
  ASSERT_EQ(run.journal.size(), 44u);
  int32_t words[11];
  std::memcpy(words, run.journal.data(), sizeof(words));
  ASSERT_GE(words[0], 0);
  ASSERT_LT(words[0], 10);
  for (int k = 0; k < 10; ++k) {
    if (k < words[0]) {
      EXPECT_LT(words[1 + k], words[1 + words[0]]);  // the first maximum wins
    }
    EXPECT_LE(words[1 + k], words[1 + words[0]]);
  }
  EXPECT_NE(run.stdout_text.find("mlp: class"), std::string::npos);
}

TEST(MlpExampleTest, DifferentImageChangesJournal) {
  REQUIRE_QEMU();
  std::vector<uint8_t> image = ReadFile(SourceFile("mlp", "sample.bin"));
  for (uint8_t& pixel : image) pixel = static_cast<uint8_t>(255 - pixel);
  GuestRun run = RunUnderQemu(Elf("mlp"), image);
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.journal.size(), 44u);
  EXPECT_NE(run.journal, ReadFile(SourceFile("mlp", "expected_journal.bin")));
}

TEST(MlpExampleTest, RejectsShortInput) {
  REQUIRE_QEMU();
  std::vector<uint8_t> image = ReadFile(SourceFile("mlp", "sample.bin"));
  image.pop_back();
  GuestRun run = RunUnderQemu(Elf("mlp"), image);
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 100);  // PROVA_EXIT_INPUT_SHORT
  EXPECT_TRUE(run.journal.empty());
}

TEST(MlpExampleTest, RejectsLongInput) {
  REQUIRE_QEMU();
  std::vector<uint8_t> image = ReadFile(SourceFile("mlp", "sample.bin"));
  image.push_back(0);
  GuestRun run = RunUnderQemu(Elf("mlp"), image);
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.journal.empty());
}

}  // namespace
}  // namespace prova::guest_testing
