#pragma once

// The prover's half of the LogUp-sum blinding (verifier/air/blinding.h): fresh random blinding
// tuples in the blinded tables and the same tuples in the table that receives them.

#include <span>

#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"

namespace prova::stark {

// Puts multiplicity 1 and four uniformly random values (OpenSSL's private DRBG, as every other
// random value of a zero-knowledge proof) into the blinding columns, the last kBlindingWidth, of
// the last row of each trace in `blinded`, and the same tuples into the rows of `receiver`, the
// BlindingAir table's main trace, which must have a row for each of them. Without zero knowledge
// the columns stay zero, which sends nothing.
void BlindLogUpSums(std::span<air::RowMajorMatrix<BabyBear>* const> blinded,
                    air::RowMajorMatrix<BabyBear>* receiver);

}  // namespace prova::stark
