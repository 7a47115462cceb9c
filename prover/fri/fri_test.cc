#include "verifier/fri/fri.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "prover/fri/fri_prover.h"

namespace prova::fri {
namespace {

BabyBear4 RandomExt(std::mt19937_64& rng) {
  return BabyBear4::from_coeffs({BabyBear::from_u64(rng()), BabyBear::from_u64(rng()),
                                 BabyBear::from_u64(rng()), BabyBear::from_u64(rng())});
}

// Evaluations of a random polynomial of degree < degree_bound on the bit-reversed coset.
std::vector<BabyBear4> RandomCodeword(std::mt19937_64& rng, size_t log_size, size_t degree_bound) {
  std::vector<BabyBear4> coeffs(degree_bound);
  for (auto& c : coeffs) c = RandomExt(rng);
  std::vector<BabyBear4> out(size_t{1} << log_size);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = EvaluatePolynomial(coeffs, BabyBear4(DomainPoint(DomainShift(), log_size, i)));
  }
  return out;
}

FriParams TestParams(size_t log_arity) {
  FriParams p;
  p.log_blowup = 2;
  p.log_arity = log_arity;
  p.log_final_poly_len = 1;
  p.num_queries = 20;
  p.pow_bits = 4;
  return p;
}

// Proves, then verifies with the inputs opened directly (as the STARK does from its openings).
void ProveAndVerify(const FriParams& params, const std::vector<std::vector<BabyBear4>>& inputs,
                    FriProof* proof_out = nullptr, bool tamper_inputs = false,
                    const std::vector<size_t>& degree_bounds = {}) {
  std::vector<size_t> log_sizes;
  for (const auto& in : inputs)
    log_sizes.push_back(static_cast<size_t>(std::countr_zero(in.size())));
  transcript::DuplexChallenger prover_challenger;
  std::vector<uint64_t> indices;
  FriProof proof = Prove(params, inputs, degree_bounds, prover_challenger, &indices);
  if (proof_out != nullptr) {
    *proof_out = proof;
    return;
  }
  transcript::DuplexChallenger verifier_challenger;
  Verify(params, log_sizes, degree_bounds, proof, verifier_challenger,
         [&](std::span<const uint64_t> qs) {
           EXPECT_EQ(std::vector<uint64_t>(qs.begin(), qs.end()), indices);
           std::vector<std::vector<BabyBear4>> out;
           for (uint64_t q : qs) {
             std::vector<BabyBear4> row;
             for (size_t k = 0; k < inputs.size(); ++k) {
               BabyBear4 v = inputs[k][q >> (log_sizes[0] - log_sizes[k])];
               if (tamper_inputs) v = v + BabyBear4::one();
               row.push_back(v);
             }
             out.push_back(row);
           }
           return out;
         });
}

TEST(FriTest, FoldLeafMatchesArityTwoFormula) {
  std::mt19937_64 rng(1);
  BabyBear4 v0 = RandomExt(rng), v1 = RandomExt(rng), beta = RandomExt(rng);
  BabyBear y = BabyBear::from_canonical(12345);
  std::vector<BabyBear4> leaf = {v0, v1};
  BabyBear half = BabyBear::two().inverse();
  BabyBear4 expected = (v0 + v1) * half + beta * (v0 - v1) * (half * y.inverse());
  EXPECT_EQ(FoldLeaf(leaf, y.inverse(), beta), expected);
}

// The definition of a fold by r: on the coset y <w_r>, f(x) = sum_{i<r} x^i f_i(x^r) is the
// polynomial sum_i c_i x^i with c_i = f_i(y^r), and the fold is sum_i beta^i c_i.
TEST(FriTest, FoldLeafMatchesTheDefinitionForEveryArity) {
  std::mt19937_64 rng(3);
  for (size_t log_r = 1; log_r <= kMaxLogArity; ++log_r) {
    const size_t r = size_t{1} << log_r;
    std::vector<BabyBear4> c(r);
    for (auto& x : c) x = RandomExt(rng);
    const BabyBear4 beta = RandomExt(rng);
    const BabyBear y = BabyBear::from_canonical(987654321);
    std::vector<BabyBear4> leaf(r);
    for (size_t t = 0; t < r; ++t) {
      const BabyBear x =
          y * BabyBear::two_adic_generator(static_cast<uint32_t>(log_r)).pow(ReverseBits(t, log_r));
      leaf[t] = EvaluatePolynomial(c, BabyBear4(x));
    }
    EXPECT_EQ(FoldLeaf(leaf, y.inverse(), beta), EvaluatePolynomial(c, beta)) << "arity " << r;
    EXPECT_EQ(FoldLeaf(leaf, y.inverse(), beta, FoldTwiddlesInverse(log_r)),
              EvaluatePolynomial(c, beta));
    EXPECT_EQ(FoldTwiddlesInverse(log_r).size(), r - 1);
  }
}

TEST(FriTest, InterpolateRecoversCoefficients) {
  std::mt19937_64 rng(2);
  std::vector<BabyBear4> coeffs(8);
  for (auto& c : coeffs) c = RandomExt(rng);
  std::vector<BabyBear4> values(16);
  for (size_t i = 0; i < 16; ++i) {
    values[i] = EvaluatePolynomial(coeffs, BabyBear4(DomainPoint(DomainShift(), 4, i)));
  }
  auto back = InterpolateCoset(values, DomainShift(), 16);
  for (size_t i = 0; i < 16; ++i) EXPECT_EQ(back[i], i < 8 ? coeffs[i] : BabyBear4::zero());
}

class FriArityTest : public ::testing::TestWithParam<size_t> {};

TEST_P(FriArityTest, AcceptsLowDegree) {
  std::mt19937_64 rng(3);
  ProveAndVerify(TestParams(GetParam()), {RandomCodeword(rng, 9, 128)});
}

TEST_P(FriArityTest, AcceptsMixedHeights) {
  std::mt19937_64 rng(4);
  ProveAndVerify(TestParams(GetParam()), {RandomCodeword(rng, 10, 256), RandomCodeword(rng, 7, 32),
                                          RandomCodeword(rng, 4, 4)});
}

TEST_P(FriArityTest, RejectsHighDegree) {
  std::mt19937_64 rng(5);
  // Degree 4x the bound: far from the code, so the queries catch it.
  EXPECT_THROW(ProveAndVerify(TestParams(GetParam()), {RandomCodeword(rng, 9, 512)}), Error);
  EXPECT_THROW(ProveAndVerify(TestParams(GetParam()),
                              {RandomCodeword(rng, 9, 128), RandomCodeword(rng, 6, 64)}),
               Error);
}

TEST_P(FriArityTest, RejectsInconsistentInputs) {
  std::mt19937_64 rng(6);
  EXPECT_THROW(ProveAndVerify(TestParams(GetParam()), {RandomCodeword(rng, 8, 64)}, nullptr, true),
               Error);
}

INSTANTIATE_TEST_SUITE_P(Arities, FriArityTest, ::testing::Values(1, 2, 3));

TEST(FriTest, RejectsTamperedProof) {
  std::mt19937_64 rng(7);
  const FriParams params = TestParams(1);
  std::vector<std::vector<BabyBear4>> inputs = {RandomCodeword(rng, 8, 64)};
  FriProof honest;
  ProveAndVerify(params, inputs, &honest);
  auto verify = [&](const FriProof& proof) {
    transcript::DuplexChallenger c;
    Verify(params, std::vector<size_t>{8}, {}, proof, c, [&](std::span<const uint64_t> qs) {
      std::vector<std::vector<BabyBear4>> out;
      for (uint64_t q : qs) out.push_back({inputs[0][q]});
      return out;
    });
  };
  EXPECT_NO_THROW(verify(honest));
  {
    FriProof p = honest;
    p.final_poly[0] = p.final_poly[0] + BabyBear4::one();
    EXPECT_THROW(verify(p), Error);
  }
  {
    FriProof p = honest;
    p.commitments[1][0] += BabyBear::one();
    EXPECT_THROW(verify(p), Error);
  }
  {
    FriProof p = honest;
    p.layer_openings[2].queries[0].rows[0][1] += BabyBear::one();
    EXPECT_THROW(verify(p), Error);
  }
  // A row carries every value of its coset but the queried one, which the verifier puts back.
  auto rejects_with = [&](const FriProof& p, std::string_view reason) {
    try {
      verify(p);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string_view(e.what()).find(reason), std::string_view::npos) << e.what();
    }
  };
  {
    FriProof p = honest;
    auto& row = p.layer_openings[0].queries[0].rows[0];
    row.insert(row.begin(), 4, BabyBear::zero());
    rejects_with(p, "opened row has the wrong shape");
  }
  {
    FriProof p = honest;
    p.layer_openings[1].queries.pop_back();
    rejects_with(p, "wrong number of query openings");
  }
  {
    FriProof p = honest;
    p.pow_witness += BabyBear::one();
    EXPECT_THROW(verify(p), Error);  // fails the grinding check with probability 1 - 2^-4
  }
  {
    FriProof p = honest;
    p.final_poly.pop_back();
    EXPECT_THROW(verify(p), Error);
  }
  {
    FriProof p = honest;
    p.layer_openings.pop_back();
    EXPECT_THROW(verify(p), Error);
  }
}

