#pragma once

// The prover's half of the LogUp-sum blinding (verifier/air/blinding.h): random sum offsets that
// cancel across the blinded tables.

#include <span>

#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"

namespace prova::stark {

// Fills the blinding columns, the last kBlindingWidth, of the last row of each trace in
// `blinded` (at least two) with uniformly random values (OpenSSL's private DRBG, as every other
// random value of a zero-knowledge proof), but the last trace's with minus the sum of the
// others', so that the offsets add up to zero whatever beta is. Without zero knowledge the
// columns stay zero, which offsets nothing.
void BlindLogUpSums(std::span<air::RowMajorMatrix<BabyBear>* const> blinded);

}  // namespace prova::stark
