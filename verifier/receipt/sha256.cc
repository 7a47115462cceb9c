#include "verifier/receipt/sha256.h"

#include <openssl/evp.h>

#include <memory>

#include "common/error.h"

namespace prova::receipt {
namespace {

struct ContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

class Hasher {
 public:
  Hasher() : context_(EVP_MD_CTX_new()) {
    PROVA_CHECK(context_ != nullptr, "EVP_MD_CTX_new failed");
    PROVA_CHECK(EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) == 1,
                "SHA-256 initialisation failed");
  }
  void Update(std::span<const uint8_t> bytes) {
    if (bytes.empty()) return;
    PROVA_CHECK(EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()) == 1,
                "SHA-256 update failed");
  }
  Sha256Digest Finish() {
    Sha256Digest digest{};
    unsigned int length = 0;
    PROVA_CHECK(
        EVP_DigestFinal_ex(context_.get(), digest.data(), &length) == 1 && length == digest.size(),
        "SHA-256 finalisation failed");
    return digest;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, ContextDeleter> context_;
};

}  // namespace

Sha256Digest Sha256(std::span<const uint8_t> bytes) {
  Hasher hasher;
  hasher.Update(bytes);
  return hasher.Finish();
}

Sha256Digest TaggedSha256(std::string_view tag,
                          std::initializer_list<std::span<const uint8_t>> parts) {
  Sha256Digest tag_digest =
      Sha256(std::span(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
  Hasher hasher;
  hasher.Update(tag_digest);
  for (std::span<const uint8_t> part : parts) hasher.Update(part);
  return hasher.Finish();
}

}  // namespace prova::receipt
