// Receipts around real RV32IM proofs (a small program assembled here, proved with the fast test
// configuration): they verify, and any other image ID, journal, exit code, entry pc, flipped byte
// or random mutation is rejected. Needs the prover, so it is built only with prover/ and vm/.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "prover/receipt/prove_receipt.h"
#include "verifier/receipt/verify_receipt.h"
#include "vm/assembler.h"

namespace prova::receipt {
namespace {

using namespace vm::rv32;  // NOLINT: register names and encoders

// Commits 6 journal bytes from the data segment and exits with 42.
vm::ProgramImage JournalProgram() {
  Code c;
  c << Lui(s0, 0x20000);
  c << Addi(a0, zero, 3) << Addi(a1, s0, 0) << Addi(a2, zero, 6) << Addi(a7, zero, 64) << Ecall();
  c << Addi(a0, zero, 42) << Addi(a7, zero, 93) << Ecall();
  return MakeImage(c.words(), {'p', 'r', 'o', 'v', 'a', '!', 0, 0}, 8);
}

SealVerifier TestSealVerifier() {
  return [](const Seal& seal, const ExecutionClaim& claim, std::span<const uint8_t> journal) {
    return VerifySeal(seal, claim, journal, stark::TestConfig());
  };
}

class ReceiptProofTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    rv32im::ProveExecutionOptions options;
    options.config = stark::TestConfig();
    proved_ = new ProvedReceipt(ProveReceipt(JournalProgram(), {}, options));
  }
  static void TearDownTestSuite() {
    delete proved_;
    proved_ = nullptr;
  }

  static const Receipt& receipt() { return proved_->receipt; }
  static stark::VerifyResult Check(std::span<const uint8_t> bytes,
                                   std::optional<std::span<const uint8_t>> journal = {}) {
    return VerifyReceiptWith(bytes, receipt().claim.image_id, journal, TestSealVerifier());
  }

  static ProvedReceipt* proved_;
};
ProvedReceipt* ReceiptProofTest::proved_ = nullptr;

TEST_F(ReceiptProofTest, VerifiesInBothEncodings) {
  EXPECT_EQ(std::string(receipt().journal.begin(), receipt().journal.end()), "prova!");
  EXPECT_EQ(receipt().claim.exit_code, 42u);
  EXPECT_EQ(receipt().claim.pre_state.pc, JournalProgram().entry);
  for (bool compress : {false, true}) {
    std::vector<uint8_t> bytes = EncodeReceipt(receipt(), {.compress_seal = compress});
    stark::VerifyResult result = Check(bytes, receipt().journal);
    EXPECT_TRUE(result.ok) << result.reason;
  }
}

TEST_F(ReceiptProofTest, DefaultConfigurationRejectsATestConfigurationProof) {
  std::vector<uint8_t> bytes = EncodeReceipt(receipt());
  stark::VerifyResult result = VerifyReceipt(bytes, receipt().claim.image_id, std::nullopt);
  EXPECT_FALSE(result.ok);
}

TEST_F(ReceiptProofTest, RejectsAnotherImageJournalOrExitCode) {
  std::vector<uint8_t> bytes = EncodeReceipt(receipt());
  Sha256Digest other = receipt().claim.image_id;
  other[0] ^= 1;
  EXPECT_FALSE(VerifyReceiptWith(bytes, other, std::nullopt, TestSealVerifier()).ok);
  std::vector<uint8_t> journal = receipt().journal;
  journal[2] ^= 1;
  EXPECT_FALSE(Check(bytes, journal).ok);

  // A claim edited consistently (journal digest recomputed) is still rejected by the proof.
  Receipt forged = receipt();
  forged.journal[0] = 'P';
  forged.claim.journal_digest = Sha256(forged.journal);
  stark::VerifyResult result = Check(EncodeReceipt(forged));
  EXPECT_FALSE(result.ok);
  forged = receipt();
  forged.claim.exit_code = 0;
  result = Check(EncodeReceipt(forged));
  EXPECT_FALSE(result.ok);
  forged = receipt();
  forged.claim.pre_state.pc += 4;
  result = Check(EncodeReceipt(forged));
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.reason.find("entry pc"), std::string::npos) << result.reason;
  forged = receipt();
  forged.seal.version += 1;
  EXPECT_FALSE(Check(EncodeReceipt(forged)).ok);
}

// A seal of the previous format (version 7: LogUp running sums in columns of their own) inside a
// current receipt header is refused by name, not by a failing check somewhere in the proof.
TEST_F(ReceiptProofTest, AnOlderSealFormatIsRejectedByName) {
  Receipt old = receipt();
  ASSERT_GE(old.seal.bytes.size(), 8u);
  old.seal.bytes[4] = static_cast<uint8_t>(rv32im::kSealVersion - 1);  // u32 little-endian
  const stark::VerifyResult result = Check(EncodeReceipt(old));
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, "seal: unsupported version " + std::to_string(rv32im::kSealVersion - 1));
}

// Every byte of the header, claim, journal and seal header, and bytes spread over the seal.
TEST_F(ReceiptProofTest, FlippedBytesAreRejected) {
  std::vector<uint8_t> bytes = EncodeReceipt(receipt());
  const size_t seal_start = 176 + receipt().journal.size();
  std::vector<size_t> offsets;
  for (size_t i = 0; i < seal_start + 64; ++i) offsets.push_back(i);
  for (size_t i = seal_start + 64; i < bytes.size(); i += bytes.size() / 97) offsets.push_back(i);
  offsets.push_back(bytes.size() - 1);
  for (size_t i : offsets) {
    std::vector<uint8_t> flipped = bytes;
    flipped[i] ^= 0x04;
    stark::VerifyResult result = Check(flipped);
    EXPECT_FALSE(result.ok) << "byte " << i;
    EXPECT_FALSE(result.reason.empty()) << "byte " << i;
  }
}

TEST_F(ReceiptProofTest, RandomMutationsAreRejected) {
  std::vector<uint8_t> bytes = EncodeReceipt(receipt());
  std::mt19937_64 rng(4);
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> mutated = bytes;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      mutated[rng() % mutated.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    if (rng() % 8 == 0) mutated.resize(rng() % mutated.size());
    stark::VerifyResult result = Check(mutated);
    EXPECT_FALSE(result.ok) << "mutation " << i;
  }
}

}  // namespace
}  // namespace prova::receipt
