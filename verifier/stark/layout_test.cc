// Lifting (docs/stark.md, section 2): the maps that let FRI test one codeword for tables of every
// height, and the degree bound it is tested against.

#include "verifier/stark/layout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <utility>
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

// Zero knowledge by counting (docs/stark.md, section 4). A committed column is t + Z_H r with r
// uniform of h base-field coefficients; what a proof determines of it is uniform and independent
// of t if the linear map from r to those values is onto. Take the points of one proof of the
// smallest table with short randomisers: every query point x in the LDE coset and its next row
// x g (the quotient's value at x reads it), and zeta, zeta g, zeta', zeta' g in the extension
// field, each giving four base-field equations (the coordinates of z^i). With Z_H(x) != 0 factored
// out, the map's rows are the powers of those points; they must be linearly independent.
size_t RankModP(std::vector<std::vector<BabyBear>> rows) {
  size_t rank = 0;
  const size_t width = rows.empty() ? 0 : rows[0].size();
  for (size_t col = 0; col < width && rank < rows.size(); ++col) {
    size_t pivot = rank;
    while (pivot < rows.size() && rows[pivot][col] == BabyBear::zero()) ++pivot;
    if (pivot == rows.size()) continue;
    std::swap(rows[rank], rows[pivot]);
    const BabyBear inv = rows[rank][col].inverse();
    for (size_t r = rank + 1; r < rows.size(); ++r) {
      const BabyBear factor = rows[r][col] * inv;
      if (factor == BabyBear::zero()) continue;
      for (size_t c = col; c < width; ++c) rows[r][c] = rows[r][c] - factor * rows[rank][c];
    }
    ++rank;
  }
  return rank;
}

// The values one proof determines of a table of 2^log_n rows are independent linear functionals
// of its randomisers' coefficients (their map has full rank), so they are uniform whatever the
// trace.
void ExpectRandomisersCoverEveryValue(const StarkConfig& config, size_t log_n) {
  const size_t h = RandomizerLength(log_n, config);
  const size_t log_lde = LogDegree(log_n, config) + config.fri.log_blowup;
  const BabyBear g = BabyBear::two_adic_generator(static_cast<uint32_t>(log_n));
  std::vector<std::vector<BabyBear>> rows;
  auto powers_of = [&](BabyBear x) {
    std::vector<BabyBear> row(h);
    BabyBear p = BabyBear::one();
    for (BabyBear& v : row) v = std::exchange(p, p * x);
    rows.push_back(std::move(row));
  };
  auto coordinates_of_powers = [&](BabyBear4 z) {
    std::vector<std::vector<BabyBear>> four(4, std::vector<BabyBear>(h));
    BabyBear4 p = BabyBear4::one();
    for (size_t i = 0; i < h; ++i, p = p * z) {
      for (size_t k = 0; k < 4; ++k) four[k][i] = p.coeff(k);
    }
    for (auto& row : four) rows.push_back(std::move(row));
  };
  // Distinct points: a proof whose queries collide reveals fewer values, not more.
  std::mt19937_64 rng(11);
  std::set<uint32_t> used;
  for (size_t q = 0; q < config.fri.num_queries;) {
    const uint64_t index = rng() & ((uint64_t{1} << log_lde) - 1);
    const BabyBear x = fri::DomainPoint(fri::DomainShift(), log_lde, index);
    if (used.contains(x.as_canonical()) || used.contains((x * g).as_canonical())) continue;
    used.insert({x.as_canonical(), (x * g).as_canonical()});
    powers_of(x);
    powers_of(x * g);
    ++q;
  }
  for (size_t k = 0; k < kOutOfDomainPoints; ++k) {
    const BabyBear4 zeta =
        BabyBear4::from_coeffs({BabyBear::from_u64(rng()), BabyBear::from_u64(rng()),
                                BabyBear::from_u64(rng()), BabyBear::from_u64(rng())});
    coordinates_of_powers(zeta);
    coordinates_of_powers(zeta * BabyBear4(g));
  }
  EXPECT_EQ(rows.size(), RevealedValues(config));
  EXPECT_GE(h, rows.size());
  EXPECT_EQ(RankModP(rows), rows.size()) << "h = " << h << " for " << rows.size() << " values";
}

// Short randomisers, at the smallest height that takes them (h / n is largest there), and
// randomisers as long as the table below it, from the smallest table that zero knowledge allows
// (the smallest power of two n >= RevealedValues; the RV32IM circuit's kMinTableHeight, 256, is
// among these heights).
TEST(ZeroKnowledgeTest, RandomisersCoverEveryValueAProofDetermines) {
  for (const StarkConfig& config : {DefaultConfig(), TestConfig()}) {
    size_t log_n = 1;
    while ((size_t{1} << log_n) < RevealedValues(config)) ++log_n;
    for (; RandomizerLength(log_n, config) == (size_t{1} << log_n); ++log_n) {
      SCOPED_TRACE(log_n);
      ExpectRandomisersCoverEveryValue(config, log_n);
    }
    SCOPED_TRACE(log_n);
    ExpectRandomisersCoverEveryValue(config, log_n);
  }
}

}  // namespace
}  // namespace prova::stark
