#pragma once

// The receipt: a claim, the journal it commits to and the seal (the proof) of the claim, in one
// versioned binary file. Byte layout (docs/receipt.md), integers little-endian:
//
//   offset    size  field
//   0         8     magic "PROVARCP"
//   8         4     format version (kReceiptVersion)
//   12        4     flags: bit 0 = the seal is zstd-compressed; every other bit must be zero
//   16        140   claim (EncodeClaim)
//   156       4     journal length J (<= kMaxJournalBytes)
//   160       J     journal
//   160+J     4     seal kind (SealKind)
//   164+J     4     seal version (owned by the layer that produced the seal)
//   168+J     4     stored seal length S (<= kMaxSealBytes)
//   172+J     4     uncompressed seal length R (<= kMaxSealBytes; R == S when not compressed)
//   176+J     S     seal bytes, or one zstd frame whose content size is R
//   176+J+S         end of file: trailing bytes are rejected
//
// Decoding checks every length against its cap and against the bytes that remain before
// allocating anything, so hostile bytes can neither crash the decoder nor make it allocate more
// than the caps (the largest allocation is the decompressed seal, at most kMaxSealBytes, and only
// after the zstd frame header has declared exactly R bytes of content).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "verifier/receipt/claim.h"

namespace prova::receipt {

inline constexpr char kReceiptMagic[8] = {'P', 'R', 'O', 'V', 'A', 'R', 'C', 'P'};
inline constexpr uint32_t kReceiptVersion = 1;
inline constexpr uint32_t kFlagSealZstd = 1u << 0;
inline constexpr uint32_t kKnownFlags = kFlagSealZstd;

inline constexpr size_t kMaxJournalBytes = size_t{64} << 20;
// Twice the STARK proof's cap (stark::kMaxProofBytes) and its image parts: a compressed seal
// cannot make a verifier allocate much more than any seal it could accept.
inline constexpr size_t kMaxSealBytes = size_t{16} << 20;
inline constexpr size_t kReceiptHeaderSize = 16;
inline constexpr size_t kSealHeaderSize = 16;
// The largest well-formed receipt (an uncompressed seal of the maximum size).
inline constexpr size_t kMaxReceiptBytes =
    kReceiptHeaderSize + kClaimEncodedSize + 4 + kMaxJournalBytes + kSealHeaderSize + kMaxSealBytes;

// What kind of proof a seal is; new kinds (segment proofs, recursion proofs) get new numbers so
// that receipts of every kind share one file format.
enum class SealKind : uint32_t {
  kRv32imStark = 1,  // a whole-program RV32IM STARK (verifier/rv32im/verify.h)
};
std::string_view SealKindName(uint32_t kind);  // "unknown" for numbers not listed above

struct Seal {
  uint32_t kind = 0;
  uint32_t version = 0;
  std::vector<uint8_t> bytes;  // always uncompressed in memory

  friend bool operator==(const Seal&, const Seal&) = default;
};

struct Receipt {
  ExecutionClaim claim;
  std::vector<uint8_t> journal;
  Seal seal;

  friend bool operator==(const Receipt&, const Receipt&) = default;
};

struct EncodeOptions {
  bool compress_seal = false;
  int zstd_level = 19;
};

// Throws prova::Error if a length exceeds its cap.
std::vector<uint8_t> EncodeReceipt(const Receipt& receipt, const EncodeOptions& options = {});

// A decoded receipt and facts about its encoding that `prova inspect` reports.
struct DecodedReceipt {
  uint32_t version = 0;
  bool seal_compressed = false;
  size_t seal_stored_bytes = 0;  // S: the seal's size in the file
  Receipt receipt;
};

// Structural decoding only: the journal digest, the image ID and the seal are checked by
// VerifyReceipt. Throws prova::Error("receipt: <reason>") on malformed bytes; never aborts.
DecodedReceipt DecodeReceipt(std::span<const uint8_t> bytes);

}  // namespace prova::receipt
