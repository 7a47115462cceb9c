#pragma once

// The statement a receipt proves: "the program with image ID `image_id`, started in `pre_state`,
// ran to `post_state`, wrote a journal whose SHA-256 is `journal_digest` and exited with
// `exit_code`" (docs/receipt.md).
//
// The pre- and post-states make the claim chainable: a continuation layer proves one segment per
// claim and joins two claims when the post-state of the first equals the pre-state of the second,
// and the digest of a claim commits to the states only through their own digests, so a recursion
// circuit can compare states without the rest of the claim. A whole-program proof (one segment
// from the entry point to the exit syscall) uses the fixed convention of WholeProgramClaim.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "verifier/receipt/sha256.h"

namespace prova::receipt {

// A machine state at a segment boundary: the next pc and a commitment to the whole memory
// (registers included).
struct SystemState {
  uint32_t pc = 0;
  Sha256Digest memory_root{};

  friend bool operator==(const SystemState&, const SystemState&) = default;
};

struct ExecutionClaim {
  Sha256Digest image_id{};
  Sha256Digest journal_digest{};  // SHA-256(journal)
  uint32_t exit_code = 0;
  SystemState pre_state;
  SystemState post_state;

  friend bool operator==(const ExecutionClaim&, const ExecutionClaim&) = default;
};

// Canonical encoding, 140 bytes: image_id (32) || journal_digest (32) || exit_code (u32 LE) ||
// pre_state.pc (u32 LE) || pre_state.memory_root (32) || post_state.pc (u32 LE) ||
// post_state.memory_root (32). Every byte string of this length decodes to exactly one claim and
// back, so the encoding is canonical.
inline constexpr size_t kClaimEncodedSize = 140;
std::array<uint8_t, kClaimEncodedSize> EncodeClaim(const ExecutionClaim& claim);
ExecutionClaim DecodeClaim(std::span<const uint8_t, kClaimEncodedSize> bytes);

// Domain tags of the digests below (docs/receipt.md).
inline constexpr char kSystemStateTag[] = "prova.SystemState.v1";
inline constexpr char kExecutionClaimTag[] = "prova.ExecutionClaim.v1";

// TaggedSha256(kSystemStateTag, pc u32 LE || memory_root).
Sha256Digest StateDigest(const SystemState& state);
// TaggedSha256(kExecutionClaimTag, image_id || journal_digest || exit_code u32 LE ||
//              StateDigest(pre_state) || StateDigest(post_state)).
Sha256Digest ClaimDigest(const ExecutionClaim& claim);

// The state after the exit syscall: pc 0 and an all-zero memory root. Nothing continues from a
// halted state, so a continuation layer can never append a segment after it.
SystemState HaltedState();

// The claim of a whole-program proof: pre_state = {entry pc, image ID} (the image ID already
// commits to the entry pc and to every initialised word of memory, so it stands for the initial
// memory commitment), post_state = HaltedState().
ExecutionClaim WholeProgramClaim(const Sha256Digest& image_id, uint32_t entry_pc,
                                 std::span<const uint8_t> journal, uint32_t exit_code);

}  // namespace prova::receipt
