#pragma once

// PackedBabyBear == BabyBear::Packed: 16 lanes with AVX-512, 8 with AVX2, 4 scalar lanes otherwise.
// The implementation is generic over the prime: verifier/field/packed_monty_field.h.

#include <array>
#include <cstddef>
#include <cstdint>

#include "verifier/field/babybear.h"
#include "verifier/field/packed_monty_field.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace prova {

static_assert(sizeof(PackedBabyBear) == PackedBabyBear::kWidth * sizeof(BabyBear));
static_assert(std::is_trivially_copyable_v<PackedBabyBear>);

// out[c], c < kWidth, = column c of the kWidth rows starting at `first`, `stride` elements apart,
// one row per lane: a square of a row-major matrix, transposed. With AVX-512 a 16 x 16 transpose
// in registers (32-bit and 64-bit unpacks, then two rounds of 128-bit shuffles), about a third of
// the time of 256 scalar loads; other targets load lane by lane.
inline void LoadRowsTransposed(const BabyBear* first, size_t stride, PackedBabyBear* out) {
  constexpr size_t kLanes = PackedBabyBear::kWidth;
#if defined(__AVX512F__)
  static_assert(kLanes == 16 && sizeof(BabyBear) == sizeof(uint32_t));
  // The zero-masked forms with every lane selected: the plain intrinsics pass
  // _mm512_undefined_epi32() through, which GCC 12 reports as uninitialised.
  constexpr __mmask16 kAll = 0xFFFF;
  constexpr __mmask8 kAll8 = 0xFF;
  __m512i r[16], t[16];
  for (size_t i = 0; i < 16; ++i) r[i] = _mm512_loadu_si512(first + i * stride);
  for (size_t i = 0; i < 16; i += 2) {
    t[i] = _mm512_maskz_unpacklo_epi32(kAll, r[i], r[i + 1]);
    t[i + 1] = _mm512_maskz_unpackhi_epi32(kAll, r[i], r[i + 1]);
  }
  for (size_t i = 0; i < 16; i += 4) {
    r[i] = _mm512_maskz_unpacklo_epi64(kAll8, t[i], t[i + 2]);
    r[i + 1] = _mm512_maskz_unpackhi_epi64(kAll8, t[i], t[i + 2]);
    r[i + 2] = _mm512_maskz_unpacklo_epi64(kAll8, t[i + 1], t[i + 3]);
    r[i + 3] = _mm512_maskz_unpackhi_epi64(kAll8, t[i + 1], t[i + 3]);
  }
  for (size_t i = 0; i < 16; i += 8) {
    for (size_t j = 0; j < 4; ++j) {
      t[i + j] = _mm512_maskz_shuffle_i32x4(kAll, r[i + j], r[i + j + 4], 0x88);
      t[i + j + 4] = _mm512_maskz_shuffle_i32x4(kAll, r[i + j], r[i + j + 4], 0xDD);
    }
  }
  for (size_t j = 0; j < 8; ++j) {
    out[j] = PackedBabyBear::from_vector(_mm512_maskz_shuffle_i32x4(kAll, t[j], t[j + 8], 0x88));
    out[j + 8] =
        PackedBabyBear::from_vector(_mm512_maskz_shuffle_i32x4(kAll, t[j], t[j + 8], 0xDD));
  }
#else
  std::array<BabyBear, kLanes> lanes;
  for (size_t c = 0; c < kLanes; ++c) {
    for (size_t k = 0; k < kLanes; ++k) lanes[k] = first[k * stride + c];
    out[c] = PackedBabyBear::from_array(lanes);
  }
#endif
}

}  // namespace prova
