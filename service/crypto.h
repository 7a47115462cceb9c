#pragma once

// The service's cryptography, all through OpenSSL: SHA-256 for API-key hashes and input digests,
// random identifiers and keys, and the Ed25519 key that signs optimistic execution claims.

#include <openssl/evp.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace prova::service {

std::string Sha256Hex(std::string_view bytes);
// `bytes` random bytes from the OpenSSL CSPRNG, as lowercase hex.
std::string RandomHex(size_t bytes);
// A random RFC 4122 version-4 UUID: the form of session and input IDs, as in Bonsai.
std::string RandomUuid();

// An API key: "prova_" + 32 random bytes in hex. High entropy, so its unsalted SHA-256 is a safe
// thing to store: no dictionary can reach it.
std::string NewApiKey();
inline std::string HashApiKey(std::string_view key) { return Sha256Hex(key); }

// An Ed25519 signing key kept in a PEM file (PKCS#8), created on first use with mode 0600.
class Ed25519Signer {
 public:
  static Ed25519Signer LoadOrCreate(const std::string& pem_path);
  static Ed25519Signer Generate();
  // Throws prova::Error unless `pem` holds an Ed25519 private key.
  static Ed25519Signer FromPem(const std::string& pem);
  std::string Pem() const;  // PKCS#8 PEM of the private key
  Ed25519Signer(Ed25519Signer&& other) noexcept;
  Ed25519Signer& operator=(Ed25519Signer&&) = delete;
  ~Ed25519Signer();

  std::string Sign(std::string_view message) const;  // 64-byte signature as hex
  std::string PublicKeyHex() const;                  // 32-byte raw public key as hex

 private:
  explicit Ed25519Signer(EVP_PKEY* key) : key_(key) {}
  EVP_PKEY* key_;
};

// Checks an Ed25519 signature (hex) on `message` by a raw public key (hex). False on any
// malformed input, never throws.
bool VerifyEd25519(std::string_view public_key_hex, std::string_view message,
                   std::string_view signature_hex);

// An optimistic claim commits to its input as SHA-256(salt || input), not SHA-256(input), which
// would let whoever sees the claim test guesses of a low-entropy input (a PIN, a vote). The salt,
// 32 bytes, is the SHA-256 of the service's Ed25519 signature over "prova-input-salt:" and the
// session ID: deterministic (nothing to store), unpredictable without the signing key, and shown
// only to the session's owner (its status), who can reveal it to open the commitment.
std::string InputSaltHex(const Ed25519Signer& signer, std::string_view session_id);
std::string SaltedInputDigestHex(std::string_view salt_hex, std::string_view input);

}  // namespace prova::service
