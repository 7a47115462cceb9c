#pragma once

// Digests of 8 BabyBear elements and the Poseidon2 compression of two of them (Plonky3's
// TruncatedPermutation): the first 8 elements of the width-16 permutation of left || right.
// Merkle nodes. A template over the element type, so that BabyBear::Packed compresses
// Packed::kWidth independent pairs at once, lane by lane. Rows of elements (Merkle leaves) are
// hashed with SHA-256 (row_hash.h). Security argument: verifier/hash/README.md.

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "verifier/field/babybear.h"
#include "verifier/field/packed_babybear.h"
#include "verifier/hash/poseidon2.h"

namespace prova::hash {

inline constexpr size_t kDigestElements = 8;
static_assert(2 * kDigestElements == Poseidon2::kWidth);

template <typename F>
using DigestOf = std::array<F, kDigestElements>;
// ~248 bits: 8 canonical BabyBear elements.
using Digest = DigestOf<BabyBear>;
using PackedDigest = DigestOf<BabyBear::Packed>;

// 2-to-1 compression (Merkle nodes): the first 8 elements of Poseidon2(left || right).
template <typename F>
DigestOf<F> Compress(const DigestOf<F>& left, const DigestOf<F>& right) {
  std::array<F, Poseidon2::kWidth> state;
  std::copy(left.begin(), left.end(), state.begin());
  std::copy(right.begin(), right.end(), state.begin() + kDigestElements);
  Poseidon2::Permute(state);
  DigestOf<F> out;
  std::copy_n(state.begin(), kDigestElements, out.begin());
  return out;
}

// Lanes [0, lanes) of a packed digest from digests[0], digests[stride], ...; the other lanes zero.
inline PackedDigest PackDigests(const Digest* digests, size_t stride,
                                size_t lanes = BabyBear::Packed::kWidth) {
  PackedDigest packed;
  for (size_t e = 0; e < kDigestElements; ++e) {
    std::array<BabyBear, BabyBear::Packed::kWidth> values{};
    for (size_t k = 0; k < lanes; ++k) values[k] = digests[k * stride][e];
    packed[e] = BabyBear::Packed::from_array(values);
  }
  return packed;
}

// out[k] = lane k of a packed digest, for k < lanes.
inline void UnpackDigests(const PackedDigest& packed, Digest* out,
                          size_t lanes = BabyBear::Packed::kWidth) {
  for (size_t e = 0; e < kDigestElements; ++e) {
    const auto values = packed[e].to_array();
    for (size_t k = 0; k < lanes; ++k) out[k][e] = values[k];
  }
}

// Below this many inputs a batch runs one permutation at a time: a packed permutation costs about
// as much as two single ones (hash_bench), whatever the number of lanes in use.
inline constexpr size_t kMinPackedBatch = 3;

// Splits `count` independent inputs into batches for packed permutations: packed(start, lanes)
// for runs of up to BabyBear::Packed::kWidth inputs while at least kMinPackedBatch remain, then
// single(i) for each input left.
template <class PackedBatch, class Single>
void ForEachBatch(size_t count, PackedBatch packed, Single single) {
  constexpr size_t kLanes = BabyBear::Packed::kWidth;
  size_t start = 0;
  while (count - start >= kMinPackedBatch) {
    const size_t lanes = std::min(kLanes, count - start);
    packed(start, lanes);
    start += lanes;
  }
  for (; start < count; ++start) single(start);
}

// out[i] = Compress(lefts[i], rights[i]). Independent nodes (a Merkle level of a multi-opening)
// share packed permutations (ForEachBatch); unused lanes hash zeros.
inline void CompressBatch(std::span<const Digest> lefts, std::span<const Digest> rights,
                          std::span<Digest> out) {
  ForEachBatch(
      out.size(),
      [&](size_t start, size_t lanes) {
        const PackedDigest node = Compress<BabyBear::Packed>(PackDigests(&lefts[start], 1, lanes),
                                                             PackDigests(&rights[start], 1, lanes));
        UnpackDigests(node, &out[start], lanes);
      },
      [&](size_t i) { out[i] = Compress(lefts[i], rights[i]); });
}

}  // namespace prova::hash
