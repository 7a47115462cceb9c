#pragma once

// Poseidon2 over BabyBear (eprint 2023/323), S-box x^7, 4 + 4 full rounds, in the width-16 instance
// of the authors' reference implementation (HorizenLabs/poseidon2,
// poseidon2_instance_babybear.rs): Poseidon2 = POSEIDON2_BABYBEAR_16_PARAMS, 13 partial rounds.
// Merkle nodes, the Fiat-Shamir transcript, proof of work. Constants and known-answer tests in
// /work/shared/vectors/poseidon2_babybear_w16.json; poseidon2_test.cc checks every constant
// against that file. The implementation is a template over the width and the number of partial
// rounds, as the reference's is. Parameters and security: verifier/hash/README.md.

#include <array>
#include <cstddef>
#include <cstdint>

#include "verifier/field/babybear.h"
#include "verifier/field/packed_babybear.h"

namespace prova::hash {

template <size_t Width, size_t PartialRounds>
class Poseidon2Instance {
 public:
  static constexpr size_t kWidth = Width;
  static constexpr size_t kHalfFullRounds = 4;  // full rounds before and after the partial rounds
  static constexpr size_t kFullRounds = 2 * kHalfFullRounds;
  static constexpr size_t kPartialRounds = PartialRounds;
  static constexpr uint64_t kSboxDegree = 7;
  static_assert(kWidth % 4 == 0, "the external layer works on blocks of 4");

  using State = std::array<BabyBear, kWidth>;
  // Lane l of every element is state l: BabyBear::Packed::kWidth independent permutations at once.
  using PackedState = std::array<BabyBear::Packed, kWidth>;

  static void Permute(State& state);
  static void Permute(PackedState& state);

  // The building blocks of Permute, public so that a test can follow the reference trace step by
  // step: Permute = ExternalLinearLayer, FullRound(0..3), PartialRound(0..P-1), FullRound(4..7).
  static void ExternalLinearLayer(State& state);
  static void FullRound(State& state, size_t round);
  static void PartialRound(State& state, size_t round);

  // The reference constants as canonical integers (not Montgomery form).
  static const std::array<std::array<uint32_t, kWidth>, kFullRounds> kExternalRoundConstants;
  static const std::array<uint32_t, kPartialRounds> kInternalRoundConstants;
  // Diagonal of the internal matrix minus one: M_I = J + diag(kInternalDiagonalMinusOne).
  static const std::array<uint32_t, kWidth> kInternalDiagonalMinusOne;
};

using Poseidon2 = Poseidon2Instance<16, 13>;

// The constants of the instance are explicit specializations, defined in poseidon2.cc.
#define PROVA_POSEIDON2_DECLARE_CONSTANTS(W, P)                                                  \
  template <>                                                                                    \
  const std::array<std::array<uint32_t, W>, 8> Poseidon2Instance<W, P>::kExternalRoundConstants; \
  template <>                                                                                    \
  const std::array<uint32_t, P> Poseidon2Instance<W, P>::kInternalRoundConstants;                \
  template <>                                                                                    \
  const std::array<uint32_t, W> Poseidon2Instance<W, P>::kInternalDiagonalMinusOne;              \
  extern template class Poseidon2Instance<W, P>;
PROVA_POSEIDON2_DECLARE_CONSTANTS(16, 13)
#undef PROVA_POSEIDON2_DECLARE_CONSTANTS

}  // namespace prova::hash
