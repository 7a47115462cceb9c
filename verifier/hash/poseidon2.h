#pragma once

// Poseidon2 over BabyBear, width 16, S-box x^7, 4 + 4 full rounds and 13 partial rounds: the
// HorizenLabs reference instance POSEIDON2_BABYBEAR_16_PARAMS (eprint 2023/323). The constants and
// the known-answer tests are in /work/shared/vectors/poseidon2_babybear_w16.json; poseidon2_test.cc
// checks every constant below against that file. Parameters and security: verifier/hash/README.md.

#include <array>
#include <cstddef>
#include <cstdint>

#include "verifier/field/babybear.h"
#include "verifier/field/packed_babybear.h"

namespace prova::hash {

class Poseidon2 {
 public:
  static constexpr size_t kWidth = 16;
  static constexpr size_t kHalfFullRounds = 4;  // full rounds before and after the partial rounds
  static constexpr size_t kFullRounds = 2 * kHalfFullRounds;
  static constexpr size_t kPartialRounds = 13;
  static constexpr uint64_t kSboxDegree = 7;

  using State = std::array<BabyBear, kWidth>;
  // Lane l of every element is state l: BabyBear::Packed::kWidth independent permutations at once.
  using PackedState = std::array<BabyBear::Packed, kWidth>;

  static void Permute(State& state);
  static void Permute(PackedState& state);

  // The building blocks of Permute, public so that a test can follow the reference trace step by
  // step: Permute = ExternalLinearLayer, FullRound(0..3), PartialRound(0..12), FullRound(4..7).
  static void ExternalLinearLayer(State& state);
  static void FullRound(State& state, size_t round);
  static void PartialRound(State& state, size_t round);

  // The reference constants as canonical integers (not Montgomery form).
  static const std::array<std::array<uint32_t, kWidth>, kFullRounds> kExternalRoundConstants;
  static const std::array<uint32_t, kPartialRounds> kInternalRoundConstants;
  // Diagonal of the internal matrix minus one: M_I = J + diag(kInternalDiagonalMinusOne).
  static const std::array<uint32_t, kWidth> kInternalDiagonalMinusOne;
};

}  // namespace prova::hash
