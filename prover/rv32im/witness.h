#pragma once

// Witness generation: from the emulator's trace to the main trace of every table of the circuit
// (verifier/rv32im/circuit.h), in table order.

#include <cstdint>
#include <vector>

#include "prover/rv32im/alu_trace.h"
#include "prover/rv32im/fixed_columns.h"
#include "prover/stark/blinding.h"
#include "prover/stark/prover.h"
#include "verifier/rv32im/circuit.h"
#include "vm/trace.h"

namespace prova::rv32im {

struct CircuitWitness {
  std::vector<stark::TableWitness> tables;  // kNumTables, public values filled in
  CircuitPublics publics;
};

// Re-executes the trace against the decoded program (so the witness follows the circuit's
// semantics) and cross-checks it with the emulator's records. Throws prova::Error with a
// "not provable" reason for a step the circuit does not support (a syscall other than exit, brk,
// read and write; a CSR other than the counters; ...), or if the trace is longer than the circuit
// allows.
CircuitWitness GenerateWitness(const FixedColumns& fixed, const vm::Trace& trace,
                               uint32_t exit_code);

// Fills the blinding cells of every blinded table (IsBlinded, BlindingColumns;
// verifier/air/blinding.h): with zero knowledge fresh random LogUp sum offsets, so that the
// proof's per-table sums reveal nothing; in any case offsets that cancel (most tables' cells are
// columns they have anyway, free on their last row, which hold values on the real rows).
void BlindWitness(CircuitWitness* witness, bool zero_knowledge);

// The blinded tables' main traces with their blinding columns, in table order (the last is the
// one whose cells cancel the others').
std::vector<stark::BlindedTrace> BlindedTraces(std::span<stark::TableWitness> tables);

// The longest execution one proof can hold (timestamps stay below 2^24).
inline constexpr uint64_t kMaxProvableCycles = (uint64_t{1} << 22) - 1;

// The height of the CPU table of a proof of `cycles` steps: a power of two above the steps (its
// last row is always padding, for the blinding cells), at least kMinTableHeight. A proof reveals
// it, so it is what may be said of an execution's length without saying more than a receipt.
inline uint64_t CpuTableHeight(uint64_t cycles) { return PaddedTableHeight(cycles + 1); }

}  // namespace prova::rv32im
