#pragma once

// The seal of an execution proof: what VerifyExecution needs besides the claim.
//
// Encoding (integers u32 little-endian): "PVSL", version (kSealVersion), entry_pc, initial_sp,
// image_end_word, the fixed-column commitment (8 canonical field elements), the number of fixed
// tables and their log heights, then the length of the STARK proof and its bytes
// (verifier/stark/proof.h). Trailing bytes are rejected. The image ID is recomputed from these
// fields (verifier/rv32im/image_id.h), so a seal cannot claim another image's layout.

#include <cstdint>
#include <span>
#include <vector>

#include "verifier/rv32im/image_id.h"

namespace prova::rv32im {

// Version 2: LogUp interactions batched two per auxiliary column (air::PlanLogUpColumns), so the
// circuit's auxiliary traces differ from version 1's. Version 3: short trace randomisers for
// tables of kRandomizerMargin * (num_queries + 2) rows or more (stark::TableLayout), which
// changes their domains, quotient chunks and final FRI polynomial. Version 4: STARK proof
// version 3 (tables lifted into one FRI input). Version 5: a table may raise its degree to batch
// more LogUp interactions per auxiliary column (air::ChooseLogUpPlan). Version 6: STARK proof
// version 5 (one quotient for all tables), and every table batches LogUp interactions up to
// degree 4 where that takes fewer auxiliary columns. Version 7: write and read ecalls are proven
// in their own table (ecall_air.h), not in CPU columns. Version 8: STARK proof version 8 (one
// auxiliary column fewer per table with LogUp interactions). Version 9: brk and counter reads are
// proven in the ecall table (the break's bounds are its public values). Version 10: padding rows
// of the CPU and read-call tables are constrained to do nothing (in version 9 a padding row could
// write memory), and the journal's SHA-256 is a public value of the journal table, so the
// transcript binds the journal before the LogUp challenges (in version 9 it did not). Version 11:
// STARK proof version 9 (randomisers long enough for zero knowledge, 42 queries). Version 12:
// every table but the journal's offsets its LogUp sum by random cells (four columns of its own;
// the CPU table's imm on its last row, always padding), so the stated per-table sums hide the
// tables' contents (air/blinding.h). Version 13: STARK proof version 10 (only the leaves of a
// Merkle commitment are salted), and the memory image, zero-init, io-word, read-call and ecall
// tables take their blinding cells from columns free on their last row, always padding, instead
// of four columns of their own. Version 14: the shift table proves its multiplier from the bits of
// the shift without a column for 2^k. Version 15: the byte table serves four byte pairs a row
// (2^14 rows instead of 2^16), which changes every image ID's byte-table height and root.
// Version 16: STARK proof version 11 (proof-of-work bits by the proof's worst FRI layer rate), and
// tables start at 256 rows instead of 2048 (the image IDs of images under 2048 program or
// memory-image words change). Version 17: STARK proof version 12 (Merkle rows hashed with
// SHA-256), which changes every image ID (its preprocessed root).
inline constexpr uint32_t kSealVersion = 17;
inline constexpr char kSealMagic[4] = {'P', 'V', 'S', 'L'};

struct Seal {
  ImageIdParts image;
  std::vector<uint8_t> stark_proof;
};

std::vector<uint8_t> EncodeSeal(const Seal& seal);
// Throws prova::Error on malformed bytes; never aborts.
Seal DecodeSeal(std::span<const uint8_t> bytes);

}  // namespace prova::rv32im
