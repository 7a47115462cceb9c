#include "verifier/transcript/challenger.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace prova::transcript {
namespace {

using hash::Poseidon2;

BabyBear F(uint32_t x) { return BabyBear::from_canonical(x); }

// A protocol-like sequence; `tweak` changes the value of one early observation.
std::vector<uint64_t> RunProtocol(DuplexChallenger& c, uint32_t tweak = 0) {
  std::vector<uint64_t> out;
  c.ObserveLabel("prova-test");
  hash::Digest commitment;
  for (size_t i = 0; i < 8; ++i) commitment[i] = F(100 + i);
  c.Observe(commitment);
  c.Observe(F(7 + tweak));
  out.push_back(c.Sample().as_canonical());
  BabyBear4 alpha = c.SampleExtension();
  for (BabyBear x : alpha.coeffs()) out.push_back(x.as_canonical());
  c.ObserveExtension(alpha * alpha);
  for (int i = 0; i < 11; ++i) c.Observe(F(static_cast<uint32_t>(i)));
  for (int i = 0; i < 20; ++i) out.push_back(c.SampleBits(20));
  for (int i = 0; i < 5; ++i) {
    BabyBear4 beta = c.SampleExtension();
    for (BabyBear x : beta.coeffs()) out.push_back(x.as_canonical());
  }
  return out;
}

TEST(ChallengerTest, ProverAndVerifierDeriveTheSameChallenges) {
  DuplexChallenger prover, verifier;
  EXPECT_EQ(RunProtocol(prover), RunProtocol(verifier));
  EXPECT_EQ(prover.Sample(), verifier.Sample());
}

TEST(ChallengerTest, DifferentObservationChangesEveryLaterChallenge) {
  DuplexChallenger a, b;
  std::vector<uint64_t> x = RunProtocol(a);
  std::vector<uint64_t> y = RunProtocol(b, 1);
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NE(x[i], y[i]) << "challenge " << i;
}

TEST(ChallengerTest, OrderAndLabelsMatter) {
  DuplexChallenger a, b, c, d;
  a.Observe(F(1));
  a.Observe(F(2));
  b.Observe(F(2));
  b.Observe(F(1));
  EXPECT_NE(a.Sample(), b.Sample());
  const uint8_t ab[] = {'a', 'b'};
  const uint8_t ab0[] = {'a', 'b', 0};
  c.ObserveBytes(ab);
  d.ObserveBytes(ab0);
  EXPECT_NE(c.Sample(), d.Sample());
}

// The duplex construction itself: overwrite the rate with the input, permute, read backwards.
TEST(ChallengerTest, MatchesDuplexDefinition) {
  DuplexChallenger c;
  c.Observe(F(5));
  c.Observe(F(6));
  Poseidon2::State state{};
  state[0] = F(5);
  state[1] = F(6);
  Poseidon2::Permute(state);
  for (size_t i = 0; i < DuplexChallenger::kRate; ++i) {
    EXPECT_EQ(c.Sample(), state[DuplexChallenger::kRate - 1 - i]);
  }
  // Outputs used up: the next sample permutes again with no new input.
  Poseidon2::Permute(state);
  EXPECT_EQ(c.Sample(), state[7]);
  // An observation discards the remaining outputs and overwrites state[0] only.
  c.Observe(F(9));
  state[0] = F(9);
  Poseidon2::Permute(state);
  EXPECT_EQ(c.Sample(), state[7]);
  // Eight observations are absorbed as they arrive; the sample uses those outputs.
  for (uint32_t i = 0; i < 8; ++i) {
    c.Observe(F(i));
    state[i] = F(i);
  }
  Poseidon2::Permute(state);
  EXPECT_EQ(c.Sample(), state[7]);
}

TEST(ChallengerTest, SampleBitsIsInRange) {
  DuplexChallenger c;
  for (size_t bits = 0; bits <= DuplexChallenger::kMaxSampleBits; ++bits) {
    for (int i = 0; i < 20; ++i) EXPECT_LT(c.SampleBits(bits), uint64_t{1} << bits);
  }
}

TEST(ChallengerTest, ProofOfWork) {
  for (size_t bits : {0, 1, 8, 12}) {
    for (uint32_t pending : {0u, 3u, 7u}) {  // grinding with 0, 3 or 7 elements not yet absorbed
      DuplexChallenger prover, verifier;
      for (uint32_t i = 0; i < 8 + pending; ++i) {
        prover.Observe(F(i));
        verifier.Observe(F(i));
      }
      BabyBear witness = prover.Grind(bits);
      if (bits == 0) {
        EXPECT_EQ(witness, BabyBear::zero());
      }
      DuplexChallenger wrong = verifier;
      EXPECT_TRUE(verifier.CheckWitness(bits, witness)) << bits << " bits";
      // Both continue from the same state.
      EXPECT_EQ(prover.SampleExtension(), verifier.SampleExtension());
      if (bits >= 8) {
        // The smallest witness is found, so every smaller candidate fails; so does w + 1 here.
        for (uint32_t w = 0; w < witness.as_canonical(); ++w) {
          DuplexChallenger attempt = wrong;
          EXPECT_FALSE(attempt.CheckWitness(bits, F(w)));
        }
      }
    }
  }
}

TEST(ChallengerTest, WrongNonceIsRejected) {
  DuplexChallenger prover, verifier;
  prover.ObserveLabel("pow");
  verifier.ObserveLabel("pow");
  BabyBear witness = prover.Grind(16);
  DuplexChallenger copy = verifier;
  EXPECT_TRUE(copy.CheckWitness(16, witness));
  int rejected = 0;
  for (uint32_t delta = 1; delta <= 64; ++delta) {
    DuplexChallenger attempt = verifier;
    if (!attempt.CheckWitness(16, witness + F(delta))) ++rejected;
  }
  EXPECT_GE(rejected, 63);  // each wrong nonce passes with probability 2^-16
  // A witness ground for another transcript does not carry over.
  DuplexChallenger other;
  other.ObserveLabel("other");
  DuplexChallenger other_copy = other;
  BabyBear other_witness = other.Grind(16);
  if (other_witness != witness) {
    EXPECT_FALSE(verifier.CheckWitness(16, other_witness));
  }
  EXPECT_TRUE(other_copy.CheckWitness(16, other_witness));
}

// Frozen challenges: any change to the duplex construction shows up here.
TEST(ChallengerTest, FrozenChallenges) {
  const std::array<uint32_t, 8> root = {1390638612, 1703045683, 650125590, 527281080,
                                        918974446,  1987750543, 28220052,  1764157957};
  DuplexChallenger c;
  c.ObserveLabel("prova");
  for (uint32_t x : root) c.Observe(F(x));
  EXPECT_EQ(c.Sample().as_canonical(), 425679768u);
  BabyBear4 e = c.SampleExtension();
  EXPECT_EQ(e, BabyBear4::from_coeffs({F(1382474633), F(211509676), F(1097468842), F(1093542101)}));
  EXPECT_EQ(c.SampleBits(20), 701419u);
  EXPECT_EQ(c.Grind(10).as_canonical(), 399u);
}

}  // namespace
}  // namespace prova::transcript
