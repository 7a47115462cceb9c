#pragma once

// Fiat-Shamir transcript: a duplex sponge over Poseidon2 (width 16, rate 8), as Plonky3's
// DuplexChallenger. The prover and the verifier run the same class with the same sequence of
// calls; any difference in what they observe changes every later challenge.
//
//  - Observe* appends elements to an input buffer; a full buffer (8 elements) is absorbed at once:
//    it overwrites state[0..8) and the state is permuted. Observing discards pending outputs.
//  - Sample* absorbs pending input the same way (or permutes if the outputs are used up) and then
//    returns state[7], state[6], ..., state[0] of the last permutation, one per call.
//  - Grind / CheckWitness: proof of work. The prover searches a witness w such that observing w
//    and then SampleBits(bits) gives 0; both sides then continue from that state.

#include <array>
#include <optional>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/hash/poseidon2.h"
#include "verifier/hash/sponge.h"

namespace prova::transcript {

class DuplexChallenger {
 public:
  static constexpr size_t kWidth = hash::Poseidon2::kWidth;
  static constexpr size_t kRate = 8;
  // SampleBits returns the low bits of a uniform element of [0, p): up to 27 bits the result is
  // within statistical distance 2^-31 of uniform (p = 15 * 2^27 + 1).
  static constexpr size_t kMaxSampleBits = 27;

  DuplexChallenger() = default;

  void Observe(BabyBear x);
  void Observe(std::span<const BabyBear> xs);
  void Observe(const hash::Digest& digest) { Observe(std::span<const BabyBear>(digest)); }
  // The 4 coefficients, lowest degree first.
  void ObserveExtension(const BabyBear4& x);
  // Domain separation and public byte strings: the length, then 3 bytes per element
  // (little-endian), so different strings give different element sequences.
  void ObserveBytes(std::span<const uint8_t> bytes);
  void ObserveLabel(std::string_view label);

  BabyBear Sample();
  // Four samples as the coefficients, lowest degree first.
  BabyBear4 SampleExtension();
  // A uniform value of `bits` bits (bits <= kMaxSampleBits), e.g. a query index in a domain of
  // size 2^bits.
  uint64_t SampleBits(size_t bits);

  // Prover: finds the smallest witness w such that CheckWitness(bits, w) holds (a packed search),
  // then calls it, so that this challenger is in the state the verifier reaches.
  // bits <= kMaxSampleBits; bits = 0 returns w = 0.
  BabyBear Grind(size_t bits);
  // The search of Grind over the candidates [first, first + count) (count a multiple of the
  // packed width), without changing the state: the smallest witness there, if any. The prover
  // searches consecutive ranges in parallel (fri::ParallelGrind) and finds Grind's witness.
  std::optional<BabyBear> FindWitness(size_t bits, uint64_t first, uint64_t count) const;
  // Verifier (and prover): observes the witness, samples `bits` bits and reports whether they are
  // all zero. The observation happens whether or not the check passes.
  bool CheckWitness(size_t bits, BabyBear witness);

 private:
  void Duplex();

  std::array<BabyBear, kWidth> state_{};
  std::array<BabyBear, kRate> input_{};
  size_t input_size_ = 0;
  std::array<BabyBear, kRate> output_{};
  size_t output_size_ = 0;
};

}  // namespace prova::transcript
