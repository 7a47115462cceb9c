#include "verifier/rv32im/seal.h"

#include <cstring>
#include <string>

#include "common/error.h"
#include "verifier/field/babybear.h"

namespace prova::rv32im {
namespace {

void PutU32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint32_t U32() {
    if (bytes_.size() - pos_ < 4) throw Error("seal: truncated");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{bytes_[pos_ + i]} << (8 * i);
    pos_ += 4;
    return v;
  }
  std::span<const uint8_t> Bytes(size_t n) {
    if (bytes_.size() - pos_ < n) throw Error("seal: truncated");
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

constexpr uint32_t kMaxFixedTables = 64;

}  // namespace

std::vector<uint8_t> EncodeSeal(const Seal& seal) {
  std::vector<uint8_t> out(kSealMagic, kSealMagic + 4);
  PutU32(&out, kSealVersion);
  PutU32(&out, seal.image.entry_pc);
  PutU32(&out, seal.image.initial_sp);
  PutU32(&out, seal.image.image_end_word);
  for (const BabyBear& x : seal.image.preprocessed_root) PutU32(&out, x.as_canonical());
  PutU32(&out, static_cast<uint32_t>(seal.image.preprocessed_log_heights.size()));
  for (uint32_t h : seal.image.preprocessed_log_heights) PutU32(&out, h);
  PutU32(&out, static_cast<uint32_t>(seal.stark_proof.size()));
  out.insert(out.end(), seal.stark_proof.begin(), seal.stark_proof.end());
  return out;
}

Seal DecodeSeal(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  auto magic = r.Bytes(4);
  if (std::memcmp(magic.data(), kSealMagic, 4) != 0) throw Error("seal: bad magic");
  const uint32_t version = r.U32();
  if (version != kSealVersion) {
    throw Error("seal: unsupported version " + std::to_string(version));
  }
  Seal seal;
  seal.image.entry_pc = r.U32();
  seal.image.initial_sp = r.U32();
  seal.image.image_end_word = r.U32();
  for (BabyBear& x : seal.image.preprocessed_root) x = BabyBear::from_canonical_checked(r.U32());
  const uint32_t count = r.U32();
  if (count > kMaxFixedTables) throw Error("seal: too many fixed tables");
  for (uint32_t i = 0; i < count; ++i) seal.image.preprocessed_log_heights.push_back(r.U32());
  const uint32_t proof_size = r.U32();
  auto proof = r.Bytes(proof_size);
  seal.stark_proof.assign(proof.begin(), proof.end());
  if (!r.done()) throw Error("seal: trailing bytes");
  return seal;
}

}  // namespace prova::rv32im
