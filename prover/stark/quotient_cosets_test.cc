#include "prover/stark/quotient_cosets.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "common/error.h"
#include "prover/ntt/ntt.h"
#include "verifier/fri/fri.h"

namespace prova::stark {
namespace {

TableLayout Layout(size_t log_height, size_t log_quotient, size_t quotient_len) {
  TableLayout l;
  l.log_height = log_height;
  l.log_quotient = log_quotient;
  l.quotient_len = quotient_len;
  return l;
}

std::vector<BabyBear4> RandomPolynomial(size_t len, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<BabyBear4> q(len);
  for (BabyBear4& c : q) {
    c = BabyBear4::from_coeffs({BabyBear::from_u64(rng()), BabyBear::from_u64(rng()),
                                BabyBear::from_u64(rng()), BabyBear::from_u64(rng())});
  }
  return q;
}

BabyBear4 Evaluate(const std::vector<BabyBear4>& q, BabyBear x) {
  BabyBear4 acc = BabyBear4::zero();
  for (size_t j = q.size(); j-- > 0;) acc = acc * x + q[j];
  return acc;
}

// Q's values where the prover takes them: the plan's cosets of the quotient domain, each in
// bit-reversed order, and the overflow coset.
void EvaluateOnPlan(const QuotientCosets& plan, const std::vector<BabyBear4>& q,
                    std::vector<BabyBear4>* cosets, std::vector<BabyBear4>* overflow) {
  const size_t n = size_t{1} << plan.log_height;
  const BabyBear w = BabyBear::two_adic_generator(static_cast<uint32_t>(plan.log_height));
  cosets->clear();
  for (size_t b = 0; b < plan.cosets; ++b) {
    const BabyBear c =
        ntt::coset_lde_block_shift(static_cast<uint32_t>(plan.log_quotient), fri::DomainShift(),
                                   static_cast<uint32_t>(plan.log_height), b);
    for (size_t i = 0; i < n; ++i) {
      cosets->push_back(
          Evaluate(q, c * w.pow(ntt::bit_reverse(i, static_cast<uint32_t>(plan.log_height)))));
    }
  }
  overflow->clear();
  for (const BabyBear x : OverflowCosetPoints(plan)) overflow->push_back(Evaluate(q, x));
}

struct Case {
  size_t log_height, log_quotient, quotient_len;
  size_t cosets, overflow_points;  // the expected plan
};

// The shapes zero knowledge gives (h = 44 randomiser coefficients): a degree-2 table's n + 2h, a
// degree-4 table's 3n + 4h - 2; without it a degree-4 table's 3n - 2, and lengths that leave the
// whole domain as the cheapest plan.
const Case kCases[] = {
    {8, 9, 256 + 88, 1, 128},          // one coset and 88 overflow coefficients on 128 points
    {10, 12, 3 * 1024 + 174, 3, 256},  // three cosets and the overflow
    {9, 11, 3 * 512 - 2, 3, 16},       // three cosets; the small coset only checks the degree
    {6, 8, 3 * 64 + 30, 4, 0},         // overflow too large for n = 64: the whole domain
    {8, 9, 2 * 256 - 4, 2, 0},         // no room for fewer points
    {9, 11, 2 * 512 - 200, 2, 0},      // two cosets of four, with room to check
};

TEST(QuotientCosets, PlansTheFewestEvaluations) {
  for (const Case& c : kCases) {
    const QuotientCosets plan =
        PlanQuotientCosets(Layout(c.log_height, c.log_quotient, c.quotient_len));
    EXPECT_EQ(plan.cosets, c.cosets) << c.quotient_len;
    EXPECT_EQ(plan.overflow_points(), c.overflow_points) << c.quotient_len;
    EXPECT_GE(plan.evaluations(), c.quotient_len + (plan.whole_domain() ? 0 : kQuotientSpare));
    EXPECT_LE(plan.evaluations(), size_t{1} << c.log_quotient);
  }
}

TEST(QuotientCosets, RecoversEveryCoefficient) {
  uint64_t seed = 1;
  for (const Case& c : kCases) {
    const QuotientCosets plan =
        PlanQuotientCosets(Layout(c.log_height, c.log_quotient, c.quotient_len));
    const std::vector<BabyBear4> q = RandomPolynomial(c.quotient_len, seed++);
    std::vector<BabyBear4> cosets, overflow;
    EvaluateOnPlan(plan, q, &cosets, &overflow);
    EXPECT_EQ(InterpolateQuotient(plan, cosets, overflow, c.quotient_len, true, "t"), q)
        << c.quotient_len;
  }
}

// A trace that violates its constraints leaves values that no polynomial of quotient_len
// coefficients takes: the check refuses them, wherever the excess lies (one coefficient above the
// length, or the top of the checked range), and without the check the values are interpolated
// anyway (the unchecked prover of the negative tests).
TEST(QuotientCosets, RefusesValuesOfAHigherDegree) {
  uint64_t seed = 100;
  for (const Case& c : kCases) {
    const QuotientCosets plan =
        PlanQuotientCosets(Layout(c.log_height, c.log_quotient, c.quotient_len));
    if (plan.evaluations() == c.quotient_len) continue;  // nothing left to check
    for (const size_t extra : {size_t{1}, plan.evaluations() - c.quotient_len}) {
      std::vector<BabyBear4> q = RandomPolynomial(c.quotient_len + extra, seed++);
      std::vector<BabyBear4> cosets, overflow;
      EvaluateOnPlan(plan, q, &cosets, &overflow);
      EXPECT_THROW(InterpolateQuotient(plan, cosets, overflow, c.quotient_len, true, "t"), Error)
          << c.quotient_len << " + " << extra;
      EXPECT_EQ(InterpolateQuotient(plan, cosets, overflow, c.quotient_len, false, "t").size(),
                c.quotient_len);
    }
    // One changed value (a single failing row) is refused too.
    std::vector<BabyBear4> cosets, overflow;
    EvaluateOnPlan(plan, RandomPolynomial(c.quotient_len, seed++), &cosets, &overflow);
    cosets[cosets.size() / 2] = cosets[cosets.size() / 2] + BabyBear4::one();
    EXPECT_THROW(InterpolateQuotient(plan, cosets, overflow, c.quotient_len, true, "t"), Error);
  }
}

TEST(QuotientCosets, OverflowCosetAvoidsTheDomains) {
  const QuotientCosets plan = PlanQuotientCosets(Layout(10, 12, 3 * 1024 + 174));
  ASSERT_TRUE(plan.has_overflow);
  const size_t n = size_t{1} << plan.log_height;
  const BabyBear t = OverflowCosetShift().pow(n);
  EXPECT_NE(t, BabyBear::one());  // Z_H does not vanish on y K
  for (size_t b = 0; b < (size_t{1} << (plan.log_quotient - plan.log_height)); ++b) {
    const BabyBear c =
        ntt::coset_lde_block_shift(static_cast<uint32_t>(plan.log_quotient), fri::DomainShift(),
                                   static_cast<uint32_t>(plan.log_height), b);
    EXPECT_NE(t, c.pow(n)) << b;  // y K meets no coset of the quotient domain
  }
  for (const BabyBear x : OverflowCosetPoints(plan)) EXPECT_EQ(x.pow(n), t);
}

}  // namespace
}  // namespace prova::stark
