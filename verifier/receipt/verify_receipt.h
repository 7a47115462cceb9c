#pragma once

// Receipt verification: does this receipt prove that the program with the expected image ID
// produced its journal (and, if given, exactly the expected journal and exit code)?

#include <functional>
#include <optional>
#include <span>

#include "verifier/receipt/receipt.h"
#include "verifier/rv32im/seal.h"
#include "verifier/stark/verifier.h"

namespace prova::receipt {

// Checks a seal against the claim it is meant to prove (the claim's journal digest already
// matches `journal`). Dispatches on seal.kind; a kind it does not know is a rejection.
using SealVerifier = std::function<stark::VerifyResult(
    const Seal& seal, const ExecutionClaim& claim, std::span<const uint8_t> journal)>;

// The receipt's seal version for SealKind::kRv32imStark: the version of the seal encoding of
// verifier/rv32im (rv32im::kSealVersion; the seal bytes carry it too, the receipt repeats it so
// that a reader can tell what it holds without parsing the seal).
inline constexpr uint32_t kRv32imSealVersion = rv32im::kSealVersion;

// The verifier of every seal kind this build knows: kRv32imStark checks that the claim's
// pre-state pc is the entry pc the seal proves, then rv32im::VerifyExecution (with the given
// proof configuration) on the claim's image ID, journal and exit code.
stark::VerifyResult VerifySeal(const Seal& seal, const ExecutionClaim& claim,
                               std::span<const uint8_t> journal,
                               const stark::StarkConfig& config = stark::DefaultConfig());

// Verifies a receipt of any known seal kind (VerifyReceiptWith + VerifySeal).
stark::VerifyResult VerifyReceipt(std::span<const uint8_t> receipt_bytes,
                                  std::span<const uint8_t, 32> expected_image_id,
                                  std::optional<std::span<const uint8_t>> expected_journal,
                                  std::optional<uint32_t> expected_exit_code = std::nullopt);

// In order: decode the bytes; the claim's image ID equals expected_image_id; SHA-256(journal)
// equals the claim's journal digest; the journal equals expected_journal when given; the exit
// code equals expected_exit_code when given; the claim is a whole-program claim
// (pre_state.memory_root = image ID, post_state = HaltedState()); then the seal verifier checks
// the seal against the claim. The first failure is the reason. Never throws on bad receipt bytes.
// Without an expected exit code any is accepted: the claim states it, and a caller that relies on
// a successful run must ask for 0 (the CLI does by default).
stark::VerifyResult VerifyReceiptWith(std::span<const uint8_t> receipt_bytes,
                                      std::span<const uint8_t, 32> expected_image_id,
                                      std::optional<std::span<const uint8_t>> expected_journal,
                                      const SealVerifier& seal_verifier,
                                      std::optional<uint32_t> expected_exit_code = std::nullopt);
// The same checks on an already decoded receipt.
stark::VerifyResult VerifyReceiptWith(const Receipt& receipt,
                                      std::span<const uint8_t, 32> expected_image_id,
                                      std::optional<std::span<const uint8_t>> expected_journal,
                                      const SealVerifier& seal_verifier,
                                      std::optional<uint32_t> expected_exit_code = std::nullopt);

}  // namespace prova::receipt
