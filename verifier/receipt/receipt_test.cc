#include "verifier/receipt/receipt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "common/error.h"
#include "verifier/receipt/testing.h"

// GCC sees the replacement below pair operator new with free() and warns; malloc/free is exactly
// the pairing a replacement operator new must use.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Records the largest single allocation while tracking is on, so tests can assert that hostile
// length fields are rejected before anything of that size is allocated.
namespace {
std::atomic<bool> g_track_allocations{false};
std::atomic<size_t> g_largest_allocation{0};
}  // namespace

void* operator new(size_t size) {
  if (g_track_allocations.load(std::memory_order_relaxed)) {
    size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
    while (size > seen && !g_largest_allocation.compare_exchange_weak(seen, size)) {
    }
  }
  if (size == 0) size = 1;
  if (void* p = std::malloc(size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace prova::receipt {
namespace {

using testing::MakeFakeReceipt;

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

void PutU32(std::vector<uint8_t>& bytes, size_t offset, uint32_t x) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<uint8_t>(x >> (8 * i));
}

std::string DecodeError(std::span<const uint8_t> bytes) {
  try {
    DecodeReceipt(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Largest allocation made while decoding; the decode must fail.
size_t LargestAllocationOfFailingDecode(std::span<const uint8_t> bytes) {
  g_largest_allocation = 0;
  g_track_allocations = true;
  bool threw = false;
  try {
    DecodeReceipt(bytes);
  } catch (const Error&) {
    threw = true;
  }
  g_track_allocations = false;
  EXPECT_TRUE(threw);
  return g_largest_allocation;
}

TEST(ReceiptTest, RoundTripUncompressed) {
  Receipt receipt = MakeFakeReceipt(Bytes("hello, journal"), 5);
  std::vector<uint8_t> bytes = EncodeReceipt(receipt);
  EXPECT_EQ(bytes.size(), 176 + receipt.journal.size() + receipt.seal.bytes.size());
  DecodedReceipt decoded = DecodeReceipt(bytes);
  EXPECT_EQ(decoded.receipt, receipt);
  EXPECT_EQ(decoded.version, kReceiptVersion);
  EXPECT_FALSE(decoded.seal_compressed);
  EXPECT_EQ(decoded.seal_stored_bytes, receipt.seal.bytes.size());
  // Encoding is deterministic.
  EXPECT_EQ(EncodeReceipt(decoded.receipt), bytes);
}

TEST(ReceiptTest, RoundTripCompressed) {
  Receipt receipt = MakeFakeReceipt(Bytes("journal"), 0, 20000);
  std::vector<uint8_t> bytes = EncodeReceipt(receipt, {.compress_seal = true});
  DecodedReceipt decoded = DecodeReceipt(bytes);
  EXPECT_EQ(decoded.receipt, receipt);
  EXPECT_TRUE(decoded.seal_compressed);
  EXPECT_LT(decoded.seal_stored_bytes, receipt.seal.bytes.size());
  EXPECT_EQ(bytes.size(), 176 + receipt.journal.size() + decoded.seal_stored_bytes);
}

TEST(ReceiptTest, RoundTripEmptyJournalAndSeal) {
  for (bool compress : {false, true}) {
    Receipt receipt = MakeFakeReceipt({}, 0, 0);
    EXPECT_EQ(DecodeReceipt(EncodeReceipt(receipt, {.compress_seal = compress})).receipt, receipt);
  }
}

TEST(ReceiptTest, ByteLayout) {
  Receipt receipt = MakeFakeReceipt(Bytes("abc"), 9, 10);
  receipt.seal.kind = 0x01020304;
  receipt.seal.version = 0x0a0b0c0d;
  std::vector<uint8_t> bytes = EncodeReceipt(receipt);
  ASSERT_EQ(bytes.size(), 176u + 3 + 10);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "PROVARCP");
  EXPECT_EQ(bytes[8], kReceiptVersion);
  EXPECT_EQ(bytes[12], 0);  // flags
  auto claim = EncodeClaim(receipt.claim);
  EXPECT_TRUE(std::equal(claim.begin(), claim.end(), bytes.begin() + 16));
  EXPECT_EQ(bytes[156], 3);  // journal length
  EXPECT_EQ(bytes[160], 'a');
  EXPECT_EQ(bytes[163], 0x04);  // seal kind, little-endian
  EXPECT_EQ(bytes[167], 0x0d);  // seal version
  EXPECT_EQ(bytes[171], 10);    // stored length
  EXPECT_EQ(bytes[175], 10);    // uncompressed length
  EXPECT_TRUE(
      std::equal(receipt.seal.bytes.begin(), receipt.seal.bytes.end(), bytes.begin() + 179));
}

TEST(ReceiptTest, EveryTruncationIsRejected) {
  for (bool compress : {false, true}) {
    std::vector<uint8_t> bytes =
        EncodeReceipt(MakeFakeReceipt(Bytes("journal bytes"), 1, 300), {.compress_seal = compress});
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_NE(DecodeError(std::span(bytes).first(n)), "") << "prefix of " << n << " bytes";
    }
  }
}

TEST(ReceiptTest, TrailingBytesAreRejected) {
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("j")));
  bytes.push_back(0);
  EXPECT_NE(DecodeError(bytes).find("trailing"), std::string::npos);
}

TEST(ReceiptTest, HeaderErrorsAreNamed) {
  std::vector<uint8_t> good = EncodeReceipt(MakeFakeReceipt(Bytes("j")));
  std::vector<uint8_t> bytes = good;
  bytes[0] = 'X';
  EXPECT_NE(DecodeError(bytes).find("magic"), std::string::npos);
  bytes = good;
  PutU32(bytes, 8, 2);
  EXPECT_NE(DecodeError(bytes).find("unsupported format version 2"), std::string::npos);
  bytes = good;
  PutU32(bytes, 12, 1u << 5);
  EXPECT_NE(DecodeError(bytes).find("unknown flags"), std::string::npos);
  // A receipt marked compressed whose seal is not a zstd frame.
  bytes = good;
  PutU32(bytes, 12, kFlagSealZstd);
  EXPECT_NE(DecodeError(bytes).find("zstd"), std::string::npos);
  EXPECT_NE(DecodeError({}).find("truncated"), std::string::npos);
}

TEST(ReceiptTest, UncompressedLengthsMustAgree) {
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("j")));
  PutU32(bytes, 176 + 1 - 4, 599);
  EXPECT_NE(DecodeError(bytes).find("lengths differ"), std::string::npos);
}

TEST(ReceiptTest, OversizeJournalLengthIsRejectedWithoutAllocation) {
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("j")));
  for (uint32_t length :
       {uint32_t{0xffffffff}, uint32_t{kMaxJournalBytes + 1}, uint32_t{1 << 20}}) {
    PutU32(bytes, 156, length);
    EXPECT_LT(LargestAllocationOfFailingDecode(bytes), 4096u) << length;
  }
  PutU32(bytes, 156, 0xffffffff);
  EXPECT_NE(DecodeError(bytes).find("journal length exceeds"), std::string::npos);
}

