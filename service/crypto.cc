#include "service/crypto.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"

namespace prova::service {
namespace {

using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)>;
using MdContext = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;

std::string BytesToHex(const uint8_t* data, size_t size) { return ToHex({data, size}); }

EVP_PKEY* ReadPrivateKey(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "r"), std::fclose);
  if (!file) return nullptr;
  EVP_PKEY* key = PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr);
  if (key == nullptr || EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    throw Error("signing key " + path + " is not an Ed25519 private key in PEM");
  }
  return key;
}

EVP_PKEY* GenerateKey() {
  PkeyContext ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 || EVP_PKEY_keygen(ctx.get(), &key) <= 0) {
    throw Error("cannot generate an Ed25519 key");
  }
  return key;
}

std::string EncodePem(EVP_PKEY* key) {
  std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw Error("cannot encode the Ed25519 key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// The private key never exists on disk with looser permissions than 0600: the temporary file
// is created with them, synced, then renamed into place.
void WritePrivateKey(EVP_PKEY* key, const std::string& path) {
  const std::string pem = EncodePem(key);
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error("cannot create " + temporary);
  const bool ok =
      ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    throw Error("cannot write the signing key " + path);
  }
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), digest);
  return BytesToHex(digest, sizeof digest);
}

namespace {

std::string FromHexString(std::string_view hex) {
  const std::vector<uint8_t> bytes = FromHex(hex);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::string InputSaltHex(const Ed25519Signer& signer, std::string_view session_id) {
  return Sha256Hex(FromHexString(signer.Sign("prova-input-salt:" + std::string(session_id))));
}

std::string SaltedInputDigestHex(std::string_view salt_hex, std::string_view input) {
  return Sha256Hex(FromHexString(salt_hex) + std::string(input));
}

std::string RandomHex(size_t bytes) {
  std::vector<uint8_t> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1) {
    throw Error("the OpenSSL random generator failed");
  }
  return ToHex(buffer);
}

std::string RandomUuid() {
  std::string h = RandomHex(16);
  h[12] = '4';                                                  // version 4
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string NewApiKey() { return "prova_" + RandomHex(32); }

Ed25519Signer Ed25519Signer::LoadOrCreate(const std::string& pem_path) {
  if (EVP_PKEY* key = ReadPrivateKey(pem_path)) return Ed25519Signer(key);
  EVP_PKEY* key = GenerateKey();
  try {
    WritePrivateKey(key, pem_path);
  } catch (...) {
    EVP_PKEY_free(key);
    throw;
  }
  return Ed25519Signer(key);
}

Ed25519Signer Ed25519Signer::Generate() { return Ed25519Signer(GenerateKey()); }

Ed25519Signer Ed25519Signer::FromPem(const std::string& pem) {
  std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                          BIO_free);
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (key == nullptr || EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    throw Error("the stored signing key is not an Ed25519 private key in PEM");
  }
  return Ed25519Signer(key);
}

std::string Ed25519Signer::Pem() const { return EncodePem(key_); }

Ed25519Signer::Ed25519Signer(Ed25519Signer&& other) noexcept : key_(other.key_) {
  other.key_ = nullptr;
}

Ed25519Signer::~Ed25519Signer() { EVP_PKEY_free(key_); }

std::string Ed25519Signer::Sign(std::string_view message) const {
  MdContext ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  uint8_t signature[64];
  size_t size = sizeof signature;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &size, reinterpret_cast<const uint8_t*>(message.data()),
                     message.size()) != 1) {
    throw Error("Ed25519 signing failed");
  }
  return BytesToHex(signature, size);
}

std::string Ed25519Signer::PublicKeyHex() const {
  uint8_t raw[32];
  size_t size = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key_, raw, &size) != 1) {
    throw Error("cannot read the Ed25519 public key");
  }
  return BytesToHex(raw, size);
}

bool VerifyEd25519(std::string_view public_key_hex, std::string_view message,
                   std::string_view signature_hex) {
  try {
    std::vector<uint8_t> key = FromHex(public_key_hex);
    std::vector<uint8_t> signature = FromHex(signature_hex);
    if (key.size() != 32 || signature.size() != 64) return false;
    std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> pkey(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size()),
        EVP_PKEY_free);
    MdContext ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!pkey || !ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
      return false;
    }
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                            reinterpret_cast<const uint8_t*>(message.data()), message.size()) == 1;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace prova::service
