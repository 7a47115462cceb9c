#pragma once

// From an execution proof to a receipt: the whole-program claim (docs/receipt.md) around the
// seal. Header-only so that it needs no build rule of its own: callers link prova_prover and
// prova_receipt, which they need anyway.

#include <cstdint>
#include <span>
#include <utility>

#include "prover/rv32im/prove.h"
#include "verifier/receipt/claim.h"
#include "verifier/receipt/receipt.h"
#include "verifier/receipt/verify_receipt.h"
#include "vm/elf_loader.h"

namespace prova::receipt {

// `proof` must come from rv32im::ProveExecution of an image whose entry point is `entry_pc`.
inline Receipt ReceiptFromProof(rv32im::ExecutionProof proof, uint32_t entry_pc) {
  Receipt r;
  r.claim = WholeProgramClaim(proof.image_id, entry_pc, proof.journal, proof.exit_code);
  r.journal = std::move(proof.journal);
  r.seal.kind = static_cast<uint32_t>(SealKind::kRv32imStark);
  r.seal.version = kRv32imSealVersion;
  r.seal.bytes = std::move(proof.seal);
  return r;
}

struct ProvedReceipt {
  Receipt receipt;
  uint64_t cycles = 0;
};

// Runs and proves the guest (rv32im::ProveExecution; throws prova::Error as it does) and wraps
// the proof in a receipt.
inline ProvedReceipt ProveReceipt(const vm::ProgramImage& image, std::span<const uint8_t> input,
                                  const rv32im::ProveExecutionOptions& options = {}) {
  rv32im::ExecutionProof proof = rv32im::ProveExecution(image, input, options);
  const uint64_t cycles = proof.cycles;
  return ProvedReceipt{ReceiptFromProof(std::move(proof), image.entry), cycles};
}

}  // namespace prova::receipt