TEST(ReceiptTest, OversizeSealLengthsAreRejectedWithoutAllocation) {
  std::vector<uint8_t> bytes = EncodeReceipt(MakeFakeReceipt(Bytes("j")));
  const size_t stored_at = 160 + 1 + 8, raw_at = stored_at + 4;
  for (uint32_t length : {uint32_t{0xffffffff}, uint32_t{kMaxSealBytes + 1}, uint32_t{100 << 20}}) {
    std::vector<uint8_t> hostile = bytes;
    PutU32(hostile, stored_at, length);
    PutU32(hostile, raw_at, length);
    EXPECT_LT(LargestAllocationOfFailingDecode(hostile), 4096u) << length;
  }
}

TEST(ReceiptTest, CompressedSealMustDeclareTheHeaderSizeBeforeAllocation) {
  std::vector<uint8_t> bytes =
      EncodeReceipt(MakeFakeReceipt(Bytes("j"), 0, 5000), {.compress_seal = true});
  const size_t raw_at = 160 + 1 + 12;
  // The header claims a 10 MiB seal (within kMaxSealBytes); the frame declares 5000 bytes:
  // rejected before allocating.
  PutU32(bytes, raw_at, 10 << 20);
  EXPECT_LT(LargestAllocationOfFailingDecode(bytes), 4096u);
  EXPECT_NE(DecodeError(bytes).find("does not match the header"), std::string::npos);
}

TEST(ReceiptTest, EncoderRejectsOversizeJournal) {
  Receipt receipt = MakeFakeReceipt({});
  receipt.journal.resize(kMaxJournalBytes + 1);
  EXPECT_THROW(EncodeReceipt(receipt), Error);
}

TEST(ReceiptTest, SealKindNames) {
  EXPECT_EQ(SealKindName(1), "rv32im-stark");
  EXPECT_EQ(SealKindName(12345), "unknown");
}

}  // namespace
}  // namespace prova::receipt
