#include "verifier/receipt/verify_receipt.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "verifier/receipt/testing.h"

namespace prova::receipt {
namespace {

using testing::FakeSealVerifier;
using testing::MakeFakeReceipt;
using testing::TestImageId;

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

stark::VerifyResult Check(std::span<const uint8_t> bytes,
                          std::optional<std::span<const uint8_t>> expected_journal = std::nullopt,
                          const Sha256Digest& image_id = TestImageId(1)) {
  return VerifyReceiptWith(bytes, image_id, expected_journal, FakeSealVerifier);
}

TEST(VerifyReceiptTest, AcceptsAValidReceipt) {
  for (bool compress : {false, true}) {
    std::vector<uint8_t> journal = Bytes("the journal");
    std::vector<uint8_t> bytes =
        EncodeReceipt(MakeFakeReceipt(journal), {.compress_seal = compress});
    stark::VerifyResult result = Check(bytes);
    EXPECT_TRUE(result.ok) << result.reason;
    result = Check(bytes, journal);
    EXPECT_TRUE(result.ok) << result.reason;
  }
}

TEST(VerifyReceiptTest, RejectsAnotherImageId) {
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("j")));
  stark::VerifyResult result = Check(bytes, std::nullopt, TestImageId(2));
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.reason.find("image ID mismatch"), std::string::npos) << result.reason;
}

TEST(VerifyReceiptTest, RejectsAnotherExpectedJournal) {
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("journal")));
  for (const std::string& other :
       {std::string("journaL"), std::string("journa"), std::string("journal!"), std::string()}) {
    std::vector<uint8_t> expected = Bytes(other);
    stark::VerifyResult result = Check(bytes, expected);
    EXPECT_FALSE(result.ok) << other;
    EXPECT_NE(result.reason.find("journal mismatch"), std::string::npos) << result.reason;
  }
}

// The exit code is checked only when one is expected; the claim states it either way.
TEST(VerifyReceiptTest, RejectsAnotherExpectedExitCode) {
  const std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("journal"), 134));
  auto check = [&](std::optional<uint32_t> exit_code) {
    return VerifyReceiptWith(bytes, TestImageId(1), std::nullopt, FakeSealVerifier, exit_code);
  };
  EXPECT_TRUE(check(std::nullopt).ok) << check(std::nullopt).reason;
  EXPECT_TRUE(check(134).ok) << check(134).reason;
  for (const uint32_t other : {0u, 133u, 135u, 134u + 256u}) {
    const stark::VerifyResult result = check(other);
    EXPECT_FALSE(result.ok) << other;
    EXPECT_NE(result.reason.find("exit code mismatch"), std::string::npos) << result.reason;
  }
}

TEST(VerifyReceiptTest, RejectsAJournalThatDoesNotMatchItsDigest) {
  Receipt receipt = MakeFakeReceipt(Bytes("journal"));
  receipt.journal[0] ^= 1;
  stark::VerifyResult result = Check(EncodeReceipt(receipt));
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.reason.find("journal digest"), std::string::npos) << result.reason;
}

TEST(VerifyReceiptTest, RejectsClaimsThatAreNotWholeProgramClaims) {
  Receipt receipt = MakeFakeReceipt(Bytes("journal"));
  Receipt bad_pre = receipt;
  bad_pre.claim.pre_state.memory_root[3] ^= 1;
  bad_pre.seal.bytes = testing::FakeSealBytes(bad_pre.claim, bad_pre.seal.bytes.size());
  EXPECT_NE(Check(EncodeReceipt(bad_pre)).reason.find("pre-state"), std::string::npos);
  Receipt bad_post = receipt;
  bad_post.claim.post_state.pc = 4;
  bad_post.seal.bytes = testing::FakeSealBytes(bad_post.claim, bad_post.seal.bytes.size());
  EXPECT_NE(Check(EncodeReceipt(bad_post)).reason.find("post-state"), std::string::npos);
}

TEST(VerifyReceiptTest, ReportsDecodeErrorsAndSealErrorsAsRejections) {
  std::vector<uint8_t> garbage = Bytes("PROVARCP but not really a receipt");
  stark::VerifyResult result = Check(garbage);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason.rfind("receipt: ", 0), 0u) << result.reason;

  auto throwing = [](const Seal&, const ExecutionClaim&, std::span<const uint8_t>) {
    throw Error("deep decoder failure");
    return stark::VerifyResult{true, ""};
  };
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("j")));
  result = VerifyReceiptWith(bytes, TestImageId(1), std::nullopt, throwing);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.reason.find("deep decoder failure"), std::string::npos);
}

// Every single-byte change anywhere in an uncompressed receipt (header, claim, journal, seal
// header, seal) is rejected.
TEST(VerifyReceiptTest, EveryByteFlipIsRejected) {
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("a short journal"), 3, 400));
  ASSERT_TRUE(Check(bytes).ok);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> flipped = bytes;
      flipped[i] ^= mask;
      stark::VerifyResult result = Check(flipped);
      EXPECT_FALSE(result.ok) << "byte " << i << " mask " << int{mask};
      EXPECT_FALSE(result.reason.empty());
    }
  }
}

// In a compressed receipt every change outside the zstd frame is rejected. Inside the frame a few
// bits do not affect the decompressed output (zstd's format has such slack); such a change yields
// exactly the same claim, journal and seal, so it proves nothing new. Every other change is
// rejected.
TEST(VerifyReceiptTest, EveryByteFlipOfACompressedReceiptIsRejectedOrInert) {
  Receipt receipt = MakeFakeReceipt(Bytes("a short journal"), 3, 400);
  std::vector<uint8_t> bytes = EncodeReceipt(receipt, {.compress_seal = true});
  ASSERT_TRUE(Check(bytes).ok);
  const size_t frame_start = 176 + receipt.journal.size();
  int inert = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::vector<uint8_t> flipped = bytes;
      flipped[i] ^= mask;
      stark::VerifyResult result = Check(flipped);
      if (!result.ok) continue;
      EXPECT_GE(i, frame_start) << "byte " << i << " mask " << int{mask};
      EXPECT_EQ(DecodeReceipt(flipped).receipt, receipt) << "byte " << i;
      ++inert;
    }
  }
  EXPECT_LT(inert, 8);
}

}  // namespace
}  // namespace prova::receipt
