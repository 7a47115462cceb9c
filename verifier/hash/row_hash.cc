#include "verifier/hash/row_hash.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>

#include "common/error.h"
#include "verifier/field/packed_babybear.h"

namespace prova::hash {
namespace {

// The words are hashed as they lie in memory, which is their little-endian encoding here.
static_assert(std::endian::native == std::endian::little);
static_assert(sizeof(BabyBear) == sizeof(uint32_t));

// OpenSSL failing is the environment's fault, not the input's (a configuration without SHA-256);
// the message says which, and a verifier still fails closed.
[[noreturn]] void Fail() {
  char reason[256] = "no reason given";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    ERR_error_string_n(code, reason, sizeof(reason));
  }
  ERR_clear_error();
  throw Error(std::string("SHA-256 (OpenSSL) failed to hash a row: ") + reason);
}

const EVP_MD* Sha256() {
  // Fetched once: an implicit fetch by name on every row would cost about as much as the hash.
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  if (md == nullptr) Fail();
  return md;
}

}  // namespace

void RowHasher::FreeContext::operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }

RowHasher::RowHasher() : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr || EVP_DigestInit_ex2(context_.get(), Sha256(), nullptr) != 1) Fail();
}

void RowHasher::Absorb(std::span<const BabyBear> elements) {
  constexpr size_t kChunk = 64;
  std::array<uint32_t, kChunk> values;
  for (size_t i = 0; i < elements.size(); i += kChunk) {
    const std::span<const BabyBear> part =
        elements.subspan(i, std::min(kChunk, elements.size() - i));
    CanonicalValues(part, values);
    AbsorbCanonical(std::span<const uint32_t>(values.data(), part.size()));
  }
}

void RowHasher::AbsorbCanonical(std::span<const uint32_t> values) {
  if (EVP_DigestUpdate(context_.get(), values.data(), values.size_bytes()) != 1) Fail();
}

Digest RowHasher::Finalize() {
  std::array<unsigned char, 32> bytes;
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_.get(), bytes.data(), &length) != 1 || length != bytes.size() ||
      EVP_DigestInit_ex2(context_.get(), nullptr, nullptr) != 1) {
    Fail();
  }
  Digest digest;
  for (size_t i = 0; i < kDigestElements; ++i) {
    uint32_t word;
    std::memcpy(&word, bytes.data() + 4 * i, sizeof(word));
    digest[i] = BabyBear::from_canonical(word);  // reduces any 32-bit value mod p
  }
  return digest;
}

Digest RowHash(std::span<const BabyBear> elements) {
  RowHasher hasher;
  hasher.Absorb(elements);
  return hasher.Finalize();
}

void CanonicalValues(std::span<const BabyBear> elements, std::span<uint32_t> out) {
  PROVA_CHECK(out.size() >= elements.size(), "canonical values: output too short");
  using Packed = BabyBear::Packed;
  // The Montgomery product by the element whose representation is 1 divides by 2^32 mod p, which
  // turns a Montgomery representation x 2^32 into x.
  const Packed raw_one(BabyBear::from_monty(1));
  std::array<BabyBear, Packed::kWidth> lanes;
  size_t i = 0;
  for (; i + Packed::kWidth <= elements.size(); i += Packed::kWidth) {
    (Packed::load(&elements[i]) * raw_one).store(lanes.data());
    std::memcpy(&out[i], lanes.data(), sizeof(lanes));
  }
  for (; i < elements.size(); ++i) out[i] = elements[i].as_canonical();
}

}  // namespace prova::hash
