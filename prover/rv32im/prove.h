#pragma once

// Proving a whole-program RV32IM execution (docs/rv32im-circuit.md).
//
//   vm::ProgramImage image = vm::LoadElf(elf_bytes);
//   rv32im::ExecutionProof p = rv32im::ProveExecution(image, input, {});
//   // p.seal, p.image_id, p.journal, p.exit_code go into a receipt;
//   // rv32im::VerifyExecution(p.seal, p.image_id, p.journal, p.exit_code) accepts it.

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "prover/stark/prover.h"
#include "verifier/rv32im/image_id.h"
#include "verifier/stark/config.h"
#include "vm/elf_loader.h"

namespace prova::rv32im {

struct ExecutionProof {
  std::vector<uint8_t> journal;  // bytes written to fd 3
  uint32_t exit_code = 0;        // a0 of the exit syscall
  uint64_t cycles = 0;           // instructions retired, the exiting ecall included
  ImageId image_id{};
  // The versioned seal (verifier/rv32im/seal.h): the serialized STARK proof plus the
  // verifying-key data the verifier needs (entry pc, initial sp, image end, fixed-column root and
  // heights), from which it recomputes the image ID.
  std::vector<uint8_t> seal;
};

// The table matrices right before proving, by table name (circuit order); tests use it to tamper
// with a witness and check that the verifier rejects the proof.
struct WitnessView {
  std::span<const std::string_view> table_names;
  std::span<stark::TableWitness> witnesses;
};
using WitnessTamperHook = std::function<void(WitnessView)>;

struct ProveExecutionOptions {
  stark::StarkConfig config = stark::DefaultConfig();
  uint64_t max_cycles = uint64_t{1} << 22;
  // TEST ONLY. When false the prover skips its debug check of the constraints and the buses and
  // proves whatever the (possibly tampered) witness is: the "unchecked prover" of the soundness
  // tests. Real callers keep it true.
  bool check_constraints = true;
  // See stark::ProveOptions::name_violations: name every failing constraint and row (slower).
  bool name_violations = false;
  // See stark::ProveOptions::lde_cache_bytes.
  size_t lde_cache_bytes = stark::kLdeCacheFromSpareHeap;
  // Progress over the whole proof, execution included (see stark::ProgressCallback); it may
  // throw to abandon the proof.
  stark::ProgressCallback on_progress;
  // TEST ONLY (and prove_bench --tables, which only reads): called with the witness matrices
  // before proving.
  WitnessTamperHook tamper;
};

// Runs the guest, then proves the execution. Throws prova::Error if the guest faults, does not
// exit within max_cycles, or uses something the circuit cannot prove yet (the message says what).
ExecutionProof ProveExecution(const vm::ProgramImage& image, std::span<const uint8_t> input,
                              const ProveExecutionOptions& options = {});

}  // namespace prova::rv32im
