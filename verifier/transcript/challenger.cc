#include "verifier/transcript/challenger.h"

#include "common/error.h"
#include "verifier/field/packed_babybear.h"

namespace prova::transcript {

using hash::Poseidon2;

void DuplexChallenger::Duplex() {
  PROVA_CHECK(input_size_ <= kRate, "challenger input buffer overflow");
  for (size_t i = 0; i < input_size_; ++i) state_[i] = input_[i];
  input_size_ = 0;
  Poseidon2::Permute(state_);
  for (size_t i = 0; i < kRate; ++i) output_[i] = state_[i];
  output_size_ = kRate;
}

void DuplexChallenger::Observe(BabyBear x) {
  output_size_ = 0;  // outputs computed before this observation must not be handed out
  input_[input_size_++] = x;
  if (input_size_ == kRate) Duplex();
}

void DuplexChallenger::Observe(std::span<const BabyBear> xs) {
  for (BabyBear x : xs) Observe(x);
}

void DuplexChallenger::ObserveExtension(const BabyBear4& x) {
  Observe(std::span<const BabyBear>(x.coeffs()));
}

void DuplexChallenger::ObserveBytes(std::span<const uint8_t> bytes) {
  Observe(BabyBear::from_u64(bytes.size()));
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = 0;
    for (size_t j = 0; j < 3 && i + j < bytes.size(); ++j) {
      chunk |= static_cast<uint32_t>(bytes[i + j]) << (8 * j);
    }
    Observe(BabyBear::from_canonical(chunk));  // < 2^24 < p: no reduction
  }
}

void DuplexChallenger::ObserveLabel(std::string_view label) {
  ObserveBytes(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(label.data()), label.size()));
}

BabyBear DuplexChallenger::Sample() {
  if (input_size_ != 0 || output_size_ == 0) Duplex();
  return output_[--output_size_];
}

BabyBear4 DuplexChallenger::SampleExtension() {
  std::array<BabyBear, 4> coeffs;
  for (BabyBear& c : coeffs) c = Sample();
  return BabyBear4::from_coeffs(coeffs);
}

uint64_t DuplexChallenger::SampleBits(size_t bits) {
  PROVA_CHECK(bits <= kMaxSampleBits, "SampleBits: too many bits for a BabyBear sample");
  return Sample().as_canonical() & ((uint64_t{1} << bits) - 1);
}

bool DuplexChallenger::CheckWitness(size_t bits, BabyBear witness) {
  Observe(witness);
  return SampleBits(bits) == 0;
}

std::optional<BabyBear> DuplexChallenger::FindWitness(size_t bits, uint64_t first,
                                                      uint64_t count) const {
  PROVA_CHECK(bits <= kMaxSampleBits, "FindWitness: too many bits");
  // CheckWitness(w) permutes the state with the pending input followed by w in the rate and
  // tests the low bits of state[kRate - 1]. Try Packed::kWidth candidates per permutation.
  using Packed = BabyBear::Packed;
  constexpr size_t kLanes = Packed::kWidth;
  PROVA_CHECK(count % kLanes == 0, "FindWitness: count must be a multiple of the packed width");
  Poseidon2::PackedState base;
  for (size_t i = 0; i < kWidth; ++i) base[i] = Packed(state_[i]);
  for (size_t i = 0; i < input_size_; ++i) base[i] = Packed(input_[i]);
  const uint32_t mask = static_cast<uint32_t>((uint64_t{1} << bits) - 1);
  std::array<BabyBear, kLanes> candidates;
  for (uint64_t start = first; start < first + count; start += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) {
      candidates[l] = BabyBear::from_u64(start + l);  // past p - 1 wraps to small values, harmless
    }
    Poseidon2::PackedState s = base;
    s[input_size_] = Packed::from_array(candidates);
    Poseidon2::Permute(s);
    const std::array<BabyBear, kLanes> samples = s[kRate - 1].to_array();
    for (size_t l = 0; l < kLanes; ++l) {
      if ((samples[l].as_canonical() & mask) == 0) return candidates[l];
    }
  }
  return std::nullopt;
}

BabyBear DuplexChallenger::Grind(size_t bits) {
  constexpr uint64_t kStep = uint64_t{1} << 12;
  std::optional<BabyBear> witness;
  for (uint64_t start = 0; !witness && start < BabyBear::kPrime; start += kStep) {
    witness = FindWitness(bits, start, kStep);
  }
  PROVA_CHECK(witness.has_value(), "Grind: no witness in the whole field");
  const bool ok = CheckWitness(bits, *witness);
  PROVA_CHECK(ok, "Grind: the packed search disagrees with CheckWitness");
  return *witness;
}

}  // namespace prova::transcript
