#pragma once

// FRI prover: commits the folded layers and answers the queries (the protocol is described in
// verifier/fri/fri.h, which verifies what this produces).

#include <cstdint>
#include <span>
#include <vector>

#include "verifier/field/extension.h"
#include "verifier/fri/fri.h"
#include "verifier/transcript/challenger.h"

namespace prova::fri {

// inputs: codewords in bit-reversed order on the cosets DomainShift() * <w_N>, strictly
// decreasing sizes (one per distinct height; the caller sums same-height inputs). Runs the commit
// phase, grinds, samples the queries (returned in *query_indices, into the largest domain) and
// opens every layer at them. The caller opens its own input commitments at the same indices.
// degree_bounds: as for PlanFolding (empty: |domain| / blowup).
FriProof Prove(const FriParams& params, std::vector<std::vector<BabyBear4>> inputs,
               std::span<const size_t> degree_bounds, transcript::DuplexChallenger& challenger,
               std::vector<uint64_t>* query_indices);

// DuplexChallenger::Grind on every core: the same witness (the smallest), and the same state after.
BabyBear ParallelGrind(transcript::DuplexChallenger& challenger, size_t bits);

// Coefficients (lowest first) of the polynomial of degree < values.size() whose evaluations on
// shift * <w_N> in bit-reversed order are `values`; only the first `count` are computed.
std::vector<BabyBear4> InterpolateCoset(const std::vector<BabyBear4>& values, BabyBear shift,
                                        size_t count);

}  // namespace prova::fri
