#pragma once

// The STARK proof and its binary encoding.
//
// Encoding: a bit stream, least-significant bit first, padded with zero bits to a whole byte
// (other padding is rejected): "PRVS", a 32-bit version, then the fields below in order.
// Integers take 32 bits; a field element its canonical value in 31 bits (values >= p are
// rejected); an extension element is 4 field elements; a digest 8; a vector is a count followed
// by its items; a batched Merkle opening gives its row and salt lengths once. Every
// count is checked against a hard cap before anything is allocated, and the decoder also checks
// that the count fits in the bytes that remain, so hostile bytes can neither crash the decoder
// nor make it allocate more than a small multiple of the input size (every opened row has a
// column, so each row vector is paid for by input). Trailing bytes are rejected.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/fri/fri.h"
#include "verifier/hash/sponge.h"
#include "verifier/merkle/merkle_verifier.h"

namespace prova::stark {

// Version 2: zero-knowledge tables of kRandomizerMargin * (num_queries + 2) rows or more commit
// polynomials of degree n + num_queries + 2 on the no-zero-knowledge domain (TableLayout).
// Version 3: tables shorter than the tallest are lifted into one FRI input (PlanFriInput), opened
// at TablePoint(zeta) instead of zeta, so FRI has one layer per fold instead of stopping at every
// distinct table height; a batched Merkle opening writes its row and salt lengths once, not once
// per query; field elements take 31 bits, not 32.
// Version 4: a FRI layer's opened row omits the value at the queried position (the verifier
// knows it); an extension column is opened at zeta as one extension value, not one per base
// column; every table is opened at two out-of-domain points (docs/stark.md, section 3).
// Version 5: one quotient for all tables, their quotients combined by powers of a challenge and
// lifted to the largest LDE (QuotientPlan), instead of one per table.
// Version 6: Merkle rows are hashed Merkle-Damgard over Compress (HashElements), the first
// permutation taking 16 elements instead of a rate-8 sponge's 8: one permutation fewer per row.
// Version 7: Merkle rows are hashed Merkle-Damgard over the width-24 permutation (CompressWide),
// 16 new elements per permutation instead of 8.
// Version 8: a table's last LogUp batch is the running sum's step (air::LogUpInteract), which
// wraps around the trace domain, instead of a column of its own: one auxiliary column fewer.
// Version 9: zero-knowledge randomisers cover every value a proof determines (RevealedValues:
// each query row and its next row, and four base-field coordinates per out-of-domain point),
// 2 * num_queries + 16 coefficients instead of num_queries + 4, with 42 queries instead of 41:
// version 8 proofs let a verifier test a guessed witness.
// Version 10: a hiding Merkle commitment salts its leaves only, not the rows of the shorter
// matrices injected above them (merkle::GroupSaltElements): 4 elements fewer per query and
// height group after the first.
// Version 11: the proof-of-work bits follow the proof's worst FRI layer rate (ProofFriParams):
// the fewest that keep 100 conjectured bits, 18 instead of 20 for most proofs.
// Version 12: Merkle rows are hashed with SHA-256 (hash::RowHash), not Merkle-Damgard over the
// width-24 Poseidon2 permutation; nodes are still Poseidon2 (hash::Compress).
inline constexpr uint32_t kProofVersion = 12;
inline constexpr char kProofMagic[4] = {'P', 'R', 'V', 'S'};

// Values of one table's committed columns at its point ("local") and the next row ("next").
// Extension columns (auxiliary, quotient chunks, mask) are committed as 4 base columns each and
// opened as one extension value each (ExtColumnValues in verifier.h).
struct TableOpenings {
  std::vector<BabyBear4> preprocessed_local, preprocessed_next;
  std::vector<BabyBear4> main_local, main_next;
  std::vector<BabyBear4> aux_local, aux_next;
};

struct StarkProof {
  std::vector<uint32_t> log_heights;  // one per table, in the order of the tables
  hash::Digest main_root{};
  bool has_aux = false;
  hash::Digest aux_root{};
  std::vector<BabyBear4> cumulative_sums;  // one per table (zero when it has no interactions)
  hash::Digest quotient_root{};
  // One per table at each out-of-domain point (kOutOfDomainPoints: zeta, then zeta').
  std::vector<TableOpenings> openings, second_openings;
  // The quotient chunks (QuotientPlan) at zeta, then at zeta'.
  std::vector<BabyBear4> quotient_opening;
  // The FRI mask polynomial at zeta and zeta' (zero knowledge).
  std::vector<BabyBear4> mask_opening;
  fri::FriProof fri;
  // Openings of each committed round at the FRI query indices.
  merkle::MultiOpening preprocessed_queries;  // empty when no table has fixed columns
  merkle::MultiOpening main_queries;
  merkle::MultiOpening aux_queries;       // empty without interactions
  merkle::MultiOpening quotient_queries;  // the quotient chunks, then the mask
};

// Caps on counts in an encoded proof.
inline constexpr size_t kMaxColumns = 1 << 16;
inline constexpr size_t kMaxOpenedRows = 1 << 16;
inline constexpr size_t kMaxSiblings = 1 << 20;
// About 20 times the largest proof the default configuration makes (2^24-row tables: 0.35 MB).
inline constexpr size_t kMaxProofBytes = size_t{8} << 20;

std::vector<uint8_t> SerializeProof(const StarkProof& proof);
// Throws prova::Error with the reason on malformed bytes; never aborts.
StarkProof DeserializeProof(std::span<const uint8_t> bytes);

}  // namespace prova::stark
