#pragma once

// The prover's half of the LogUp-sum blinding (verifier/air/blinding.h): random sum offsets that
// cancel across the blinded tables.

#include <cstddef>
#include <span>

#include "verifier/air/blinding.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"

namespace prova::stark {

// A blinded table's main trace and the kBlindingWidth columns that offset its sum.
struct BlindedTrace {
  air::RowMajorMatrix<BabyBear>* main = nullptr;
  air::BlindingColumns columns{};
};

// Overwrites the blinding cells of the last row of each trace (at least two; the last row's cells
// must be free: read by the offset alone, or on a padding row) with uniformly random values
// (OpenSSL's private DRBG, as every other random value of a zero-knowledge proof), or zeros when
// `random` is false (a proof without zero knowledge), but the last trace's with what makes the
// blinding cells of all rows of all traces add up to zero, coordinate by coordinate, so that the
// offsets cancel whatever beta is. A table whose blinding columns hold values on other rows needs
// that last step even without zero knowledge.
void BlindLogUpSums(std::span<const BlindedTrace> blinded, bool random = true);

// The last step of BlindLogUpSums alone: sets the last trace's last-row blinding cells so that
// the blinding cells of all rows of all traces add up to zero, coordinate by coordinate. (Tests
// that tamper with cells which are also offset cells use it to keep the offsets cancelling.)
void CancelLogUpOffsets(std::span<const BlindedTrace> blinded);

}  // namespace prova::stark
