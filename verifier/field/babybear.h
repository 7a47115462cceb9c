#pragma once

// BabyBear: p = 15 * 2^27 + 1 = 2013265921, the STARK field of Prova. Two-adicity 27 (NTTs up to
// 2^27 points), multiplicative generator 31. Elements are Montgomery-form 32-bit values.
//
//   BabyBear a = BabyBear::from_canonical(5);
//   BabyBear w = BabyBear::two_adic_generator(20);  // primitive 2^20-th root of unity
//   uint32_t x = (a * w).as_canonical();
//
// BabyBear::Packed (also spelled PackedBabyBear) is the SIMD twin with the same operators; see
// verifier/field/packed_monty_field.h.

#include <cstdint>
#include <type_traits>

#include "verifier/field/monty_field.h"
#include "verifier/field/packed_monty_field.h"

namespace prova {

struct BabyBearParams {
  static constexpr uint32_t kPrime = 0x78000001;  // 15 * 2^27 + 1
  static constexpr uint32_t kTwoAdicity = 27;
  static constexpr uint32_t kMultiplicativeGenerator = 31;
};

using BabyBear = MontyField31<BabyBearParams>;
using PackedBabyBear = PackedMontyField31<BabyBearParams>;

static_assert(BabyBear::kPrime == 15u * (1u << 27) + 1u);
static_assert(std::is_trivially_copyable_v<BabyBear>);
static_assert(std::is_standard_layout_v<BabyBear>);
static_assert(sizeof(BabyBear) == 4);
// 31^((p-1)/2^27): the same 2^27-th root of unity as Plonky3, so transcripts can be compared.
static_assert(BabyBear::two_adic_generator(27).as_canonical() == 0x1a427a41);

}  // namespace prova
