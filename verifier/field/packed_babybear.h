#pragma once

// PackedBabyBear == BabyBear::Packed: 16 lanes with AVX-512, 8 with AVX2, 4 scalar lanes otherwise.
// The implementation is generic over the prime: verifier/field/packed_monty_field.h.

#include "verifier/field/babybear.h"
#include "verifier/field/packed_monty_field.h"

namespace prova {

static_assert(sizeof(PackedBabyBear) == PackedBabyBear::kWidth * sizeof(BabyBear));
static_assert(std::is_trivially_copyable_v<PackedBabyBear>);

}  // namespace prova
