// Lifting (docs/stark.md, section 2): the maps that let FRI test one codeword for tables of every
// height, and the degree bound it is tested against.

#include "verifier/stark/layout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "verifier/air/examples/fibonacci.h"
#include "verifier/fri/fri.h"
#include "verifier/stark/verifier.h"

namespace prova::stark {
namespace {

// A table lifted by 2^k is read at row index >> k of its own LDE. That row's point must be
// TablePoint of the largest LDE's point, or the verifier's DEEP values would not be the
// lifted polynomial's.
TEST(LiftingTest, TablePointMapsTheLargestLdeOntoTheTables) {
  const size_t log_max = 10;
  for (size_t lift = 0; lift <= 5; ++lift) {
    for (uint64_t index = 0; index < (uint64_t{1} << log_max); index += 7) {
      const BabyBear x = fri::DomainPoint(fri::DomainShift(), log_max, index);
      const BabyBear small = fri::DomainPoint(fri::DomainShift(), log_max - lift, index >> lift);
      EXPECT_EQ(TablePoint(BabyBear4(x), lift), BabyBear4(small)) << lift << " " << index;
    }
  }
}

// The next row of a lifted table: (zeta w)^(2^k) must be the table's point times g.
TEST(LiftingTest, NextRowRootLiftsToTheTraceGenerator) {
  for (size_t log_height = 1; log_height <= 20; ++log_height) {
    for (size_t lift = 0; lift <= 6; ++lift) {
      BabyBear w = NextRowRoot(log_height, lift);
      for (size_t k = 0; k < lift; ++k) w = w * w;
      EXPECT_EQ(w, BabyBear::two_adic_generator(static_cast<uint32_t>(log_height)));
    }
  }
  const BabyBear4 zeta = BabyBear4::from_coeffs({BabyBear::from_u64(3), BabyBear::from_u64(5),
                                                 BabyBear::from_u64(7), BabyBear::from_u64(11)});
  const size_t log_height = 6, lift = 3;
  EXPECT_EQ(
      TablePoint(zeta * NextRowRoot(log_height, lift), lift),
      TablePoint(zeta, lift) * BabyBear::two_adic_generator(static_cast<uint32_t>(log_height)));
}

// The lifted degree bound is the largest 2^k D over the tables, and its rate never exceeds the
// one the security report uses (WorstRate), for every mix of heights.
TEST(LiftingTest, LiftedDegreeBoundStaysWithinTheReportedRate) {
  const AirTable<air::examples::FibonacciAir> fib{air::examples::FibonacciAir{}};
  for (const bool zk : {true, false}) {
    StarkConfig config = DefaultConfig();
    config.zero_knowledge = zk;
    for (size_t log_max = 6; log_max <= 18; ++log_max) {
      std::vector<TableLayout> layouts;
      for (size_t log_height = 1; log_height <= log_max; ++log_height) {
        layouts.push_back(MakeLayout(fib, log_height, config));
      }
      const FriInput input = PlanFriInput(layouts);
      EXPECT_EQ(input.log_size, layouts.back().log_lde);
      size_t expected = 0;
      for (const TableLayout& l : layouts) {
        expected = std::max(expected, l.degree_bound << (input.log_size - l.log_lde));
      }
      EXPECT_EQ(input.degree_bound, expected);
      const double rate = static_cast<double>(input.degree_bound) /
                          std::ldexp(1.0, static_cast<int>(input.log_size));
      EXPECT_LE(rate, WorstRate(config, log_max) + 1e-12) << log_max << (zk ? " zk" : "");
    }
  }
}

// The combined quotient (QuotientPlan) holds every table's lifted quotient, its chunks stay within
// FRI's degree bound and the rate of the largest LDE, for every mix of heights: the verifier
// derives the plan from heights the proof states.
TEST(LiftingTest, CombinedQuotientHoldsEveryLiftedQuotient) {
  const AirTable<air::examples::FibonacciAir> fib{air::examples::FibonacciAir{}};
  for (const bool zk : {true, false}) {
    StarkConfig config = DefaultConfig();
    config.zero_knowledge = zk;
    for (size_t log_max = 6; log_max <= 18; ++log_max) {
      for (size_t log_min = 1; log_min <= log_max; log_min += 3) {
        std::vector<TableLayout> layouts;
        for (size_t log_height = log_min; log_height <= log_max; log_height += 2) {
          layouts.push_back(MakeLayout(fib, log_height, config));
        }
        const FriInput input = PlanFriInput(layouts);
        const QuotientPlan plan = PlanQuotient(input, layouts, config);
        EXPECT_LE(plan.degree_bound, input.degree_bound);
        EXPECT_GE(input.log_size, plan.log_chunk_len + config.fri.log_blowup);
        EXPECT_EQ(plan.randomizer_len, RandomizerLength(plan.log_chunk_len, config));
        EXPECT_GE(plan.num_chunks, zk ? 2u : 1u);
        for (const TableLayout& l : layouts) {
          EXPECT_LE(((l.quotient_len - 1) << LogLift(input, l)) + 1,
                    plan.num_chunks * plan.chunk_len());
          EXPECT_LE(l.log_height + LogLift(input, l), plan.log_chunk_len);
        }
      }
    }
  }
}

}  // namespace
}  // namespace prova::stark