TEST(FriTest, PlanStopsAtEveryInputSize) {
  FriParams p = TestParams(3);
  std::vector<size_t> sizes = {12, 10, 5};
  FoldingPlan plan = PlanFolding(p, sizes);
  EXPECT_EQ(plan.log_arities, (std::vector<size_t>{2, 3, 2, 2}));
  EXPECT_EQ(plan.log_final_size, 3u);
  EXPECT_THROW(PlanFolding(p, std::vector<size_t>{5, 6}), Error);
  EXPECT_EQ(plan.final_poly_len, 2u);
}

// Zero knowledge commits polynomials of degree a little above |domain| / blowup: the bound is
// carried through the folds (rounded up) and decides the final polynomial's length.
TEST(FriTest, DegreeBoundsAboveTheNominalDegree) {
  FriParams p = TestParams(2);
  const std::vector<size_t> sizes = {12, 10, 5};
  // 1064 folds to 266 (above the second input's 259), then 67, 17, 9 (joined by the third
  // input's 8) and 3 coefficients over the final domain of 2^3 points; nominal bounds give 2.
  const FoldingPlan plan = PlanFolding(p, sizes, std::vector<size_t>{1064, 259, 8});
  EXPECT_EQ(plan.final_poly_len, 3u);
  EXPECT_THROW(PlanFolding(p, sizes, std::vector<size_t>{1000, 256, 8}), Error);  // below nominal
  EXPECT_THROW(PlanFolding(p, sizes, std::vector<size_t>{2049, 256, 8}), Error);  // rate > 1/2
  EXPECT_THROW(PlanFolding(p, sizes, std::vector<size_t>{1064, 256}), Error);

  std::mt19937_64 rng(11);
  const std::vector<std::vector<BabyBear4>> inputs = {RandomCodeword(rng, 10, 256 + 9),
                                                      RandomCodeword(rng, 8, 64 + 2)};
  ProveAndVerify(p, inputs, nullptr, false, {256 + 9, 64 + 2});
  // The same codewords against the nominal bounds are too high a degree.
  EXPECT_THROW(ProveAndVerify(p, inputs), Error);
}

}  // namespace
}  // namespace prova::fri

namespace prova::fri {
namespace {

// The prover grinds on every core; the witness must still be the one the sequential search
// finds (the smallest), so proofs do not depend on the machine, and the verifier must accept it.
// At 17 and 18 bits the witness lies some dozens of ranges in, past where the threads race.
TEST(FriTest, ParallelGrindFindsTheSequentialWitness) {
  for (size_t bits : {0u, 1u, 9u, 14u, 17u, 18u}) {
    for (uint32_t pending : {0u, 5u}) {
      transcript::DuplexChallenger a, b;
      for (uint32_t i = 0; i < 8 + pending; ++i) {
        a.Observe(BabyBear::from_u64(1000 + i + bits));
        b.Observe(BabyBear::from_u64(1000 + i + bits));
      }
      const BabyBear sequential = a.Grind(bits);
      const BabyBear parallel = ParallelGrind(b, bits);
      EXPECT_EQ(sequential, parallel) << bits << " bits";
      EXPECT_EQ(a.Sample(), b.Sample()) << "the challengers continue from the same state";
    }
  }
}

}  // namespace
}  // namespace prova::fri
