// The inference guest (examples/fashion) in the Prova emulator agrees bit for bit with the host
// build of the same integer code, in both weight modes; bad private input is rejected.
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/graph.h"
#include "model/runtime.h"
#include "vm/elf_loader.h"
#include "vm/machine.h"

namespace prova::model {
namespace {

std::string Source(const std::string& name) {
  return std::string(PROVA_SOURCE_DIR) + "/examples/fashion/" + name;
}

std::string Elf(const std::string& name) {
  return std::string(PROVA_FASHION_BINARY_DIR) + "/" + name + ".elf";
}

#define REQUIRE_ELF(name)                                                                  \
  do {                                                                                     \
    if (!std::filesystem::exists(Elf(name))) GTEST_SKIP() << Elf(name) << " is not built"; \
  } while (0)

vm::ExecuteResult RunGuest(const std::string& name, std::span<const uint8_t> input) {
  const vm::ProgramImage image = vm::LoadElf(ReadFileBytes(Elf(name)));
  vm::ExecuteOptions options;
  options.input = input;
  return vm::Execute(image, options);
}

class InferenceGuestTest : public testing::TestWithParam<std::string> {};

TEST_P(InferenceGuestTest, EmbeddedWeightsMatchHost) {
  const std::string model_name = GetParam();
  REQUIRE_ELF("fashion_" + model_name);
  HostModel model = HostModel::FromFile(Source(model_name + ".pvm"));
  for (int sample = 0; sample < 4; ++sample) {
    const std::vector<uint8_t> pixels = ReadFileBytes(Source(fmt::format("sample_{}.bin", sample)));
    for (uint32_t flags : {0u, kFlagRevealInput}) {
      const auto input = GuestInput(model, WeightsMode::kEmbedded, pixels, flags);
      const vm::ExecuteResult result = RunGuest("fashion_" + model_name, input);
      ASSERT_EQ(result.status, vm::ExecuteResult::kExited);
      ASSERT_EQ(result.exit_code, 0u)
          << std::string(result.stderr_bytes.begin(), result.stderr_bytes.end());
      EXPECT_EQ(result.journal, ExpectedJournal(model, WeightsMode::kEmbedded, pixels, flags))
          << "sample " << sample << " flags " << flags;
      if (flags == 0) {
        // The committed expected journals.
        EXPECT_EQ(
            result.journal,
            ReadFileBytes(Source(fmt::format("expected_journal_{}_{}.bin", model_name, sample))));
      }
    }
  }
}

TEST_P(InferenceGuestTest, PrivateWeightsMatchHost) {
  REQUIRE_ELF("fashion");
  HostModel model = HostModel::FromFile(Source(GetParam() + ".pvm"));
  const std::vector<uint8_t> pixels = ReadFileBytes(Source("sample_2.bin"));
  for (uint32_t flags : {0u, kFlagRevealInput}) {
    const auto input = GuestInput(model, WeightsMode::kPrivate, pixels, flags);
    const vm::ExecuteResult result = RunGuest("fashion", input);
    ASSERT_EQ(result.status, vm::ExecuteResult::kExited);
    ASSERT_EQ(result.exit_code, 0u);
    EXPECT_EQ(result.journal, ExpectedJournal(model, WeightsMode::kPrivate, pixels, flags));
  }
}

INSTANTIATE_TEST_SUITE_P(Fashion, InferenceGuestTest, testing::Values("mlp", "cnn"));

// examples/fashion/input.bin and expected_journal.bin follow the other examples' convention
// (fashion.elf, private weights: the CNN and test image 0).
TEST(InferenceGuestExampleTest, CommittedInputGivesExpectedJournal) {
  REQUIRE_ELF("fashion");
  const vm::ExecuteResult result = RunGuest("fashion", ReadFileBytes(Source("input.bin")));
  ASSERT_EQ(result.exit_code, 0u);
  EXPECT_EQ(result.journal, ReadFileBytes(Source("expected_journal.bin")));
}

TEST(InferenceGuestRejectTest, BadPrivateInput) {
  REQUIRE_ELF("fashion");
  HostModel model = HostModel::FromFile(Source("mlp.pvm"));
  const std::vector<uint8_t> pixels = ReadFileBytes(Source("sample_0.bin"));
  const std::vector<uint8_t> good = GuestInput(model, WeightsMode::kPrivate, pixels, 0);

  std::vector<uint8_t> bad_magic = good;
  bad_magic[8] ^= 0xff;  // first byte of the model
  vm::ExecuteResult r = RunGuest("fashion", bad_magic);
  EXPECT_EQ(r.exit_code, 3u);
  EXPECT_TRUE(r.journal.empty());

  // Declared model size one short: the model fails validation (file size mismatch).
  std::vector<uint8_t> short_model = good;
  short_model[4] -= 1;
  r = RunGuest("fashion", short_model);
  EXPECT_EQ(r.exit_code, 3u);

  std::vector<uint8_t> extra = good;
  extra.push_back(0);
  EXPECT_EQ(RunGuest("fashion", extra).exit_code, 2u);

  std::vector<uint8_t> truncated(good.begin(), good.end() - 1);
  EXPECT_EQ(RunGuest("fashion", truncated).exit_code, 100u);  // PROVA_EXIT_INPUT_SHORT

  std::vector<uint8_t> unknown_flag = good;
  unknown_flag[0] = 0x80;
  EXPECT_EQ(RunGuest("fashion", unknown_flag).exit_code, 2u);
}

}  // namespace
}  // namespace prova::model
