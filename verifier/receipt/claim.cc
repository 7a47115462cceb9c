#include "verifier/receipt/claim.h"

#include <algorithm>

namespace prova::receipt {
namespace {

void PutU32(uint8_t* out, uint32_t x) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(x >> (8 * i));
}

uint32_t GetU32(const uint8_t* in) {
  uint32_t x = 0;
  for (int i = 0; i < 4; ++i) x |= static_cast<uint32_t>(in[i]) << (8 * i);
  return x;
}

std::array<uint8_t, 4> U32Bytes(uint32_t x) {
  std::array<uint8_t, 4> out;
  PutU32(out.data(), x);
  return out;
}

}  // namespace

std::array<uint8_t, kClaimEncodedSize> EncodeClaim(const ExecutionClaim& claim) {
  std::array<uint8_t, kClaimEncodedSize> out{};
  uint8_t* p = out.data();
  p = std::copy(claim.image_id.begin(), claim.image_id.end(), p);
  p = std::copy(claim.journal_digest.begin(), claim.journal_digest.end(), p);
  PutU32(p, claim.exit_code);
  p += 4;
  for (const SystemState* state : {&claim.pre_state, &claim.post_state}) {
    PutU32(p, state->pc);
    p += 4;
    p = std::copy(state->memory_root.begin(), state->memory_root.end(), p);
  }
  return out;
}

ExecutionClaim DecodeClaim(std::span<const uint8_t, kClaimEncodedSize> bytes) {
  ExecutionClaim claim;
  const uint8_t* p = bytes.data();
  std::copy_n(p, 32, claim.image_id.begin());
  p += 32;
  std::copy_n(p, 32, claim.journal_digest.begin());
  p += 32;
  claim.exit_code = GetU32(p);
  p += 4;
  for (SystemState* state : {&claim.pre_state, &claim.post_state}) {
    state->pc = GetU32(p);
    p += 4;
    std::copy_n(p, 32, state->memory_root.begin());
    p += 32;
  }
  return claim;
}

Sha256Digest StateDigest(const SystemState& state) {
  return TaggedSha256(kSystemStateTag, {U32Bytes(state.pc), state.memory_root});
}

Sha256Digest ClaimDigest(const ExecutionClaim& claim) {
  return TaggedSha256(kExecutionClaimTag,
                      {claim.image_id, claim.journal_digest, U32Bytes(claim.exit_code),
                       StateDigest(claim.pre_state), StateDigest(claim.post_state)});
}

SystemState HaltedState() { return SystemState{}; }

ExecutionClaim WholeProgramClaim(const Sha256Digest& image_id, uint32_t entry_pc,
                                 std::span<const uint8_t> journal, uint32_t exit_code) {
  ExecutionClaim claim;
  claim.image_id = image_id;
  claim.journal_digest = Sha256(journal);
  claim.exit_code = exit_code;
  claim.pre_state = SystemState{entry_pc, image_id};
  claim.post_state = HaltedState();
  return claim;
}

}  // namespace prova::receipt
