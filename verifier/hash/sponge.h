#pragma once

// Hashing BabyBear elements with Poseidon2 (width 16):
//  - Compress (Plonky3 TruncatedPermutation): permute(left || right), keep the first 8 elements.
//  - MerkleDamgardHasher / HashElements: Merkle-Damgard over Compress, 8-element chunks, the last
//    one zero-padded. Without a length block inputs of different lengths may collide (x and x||0
//    do), so it is only used where the length is fixed by public data (a Merkle leaf's row width,
//    a fixed-size input); for those its collisions are collisions of Compress.
// Both are templates over the element type so that BabyBear::Packed hashes Packed::kWidth
// independent inputs at once, lane by lane. Security argument: verifier/hash/README.md.

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

// Incremental Merkle-Damgard hash over Compress: Absorb() any number of times, then Finalize()
// once. The input is cut into chunks c_0, c_1, ... of kDigestElements, the last one padded with
// zeros; the digest is h_1 = Compress(c_0, c_1) (c_1 = 0 when there is no second chunk), then
// h_(i+1) = Compress(h_i, c_(i+1)). No input at all gives the zero digest. In state terms the
// first permutation takes 16 input elements and each later one 8 more, one permutation fewer per
// input longer than 8 than a rate-8 sponge: a 104-element Merkle leaf takes 12, not 13.
template <typename F>
class MerkleDamgardHasher {
 public:
  void Absorb(const F& x) {
    state_[position_++] = x;
    if (position_ == Poseidon2::kWidth) {
      Poseidon2::Permute(state_);
      // The chaining value h_i is state_[0..8); the next chunk goes after it.
      position_ = kDigestElements;
      chained_ = true;
    }
  }
  void Absorb(std::span<const F> xs) {
    for (const F& x : xs) Absorb(x);
  }
  DigestOf<F> Finalize() {
    const bool pending = chained_ ? position_ > kDigestElements : position_ > 0;
    if (pending) {
      std::fill(state_.begin() + position_, state_.end(), F());
      Poseidon2::Permute(state_);
    }
    DigestOf<F> out;
    for (size_t i = 0; i < kDigestElements; ++i) out[i] = state_[i];
    return out;
  }

 private:
  std::array<F, Poseidon2::kWidth> state_{};
  size_t position_ = 0;
  bool chained_ = false;  // at least one chunk pair has been compressed
};

// The hash of a fixed-length sequence of elements.
template <typename F>
DigestOf<F> HashElements(std::span<const F> input) {
  MerkleDamgardHasher<F> hasher;
  hasher.Absorb(input);
  return hasher.Finalize();
}
inline Digest HashElements(std::span<const BabyBear> input) {
  return HashElements<BabyBear>(input);
}

// 2-to-1 compression (Merkle nodes): the first 8 elements of Poseidon2(left || right).
template <typename F>
DigestOf<F> Compress(const DigestOf<F>& left, const DigestOf<F>& right) {
  std::array<F, Poseidon2::kWidth> state;
  for (size_t i = 0; i < kDigestElements; ++i) {
    state[i] = left[i];
    state[kDigestElements + i] = right[i];
  }
  Poseidon2::Permute(state);
  DigestOf<F> out;
  for (size_t i = 0; i < kDigestElements; ++i) out[i] = state[i];
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
