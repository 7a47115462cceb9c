// API-key hashing, identifiers, and the Ed25519 key that signs optimistic claims.

#include "service/crypto.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "common/error.h"
#include "common/file_io.h"
#include "service/testing.h"
#include "service/worker.h"

namespace prova::service::testing {
namespace {

TEST(Crypto, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashApiKey("abc"), Sha256Hex("abc"));
}

TEST(Crypto, KeysAndIdsAreRandomAndWellFormed) {
  const std::string a = NewApiKey(), b = NewApiKey();
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::regex_match(a, std::regex("prova_[0-9a-f]{64}")));
  const std::string uuid = RandomUuid();
  EXPECT_TRUE(std::regex_match(
      uuid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << uuid;
}

// The salt of a claim's input digest: the same for a session each time it is asked for (nothing
// stored), another for another session or another service key; the salted digests of one input
// differ with the salt, and none is the plain SHA-256.
TEST(Crypto, InputSaltsAreDeterministicPerSessionAndKey) {
  const Ed25519Signer a = Ed25519Signer::Generate(), b = Ed25519Signer::Generate();
  const std::string salt = InputSaltHex(a, "session-1");
  EXPECT_EQ(salt.size(), 64u);
  EXPECT_EQ(InputSaltHex(a, "session-1"), salt);
  EXPECT_NE(InputSaltHex(a, "session-2"), salt);
  EXPECT_NE(InputSaltHex(b, "session-1"), salt);
  const std::string pin = "1234";
  EXPECT_NE(SaltedInputDigestHex(salt, pin),
            SaltedInputDigestHex(InputSaltHex(a, "session-2"), pin));
  EXPECT_NE(SaltedInputDigestHex(salt, pin), Sha256Hex(pin));
  const std::vector<uint8_t> salt_bytes = FromHex(salt);
  EXPECT_EQ(SaltedInputDigestHex(salt, pin),
            Sha256Hex(std::string(salt_bytes.begin(), salt_bytes.end()) + pin));
}

TEST(Ed25519, SignaturesVerifyOnlyForTheSignedMessageAndKey) {
  const std::string dir = MakeTempDir("prova-ed25519");
  const Ed25519Signer signer = Ed25519Signer::LoadOrCreate(dir + "/key.pem");
  const std::string message = "claim";
  const std::string signature = signer.Sign(message);
  EXPECT_EQ(signature.size(), 128u);
  EXPECT_TRUE(VerifyEd25519(signer.PublicKeyHex(), message, signature));
  EXPECT_FALSE(VerifyEd25519(signer.PublicKeyHex(), "claim!", signature));
  std::string flipped = signature;
  flipped[0] = flipped[0] == '0' ? '1' : '0';
  EXPECT_FALSE(VerifyEd25519(signer.PublicKeyHex(), message, flipped));
  const Ed25519Signer other = Ed25519Signer::LoadOrCreate(dir + "/other.pem");
  EXPECT_FALSE(VerifyEd25519(other.PublicKeyHex(), message, signature));
  EXPECT_FALSE(VerifyEd25519("zz", message, signature));
  EXPECT_FALSE(VerifyEd25519(signer.PublicKeyHex(), message, "00"));
}

TEST(Ed25519, TheKeyIsKeptPrivateAndReloaded) {
  const std::string dir = MakeTempDir("prova-ed25519");
  const std::string path = dir + "/key.pem";
  const std::string public_key = Ed25519Signer::LoadOrCreate(path).PublicKeyHex();
  EXPECT_EQ(Ed25519Signer::LoadOrCreate(path).PublicKeyHex(), public_key);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ofstream(dir + "/garbage.pem") << "not a key";
  EXPECT_THROW(Ed25519Signer::LoadOrCreate(dir + "/garbage.pem"), Error);
}

TEST(ExecutionClaim, EncodingIsCanonical) {
  ExecutionClaimFields f;
  f.session_id = "s";
  f.image_id = "i";
  f.exit_code = 3;
  const std::string a = EncodeExecutionClaim(f);
  EXPECT_EQ(a, EncodeExecutionClaim(f));
  EXPECT_NE(a.find("\"exit_code\":3"), std::string::npos);
  f.exit_code = 4;
  EXPECT_NE(a, EncodeExecutionClaim(f));
}

}  // namespace
}  // namespace prova::service::testing
