#include "verifier/rv32im/image_id.h"

#include <openssl/sha.h>

#include <cstring>

namespace prova::rv32im {
namespace {

void PutU32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

ImageId ImageIdFromParts(const ImageIdParts& parts) {
  std::vector<uint8_t> bytes(kImageIdDomain, kImageIdDomain + std::strlen(kImageIdDomain));
  PutU32(&bytes, parts.entry_pc);
  PutU32(&bytes, parts.initial_sp);
  PutU32(&bytes, parts.image_end_word);
  for (const BabyBear& x : parts.preprocessed_root) PutU32(&bytes, x.as_canonical());
  PutU32(&bytes, static_cast<uint32_t>(parts.preprocessed_log_heights.size()));
  for (uint32_t h : parts.preprocessed_log_heights) PutU32(&bytes, h);
  ImageId id{};
  SHA256(bytes.data(), bytes.size(), id.data());
  return id;
}

}  // namespace prova::rv32im
