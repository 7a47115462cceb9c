#pragma once

// Test-only receipts whose seal is a stand-in for a proof: its bytes are a function of the claim
// digest, so any change to the claim or to the seal is caught by FakeSealVerifier exactly as a
// real proof would catch it. Lets the receipt layer be tested without proving anything.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "verifier/receipt/claim.h"
#include "verifier/receipt/receipt.h"
#include "verifier/receipt/verify_receipt.h"

namespace prova::receipt::testing {

inline constexpr uint32_t kFakeSealKind = 0xfa4e;

inline std::vector<uint8_t> FakeSealBytes(const ExecutionClaim& claim, size_t size) {
  Sha256Digest digest = ClaimDigest(claim);
  std::vector<uint8_t> seal(size);
  // Compressible but claim-dependent everywhere.
  for (size_t i = 0; i < size; ++i) seal[i] = static_cast<uint8_t>(digest[i % 32] ^ (i / 97));
  return seal;
}

inline stark::VerifyResult FakeSealVerifier(const Seal& seal, const ExecutionClaim& claim,
                                            std::span<const uint8_t>) {
  if (seal.kind != kFakeSealKind) return {false, "unknown seal kind"};
  if (seal.version != 7) return {false, "unknown seal version"};
  if (seal.bytes != FakeSealBytes(claim, seal.bytes.size())) return {false, "bad seal"};
  return {true, ""};
}

inline Sha256Digest TestImageId(uint8_t seed) {
  Sha256Digest id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed * 31 + i * 7);
  return id;
}

inline Receipt MakeFakeReceipt(std::vector<uint8_t> journal, uint32_t exit_code = 0,
                               size_t seal_size = 600) {
  Receipt receipt;
  receipt.claim = WholeProgramClaim(TestImageId(1), 0x10074, journal, exit_code);
  receipt.journal = std::move(journal);
  receipt.seal.kind = kFakeSealKind;
  receipt.seal.version = 7;
  receipt.seal.bytes = FakeSealBytes(receipt.claim, seal_size);
  return receipt;
}

}  // namespace prova::receipt::testing
