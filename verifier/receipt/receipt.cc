#include "verifier/receipt/receipt.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "common/error.h"

namespace prova::receipt {
namespace {

[[noreturn]] void Reject(const std::string& reason) { throw Error("receipt: " + reason); }

class Writer {
 public:
  void U32(uint32_t x) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(x >> (8 * i)));
  }
  void Bytes(std::span<const uint8_t> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
  std::vector<uint8_t> Take() { return std::move(out_); }
  void Reserve(size_t n) { out_.reserve(n); }

 private:
  std::vector<uint8_t> out_;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}

  uint32_t U32(const char* what) {
    std::span<const uint8_t> b = Bytes(4, what);
    uint32_t x = 0;
    for (int i = 0; i < 4; ++i) x |= static_cast<uint32_t>(b[i]) << (8 * i);
    return x;
  }
  // A view of the next n bytes; n is checked against what remains first, so a hostile length
  // can never reach an allocation.
  std::span<const uint8_t> Bytes(size_t n, const char* what) {
    if (in_.size() - pos_ < n) Reject(std::string("truncated in ") + what);
    std::span<const uint8_t> b = in_.subspan(pos_, n);
    pos_ += n;
    return b;
  }
  size_t Remaining() const { return in_.size() - pos_; }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

struct DecompressContextDeleter {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

std::vector<uint8_t> DecompressSeal(std::span<const uint8_t> frame, size_t raw_size) {
  // The frame must be exactly one zstd frame that declares its content size, and that size must
  // be the one the header states (and therefore within kMaxSealBytes) before anything is
  // allocated for it.
  size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size) || frame_size != frame.size()) {
    Reject("the compressed seal is not exactly one zstd frame");
  }
  unsigned long long content_size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (content_size == ZSTD_CONTENTSIZE_ERROR || content_size == ZSTD_CONTENTSIZE_UNKNOWN) {
    Reject("the compressed seal does not declare its size");
  }
  if (content_size != raw_size) {
    Reject("the compressed seal's size does not match the header");
  }
  std::unique_ptr<ZSTD_DCtx, DecompressContextDeleter> context(ZSTD_createDCtx());
  PROVA_CHECK(context != nullptr, "ZSTD_createDCtx failed");
  // Single-shot decompression writes straight into the output buffer; the window limit also
  // caps what the decoder may reserve for itself.
  ZSTD_DCtx_setParameter(context.get(), ZSTD_d_windowLogMax, 27);
  std::vector<uint8_t> raw(raw_size);
  size_t written =
      ZSTD_decompressDCtx(context.get(), raw.data(), raw.size(), frame.data(), frame.size());
  if (ZSTD_isError(written)) {
    Reject(std::string("the compressed seal is corrupt (") + ZSTD_getErrorName(written) + ")");
  }
  if (written != raw_size) Reject("the compressed seal's size does not match the header");
  return raw;
}

std::vector<uint8_t> CompressSeal(std::span<const uint8_t> raw, int level) {
  std::vector<uint8_t> out(ZSTD_compressBound(raw.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  PROVA_CHECK(!ZSTD_isError(n), "zstd compression failed");
  out.resize(n);
  return out;
}

}  // namespace

std::string_view SealKindName(uint32_t kind) {
  switch (static_cast<SealKind>(kind)) {
    case SealKind::kRv32imStark:
      return "rv32im-stark";
  }
  return "unknown";
}

std::vector<uint8_t> EncodeReceipt(const Receipt& receipt, const EncodeOptions& options) {
  if (receipt.journal.size() > kMaxJournalBytes) {
    throw Error("receipt: the journal is larger than " + std::to_string(kMaxJournalBytes) +
                " bytes");
  }
  if (receipt.seal.bytes.size() > kMaxSealBytes) {
    throw Error("receipt: the seal is larger than " + std::to_string(kMaxSealBytes) + " bytes");
  }
  std::vector<uint8_t> compressed;
  std::span<const uint8_t> stored = receipt.seal.bytes;
  if (options.compress_seal) {
    compressed = CompressSeal(receipt.seal.bytes, options.zstd_level);
    if (compressed.size() > kMaxSealBytes) throw Error("receipt: the compressed seal is too large");
    stored = compressed;
  }

  Writer w;
  w.Reserve(kReceiptHeaderSize + kClaimEncodedSize + 4 + receipt.journal.size() + kSealHeaderSize +
            stored.size());
  w.Bytes(std::span(reinterpret_cast<const uint8_t*>(kReceiptMagic), sizeof(kReceiptMagic)));
  w.U32(kReceiptVersion);
  w.U32(options.compress_seal ? kFlagSealZstd : 0);
  w.Bytes(EncodeClaim(receipt.claim));
  w.U32(static_cast<uint32_t>(receipt.journal.size()));
  w.Bytes(receipt.journal);
  w.U32(receipt.seal.kind);
  w.U32(receipt.seal.version);
  w.U32(static_cast<uint32_t>(stored.size()));
  w.U32(static_cast<uint32_t>(receipt.seal.bytes.size()));
  w.Bytes(stored);
  return w.Take();
}

DecodedReceipt DecodeReceipt(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  std::span<const uint8_t> magic = r.Bytes(sizeof(kReceiptMagic), "the magic header");
  if (std::memcmp(magic.data(), kReceiptMagic, sizeof(kReceiptMagic)) != 0) {
    Reject("not a Prova receipt (bad magic header)");
  }
  DecodedReceipt decoded;
  decoded.version = r.U32("the version");
  if (decoded.version != kReceiptVersion) {
    Reject("unsupported format version " + std::to_string(decoded.version) + " (this build reads " +
           std::to_string(kReceiptVersion) + ")");
  }
  uint32_t flags = r.U32("the flags");
  if ((flags & ~kKnownFlags) != 0) Reject("unknown flags " + std::to_string(flags));
  decoded.seal_compressed = (flags & kFlagSealZstd) != 0;

  Receipt& receipt = decoded.receipt;
  receipt.claim = DecodeClaim(r.Bytes(kClaimEncodedSize, "the claim").first<kClaimEncodedSize>());

  uint32_t journal_size = r.U32("the journal length");
  if (journal_size > kMaxJournalBytes) Reject("the journal length exceeds the limit");
  std::span<const uint8_t> journal = r.Bytes(journal_size, "the journal");
  receipt.journal.assign(journal.begin(), journal.end());

  receipt.seal.kind = r.U32("the seal kind");
  receipt.seal.version = r.U32("the seal version");
  uint32_t stored_size = r.U32("the seal length");
  uint32_t raw_size = r.U32("the seal length");
  if (stored_size > kMaxSealBytes || raw_size > kMaxSealBytes) {
    Reject("the seal length exceeds the limit");
  }
  if (!decoded.seal_compressed && stored_size != raw_size) {
    Reject("the stored and uncompressed seal lengths differ in an uncompressed receipt");
  }
  std::span<const uint8_t> stored = r.Bytes(stored_size, "the seal");
  if (r.Remaining() != 0) Reject("trailing bytes after the seal");
  decoded.seal_stored_bytes = stored_size;
  if (decoded.seal_compressed) {
    receipt.seal.bytes = DecompressSeal(stored, raw_size);
  } else {
    receipt.seal.bytes.assign(stored.begin(), stored.end());
  }
  return decoded;
}

}  // namespace prova::receipt
