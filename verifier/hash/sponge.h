#pragma once

// Hashing BabyBear elements with Poseidon2:
//  - Compress (Plonky3 TruncatedPermutation): the first 8 elements of the width-16
//    permutation of left || right. Merkle nodes.
//  - MerkleDamgardHasher / HashElements: up to 16 elements, one width-16 permutation (as
//    Compress); longer, Merkle-Damgard over CompressWide, the first 8 elements of the width-24
//    permutation of its 24 inputs: the first block is 24 input elements, every later one the
//    chaining value and 16 more, the last one zero-padded. Without a length block inputs of
//    different lengths may collide (x and x||0 do), so it is only used where the length is fixed
//    by public data (a Merkle leaf's row width, a fixed-size input); for those its collisions are
//    collisions of Compress or CompressWide. Merkle leaves.
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

// The first kDigestElements elements of permutation P (Poseidon2 or Poseidon2Wide) of `state`:
// the truncated permutation every construction below is built on.
template <class P, typename F>
DigestOf<F> TruncatedPermutation(std::array<F, P::kWidth> state) {
  P::Permute(state);
  DigestOf<F> out;
  std::copy_n(state.begin(), kDigestElements, out.begin());
  return out;
}

// Incremental hash of a fixed-length input: Absorb() any number of times, then Finalize() once.
//  - At most 16 elements (kNarrowInput): the first 8 elements of the width-16 permutation of the
//    input padded with zeros to 16, one permutation (as Compress).
//  - More: Merkle-Damgard over CompressWide. The input is cut into a first block b_0 of 24
//    elements and later blocks b_1, b_2, ... of 16, the last one padded with zeros; the digest is
//    h_1 = CompressWide(b_0), then h_(i+1) = CompressWide(h_i || b_i).
// No input at all gives the zero digest. The width-24 permutation costs about 1.8 times the
// width-16 one (hash_bench) and takes 16 new elements per permutation instead of 8: a 104-element
// Merkle leaf takes 6 wide permutations instead of 12 narrow ones, about a ninth less work, while
// a row of at most 16 elements keeps its single narrow permutation.
template <typename F>
class MerkleDamgardHasher {
 public:
  static constexpr size_t kNarrowInput = Poseidon2::kWidth;
  static constexpr size_t kWideWidth = Poseidon2Wide::kWidth;

  void Absorb(const F& x) {
    state_[position_++] = x;
    if (position_ == kWideWidth) {
      Poseidon2Wide::Permute(state_);
      // The chaining value h_i is state_[0..8); the next block goes after it.
      position_ = kDigestElements;
      chained_ = true;
    }
  }
  void Absorb(std::span<const F> xs) {
    for (const F& x : xs) Absorb(x);
  }
  DigestOf<F> Finalize() {
    if (!chained_ && position_ <= kNarrowInput) {
      if (position_ == 0) return DigestOf<F>{};  // the zero digest
      std::array<F, Poseidon2::kWidth> narrow{};
      std::copy_n(state_.begin(), position_, narrow.begin());
      return TruncatedPermutation<Poseidon2>(narrow);
    }
    if (chained_ && position_ == kDigestElements) {  // the input ended with a whole block
      DigestOf<F> out;
      std::copy_n(state_.begin(), kDigestElements, out.begin());
      return out;
    }
    std::fill(state_.begin() + position_, state_.end(), F());
    return TruncatedPermutation<Poseidon2Wide>(state_);
  }

 private:
  std::array<F, kWideWidth> state_{};
  size_t position_ = 0;
  bool chained_ = false;  // at least one block has been compressed
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

// The width-24 compression of MerkleDamgardHasher: the first 8 elements of Poseidon2Wide(input).
template <typename F>
DigestOf<F> CompressWide(const std::array<F, Poseidon2Wide::kWidth>& input) {
  return TruncatedPermutation<Poseidon2Wide>(input);
}

// 2-to-1 compression (Merkle nodes): the first 8 elements of Poseidon2(left || right).
template <typename F>
DigestOf<F> Compress(const DigestOf<F>& left, const DigestOf<F>& right) {
  std::array<F, Poseidon2::kWidth> state;
  std::copy(left.begin(), left.end(), state.begin());
  std::copy(right.begin(), right.end(), state.begin() + kDigestElements);
  return TruncatedPermutation<Poseidon2>(state);
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
