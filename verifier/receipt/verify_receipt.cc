#include "verifier/receipt/verify_receipt.h"

#include <algorithm>
#include <exception>
#include <string>

#include "common/error.h"
#include "common/file_io.h"
#include "verifier/rv32im/verify.h"

namespace prova::receipt {
namespace {

stark::VerifyResult Rejected(std::string reason) {
  return stark::VerifyResult{false, std::move(reason)};
}

}  // namespace

stark::VerifyResult VerifyReceiptWith(const Receipt& receipt,
                                      std::span<const uint8_t, 32> expected_image_id,
                                      std::optional<std::span<const uint8_t>> expected_journal,
                                      const SealVerifier& seal_verifier,
                                      std::optional<uint32_t> expected_exit_code) {
  const ExecutionClaim& claim = receipt.claim;
  if (!std::equal(claim.image_id.begin(), claim.image_id.end(), expected_image_id.begin())) {
    return Rejected("image ID mismatch: the receipt is for image " + ToHex(claim.image_id) +
                    ", expected " + ToHex(expected_image_id));
  }
  if (Sha256(receipt.journal) != claim.journal_digest) {
    return Rejected("the journal does not match the claim's journal digest");
  }
  if (expected_journal && !std::equal(receipt.journal.begin(), receipt.journal.end(),
                                      expected_journal->begin(), expected_journal->end())) {
    return Rejected("journal mismatch: the receipt's journal (" +
                    std::to_string(receipt.journal.size()) +
                    " bytes) differs from the expected journal (" +
                    std::to_string(expected_journal->size()) + " bytes)");
  }
  if (expected_exit_code && claim.exit_code != *expected_exit_code) {
    return Rejected("exit code mismatch: the guest exited with code " +
                    std::to_string(claim.exit_code) + ", expected " +
                    std::to_string(*expected_exit_code));
  }
  if (claim.pre_state.memory_root != claim.image_id) {
    return Rejected("the claim's pre-state is not the image's initial state");
  }
  if (claim.post_state != HaltedState()) {
    return Rejected("the claim's post-state is not the halted state of a whole-program proof");
  }
  try {
    stark::VerifyResult result = seal_verifier(receipt.seal, claim, receipt.journal);
    if (!result.ok && result.reason.empty()) result.reason = "the seal was rejected";
    return result;
  } catch (const Error& e) {
    // Seal verifiers report by result, but a decoder deep inside may still throw on hostile
    // bytes: that is a rejection too.
    return Rejected(std::string("seal: ") + e.what());
  }
}

stark::VerifyResult VerifyReceiptWith(std::span<const uint8_t> receipt_bytes,
                                      std::span<const uint8_t, 32> expected_image_id,
                                      std::optional<std::span<const uint8_t>> expected_journal,
                                      const SealVerifier& seal_verifier,
                                      std::optional<uint32_t> expected_exit_code) {
  DecodedReceipt decoded;
  try {
    decoded = DecodeReceipt(receipt_bytes);
  } catch (const Error& e) {
    return Rejected(e.what());
  }
  return VerifyReceiptWith(decoded.receipt, expected_image_id, expected_journal, seal_verifier,
                           expected_exit_code);
}

stark::VerifyResult VerifySeal(const Seal& seal, const ExecutionClaim& claim,
                               std::span<const uint8_t> journal, const stark::StarkConfig& config) {
  switch (static_cast<SealKind>(seal.kind)) {
    case SealKind::kRv32imStark:
      if (seal.version != kRv32imSealVersion) {
        return Rejected("unsupported rv32im seal version " + std::to_string(seal.version));
      }
      // The image ID commits to the entry pc through the seal's image parts (VerifyExecution
      // recomputes it), so the claim's pre-state pc must be that entry pc.
      try {
        if (rv32im::DecodeSeal(seal.bytes).image.entry_pc != claim.pre_state.pc) {
          return Rejected("the claim's pre-state pc is not the entry pc the seal proves");
        }
      } catch (const Error& e) {
        return Rejected(e.what());  // DecodeSeal's messages start with "seal: "
      }
      return rv32im::VerifyExecution(seal.bytes, claim.image_id, journal, claim.exit_code, config);
  }
  return Rejected("unknown seal kind " + std::to_string(seal.kind));
}

stark::VerifyResult VerifyReceipt(std::span<const uint8_t> receipt_bytes,
                                  std::span<const uint8_t, 32> expected_image_id,
                                  std::optional<std::span<const uint8_t>> expected_journal,
                                  std::optional<uint32_t> expected_exit_code) {
  return VerifyReceiptWith(
      receipt_bytes, expected_image_id, expected_journal,
      [](const Seal& seal, const ExecutionClaim& claim, std::span<const uint8_t> journal) {
        return VerifySeal(seal, claim, journal);
      },
      expected_exit_code);
}

}  // namespace prova::receipt
