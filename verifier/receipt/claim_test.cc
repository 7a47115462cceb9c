#include "verifier/receipt/claim.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/file_io.h"

namespace prova::receipt {
namespace {

std::span<const uint8_t> Text(const std::string& s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

ExecutionClaim SampleClaim() {
  ExecutionClaim claim;
  for (size_t i = 0; i < 32; ++i) {
    claim.image_id[i] = static_cast<uint8_t>(i);
    claim.journal_digest[i] = static_cast<uint8_t>(0x40 + i);
    claim.pre_state.memory_root[i] = static_cast<uint8_t>(0x80 + i);
    claim.post_state.memory_root[i] = static_cast<uint8_t>(0xc0 + i);
  }
  claim.exit_code = 0x01020304;
  claim.pre_state.pc = 0x11223344;
  claim.post_state.pc = 0x55667788;
  return claim;
}

TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(ToHex(Sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256(Text("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, TaggedHashIsHashOfTagDigestThenParts) {
  Sha256Digest tag = Sha256(Text("tag"));
  std::vector<uint8_t> preimage(tag.begin(), tag.end());
  preimage.push_back('a');
  preimage.push_back('b');
  EXPECT_EQ(TaggedSha256("tag", {Text("a"), Text("b")}), Sha256(preimage));
  // Splitting the same bytes differently between parts does not matter; the tag does.
  EXPECT_EQ(TaggedSha256("tag", {Text("ab")}), TaggedSha256("tag", {Text("a"), Text("b")}));
  EXPECT_NE(TaggedSha256("tag", {Text("ab")}), TaggedSha256("tah", {Text("ab")}));
}

TEST(ClaimTest, EncodingLayoutIsFixed) {
  std::array<uint8_t, kClaimEncodedSize> bytes = EncodeClaim(SampleClaim());
  EXPECT_EQ(bytes[0], 0);
  EXPECT_EQ(bytes[31], 31);
  EXPECT_EQ(bytes[32], 0x40);
  EXPECT_EQ(bytes[64], 0x04);  // exit code, little-endian
  EXPECT_EQ(bytes[67], 0x01);
  EXPECT_EQ(bytes[68], 0x44);   // pre-state pc
  EXPECT_EQ(bytes[72], 0x80);   // pre-state memory root
  EXPECT_EQ(bytes[104], 0x88);  // post-state pc
  EXPECT_EQ(bytes[108], 0xc0);  // post-state memory root
  EXPECT_EQ(bytes[139], 0xdf);
}

TEST(ClaimTest, RoundTrip) {
  ExecutionClaim claim = SampleClaim();
  EXPECT_EQ(DecodeClaim(EncodeClaim(claim)), claim);
}

TEST(ClaimTest, EveryFieldChangesTheDigest) {
  const ExecutionClaim base = SampleClaim();
  std::set<Sha256Digest> digests{ClaimDigest(base)};
  // Flipping any bit of the encoding changes the claim, hence its digest.
  std::array<uint8_t, kClaimEncodedSize> bytes = EncodeClaim(base);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::array<uint8_t, kClaimEncodedSize> flipped = bytes;
    flipped[i] ^= 0x01;
    digests.insert(ClaimDigest(DecodeClaim(flipped)));
  }
  EXPECT_EQ(digests.size(), kClaimEncodedSize + 1);
}

TEST(ClaimTest, DigestIsTaggedAndCommitsToStateDigests) {
  ExecutionClaim claim = SampleClaim();
  uint8_t exit_code[4] = {0x04, 0x03, 0x02, 0x01};
  Sha256Digest pre = StateDigest(claim.pre_state), post = StateDigest(claim.post_state);
  EXPECT_EQ(ClaimDigest(claim),
            TaggedSha256(kExecutionClaimTag,
                         {claim.image_id, claim.journal_digest, exit_code, pre, post}));
  uint8_t pc[4] = {0x44, 0x33, 0x22, 0x11};
  EXPECT_EQ(pre, TaggedSha256(kSystemStateTag, {pc, claim.pre_state.memory_root}));
  // The claim digest is not the plain hash of its encoding.
  EXPECT_NE(ClaimDigest(claim), Sha256(EncodeClaim(claim)));
}

TEST(ClaimTest, SwappingPreAndPostStatesChangesTheDigest) {
  ExecutionClaim claim = SampleClaim();
  ExecutionClaim swapped = claim;
  std::swap(swapped.pre_state, swapped.post_state);
  EXPECT_NE(ClaimDigest(claim), ClaimDigest(swapped));
}

TEST(ClaimTest, WholeProgramClaimConvention) {
  std::string journal = "hello";
  Sha256Digest image_id = SampleClaim().image_id;
  ExecutionClaim claim = WholeProgramClaim(image_id, 0x10074, Text(journal), 3);
  EXPECT_EQ(claim.image_id, image_id);
  EXPECT_EQ(claim.journal_digest, Sha256(Text(journal)));
  EXPECT_EQ(claim.exit_code, 3u);
  EXPECT_EQ(claim.pre_state.pc, 0x10074u);
  EXPECT_EQ(claim.pre_state.memory_root, image_id);
  EXPECT_EQ(claim.post_state, HaltedState());
  EXPECT_EQ(HaltedState().pc, 0u);
  EXPECT_EQ(HaltedState().memory_root, Sha256Digest{});
}

}  // namespace
}  // namespace prova::receipt
