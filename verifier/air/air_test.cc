#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "verifier/air/check.h"
#include "verifier/air/examples/byte_lookup.h"
#include "verifier/air/examples/fibonacci.h"
#include "verifier/air/examples/range_counter.h"
#include "verifier/air/examples/scaled_sequence.h"
#include "verifier/air/symbolic_builder.h"
#include "verifier/air/verifier_folder.h"
#include "verifier/field/extension.h"

namespace prova::air {
namespace {

using examples::ByteTableAir;
using examples::ByteUserAir;
using examples::FibonacciAir;
using examples::RangeCounterAir;
using examples::ScaledSequenceAir;
using EF = BabyBear4;

static_assert(kWidth<examples::FibonacciCols> == 2);
static_assert(kWidth<examples::RangeCounterCols> == 1 + examples::kCounterBits);
static_assert(AirBuilder<DebugBuilder<BabyBear, EF>>);
static_assert(AirBuilder<InteractionCollector<BabyBear, EF>>);
static_assert(Air<FibonacciAir> && Air<RangeCounterAir> && Air<ByteTableAir>);

TEST(SymbolicBuilderTest, InfersDegreesAndNames) {
  SymbolicBuilder s = RunSymbolic(FibonacciAir{});
  ASSERT_EQ(s.constraints().size(), 5u);
  EXPECT_EQ(s.constraints()[0].name, "first term");
  EXPECT_EQ(s.constraints()[0].degree, 2);  // first-row selector * degree-1 difference
  EXPECT_EQ(s.constraints()[2].name, "shift");
  EXPECT_EQ(s.constraints()[2].degree, 1);  // transition selector counts 0
  EXPECT_EQ(s.max_degree(), 2);
  EXPECT_TRUE(s.interactions().empty());

  SymbolicBuilder c = RunSymbolic(RangeCounterAir{});
  EXPECT_EQ(c.constraints()[0].name, "bit is boolean");
  EXPECT_EQ(c.constraints()[0].degree, 2);
  EXPECT_EQ(c.max_degree(), 2);
}

TEST(SymbolicBuilderTest, CountsInteractionsAndTheirConstraints) {
  SymbolicBuilder s = RunSymbolic(ByteUserAir{});
  ASSERT_EQ(s.interactions().size(), 2u);
  EXPECT_EQ(s.interactions()[0].direction, Direction::kSend);
  EXPECT_EQ(s.interactions()[1].name, "y");
  // sum, and the pair (x, y) as the running sum's step: they share one column at degree 3
  // (ChooseLogUpPlan prefers fewer columns to a lower degree).
  ASSERT_EQ(s.constraints().size(), 2u);
  EXPECT_EQ(s.constraints()[1].name, "logup x + y #0: running sum step");
  EXPECT_EQ(s.constraints()[1].degree, 3);
  EXPECT_TRUE(s.constraints()[1].extension);
  EXPECT_EQ(s.logup_plan(), (LogUpPlan{0, 0}));
  EXPECT_EQ(RunSymbolic(ByteTableAir{}).interactions()[0].direction, Direction::kReceive);
}

DebugReport CheckFibonacci(const RowMajorMatrix<BabyBear>& trace, const std::vector<BabyBear>& pv) {
  TableTraces<BabyBear, EF> t;
  t.main = &trace;
  t.public_values = pv;
  return CheckTable<BabyBear, EF>(FibonacciAir{}, t);
}

TEST(DebugCheckerTest, AcceptsAnHonestTrace) {
  BabyBear result;
  auto trace = FibonacciAir::GenerateTrace(16, BabyBear::zero(), BabyBear::one(), &result);
  EXPECT_EQ(result.as_canonical(), 987u);
  DebugReport r = CheckFibonacci(trace, {BabyBear::zero(), BabyBear::one(), result});
  EXPECT_TRUE(r.ok()) << r.ToString();
}

TEST(DebugCheckerTest, ReportsEveryFailureByNameAndRow) {
  BabyBear result;
  auto trace = FibonacciAir::GenerateTrace(16, BabyBear::zero(), BabyBear::one(), &result);
  trace.at(3, 1) += BabyBear::one();  // b[3]
  DebugReport r = CheckFibonacci(trace, {BabyBear::zero(), BabyBear::one(), result});
  EXPECT_EQ(r.total_failures, 3u) << r.ToString();
  EXPECT_TRUE(r.FailsAt("sum", 2));    // b[3] != a[2] + b[2]
  EXPECT_TRUE(r.FailsAt("shift", 3));  // a[4] != b[3]
  EXPECT_TRUE(r.FailsAt("sum", 3));    // b[4] != a[3] + b[3]
  EXPECT_NE(r.ToString().find("constraint 'shift' (#2) fails at row 3"), std::string::npos);
}

TEST(DebugCheckerTest, EverySingleCellChangeIsCaught) {
  BabyBear result;
  const auto honest = FibonacciAir::GenerateTrace(8, BabyBear::zero(), BabyBear::one(), &result);
  const std::vector<BabyBear> pv = {BabyBear::zero(), BabyBear::one(), result};
  for (size_t r = 0; r < honest.height(); ++r) {
    for (size_t c = 0; c < honest.width; ++c) {
      auto bad = honest;
      bad.at(r, c) += BabyBear::from_canonical(5);
      EXPECT_FALSE(CheckFibonacci(bad, pv).ok()) << "row " << r << " col " << c;
    }
  }
  auto counter = RangeCounterAir::GenerateTrace(8, 100);
  std::vector<BabyBear> cpv = {BabyBear::from_canonical(100)};
  TableTraces<BabyBear, EF> t{nullptr, &counter, nullptr, cpv};
  EXPECT_TRUE((CheckTable<BabyBear, EF>(RangeCounterAir{}, t).ok()));
  for (size_t r = 0; r < counter.height(); ++r) {
    for (size_t c = 0; c < counter.width; ++c) {
      auto bad = counter;
      bad.at(r, c) += BabyBear::one();
      TableTraces<BabyBear, EF> tb{nullptr, &bad, nullptr, cpv};
      DebugReport rep = CheckTable<BabyBear, EF>(RangeCounterAir{}, tb);
      EXPECT_FALSE(rep.ok());
      if (c > 0) {
        EXPECT_TRUE(rep.FailsAt("bit is boolean", r) || rep.FailsAt("value is its bits", r));
      }
    }
  }
}

TEST(DebugCheckerTest, WrongPublicValuesAndShapesAreReported) {
  BabyBear result;
  auto trace = FibonacciAir::GenerateTrace(8, BabyBear::zero(), BabyBear::one(), &result);
  DebugReport r =
      CheckFibonacci(trace, {BabyBear::zero(), BabyBear::one(), result + BabyBear::one()});
  EXPECT_TRUE(r.FailsAt("result", 7));
  EXPECT_EQ(r.total_failures, 1u);
  EXPECT_FALSE(CheckFibonacci(trace, {BabyBear::zero()}).ok());
  RowMajorMatrix<BabyBear> odd(6, 2);
  EXPECT_FALSE(CheckFibonacci(odd, {BabyBear::zero(), BabyBear::one(), result}).ok());
}

TEST(DebugCheckerTest, PreprocessedColumns) {
  ScaledSequenceAir air{16};
  auto fixed = air.preprocessed_trace();
  auto main = air.GenerateTrace(5);
  std::vector<BabyBear> pv = {BabyBear::from_canonical(5)};
  TableTraces<BabyBear, EF> t{&fixed, &main, nullptr, pv};
  EXPECT_TRUE((CheckTable<BabyBear, EF>(air, t).ok()));
  fixed.at(4, 0) += BabyBear::one();
  DebugReport r = CheckTable<BabyBear, EF>(air, t);
  EXPECT_TRUE(r.FailsAt("y is x scaled", 4)) << r.ToString();
  EXPECT_EQ(r.total_failures, 1u);
}

struct LookupFixture {
  RowMajorMatrix<BabyBear> user, counts, bytes;
  RowMajorMatrix<EF> user_aux, table_aux;
  EF user_sum, table_sum;
  std::vector<EF> challenges = {
      EF::from_coeffs({BabyBear::from_canonical(7), BabyBear::from_canonical(1),
                       BabyBear::from_canonical(2), BabyBear::from_canonical(3)}),
      EF::from_coeffs({BabyBear::from_canonical(9), BabyBear::from_canonical(4),
                       BabyBear::from_canonical(5), BabyBear::from_canonical(6)})};

  void Build() {
    bytes = ByteTableAir{}.preprocessed_trace();
    user_aux =
        GenerateAuxTrace<BabyBear, EF>(ByteUserAir{}, nullptr, user, {}, challenges, &user_sum);
    table_aux =
        GenerateAuxTrace<BabyBear, EF>(ByteTableAir{}, &bytes, counts, {}, challenges, &table_sum);
  }
  DebugReport CheckUser() {
    TableTraces<BabyBear, EF> t{nullptr, &user, &user_aux, {}};
    return CheckTable<BabyBear, EF>(ByteUserAir{}, t, challenges, user_sum);
  }
  DebugReport CheckTableSide() {
    TableTraces<BabyBear, EF> t{&bytes, &counts, &table_aux, {}};
    return CheckTable<BabyBear, EF>(ByteTableAir{}, t, challenges, table_sum);
  }
};

// Three interactions and a degree-3 constraint: a and b share a column, c has its own (with its
// cubic multiplicity, a column of all three would have degree 5).
struct ThreeSendsAir {
  std::string_view name() const { return "three sends"; }
  size_t main_width() const { return 3; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <AirBuilder B>
  void eval(B& b) const {
    auto m = b.main_local();
    b.assert_zero(m[0] * m[1] * m[2], "cube");
    b.send(1, {m[0]}, m[1], "a");
    b.send(1, {m[1], m[2]}, m[0], "b");
    b.receive(2, {m[2]}, m[0] * m[1] * m[1], "c");
  }
};

TEST(SymbolicBuilderTest, PairsInteractionsAndKeepsALoneLastOne) {
  SymbolicBuilder s = RunSymbolic(ThreeSendsAir{});
  ASSERT_EQ(s.interactions().size(), 3u);
  ASSERT_EQ(s.constraints().size(), 3u);  // cube, pair, lone (the running sum's step)
  EXPECT_EQ(s.constraints()[1].name, "logup a + b #0: inverse");
  EXPECT_EQ(s.constraints()[1].degree, 3);  // h (alpha - fp_a)(alpha - fp_b)
  EXPECT_EQ(s.constraints()[2].name, "logup c #1: running sum step");
  EXPECT_EQ(s.constraints()[2].degree, 3);  // (s' - s + S / n - h) (alpha - fp_c) = m_0 m_1^2
  EXPECT_EQ(s.max_degree(), 3);
  EXPECT_EQ(s.logup_plan(), (LogUpPlan{0, 0, 1}));
  EXPECT_EQ(LogUpAuxWidth(s.logup_plan()), 2u);  // the pair's column and the running sum
}

TEST(LogUpTest, PairedColumnHoldsTheSumOfItsFractionsAndATamperedCellIsNamed) {
  // Rows (x, y, 0): the cube constraint holds, a and b share column 0, c has column 1.
  const size_t height = 16;
  RowMajorMatrix<BabyBear> main(height, 3);
  for (size_t r = 0; r < height; ++r) {
    main.at(r, 0) = BabyBear::from_canonical(static_cast<uint32_t>(3 * r + 1));
    main.at(r, 1) = BabyBear::from_canonical(static_cast<uint32_t>(5 * r + 2));
  }
  LookupFixture f;  // for its challenges
  EF sum;
  RowMajorMatrix<EF> aux =
      GenerateAuxTrace<BabyBear, EF>(ThreeSendsAir{}, nullptr, main, {}, f.challenges, &sum);
  ASSERT_EQ(aux.width, 2u);
  // Column 0 of row 4 is m_a / (alpha - fp_a) + m_b / (alpha - fp_b), computed by hand.
  const EF alpha = f.challenges[0], beta = f.challenges[1];
  const BabyBear x = main.at(4, 0), y = main.at(4, 1);
  const EF fp_a = EF(BabyBear::from_canonical(1)) + beta * EF(x);
  const EF fp_b = EF(BabyBear::from_canonical(1)) + beta * EF(y);
  EXPECT_EQ(aux.at(4, 0), EF(y) * (alpha - fp_a).inverse() + EF(x) * (alpha - fp_b).inverse());
  TableTraces<BabyBear, EF> traces{nullptr, &main, &aux, {}};
  auto check = [&] { return CheckTable<BabyBear, EF>(ThreeSendsAir{}, traces, f.challenges, sum); };
  EXPECT_TRUE(check().ok()) << check().ToString();

  // The running sum starts at 0 and steps by each row's fractions less S / n, back to 0.
  EF running = EF::zero();
  for (size_t r = 0; r < height; ++r) {
    const EF c = -EF(main.at(r, 0) * main.at(r, 1) * main.at(r, 1)) *
                 (alpha - EF(BabyBear::from_canonical(2)) - beta * EF(main.at(r, 2))).inverse();
    EXPECT_EQ(aux.at(r, 1), running) << "row " << r;
    running = running + aux.at(r, 0) + c -
              sum * EF(BabyBear::from_canonical(static_cast<uint32_t>(height)).inverse());
  }
  EXPECT_EQ(running, EF::zero());

  aux.at(4, 0) += EF::one();
  DebugReport r = check();
  EXPECT_TRUE(r.FailsAt("logup a + b #0: inverse", 4)) << r.ToString();
  EXPECT_TRUE(r.FailsAt("logup c #1: running sum step", 4)) << r.ToString();  // reads column 0
  EXPECT_EQ(r.total_failures, 2u) << r.ToString();
  aux.at(4, 0) -= EF::one();

  // Another cumulative sum fails every row's step.
  const DebugReport wrong_sum =
      CheckTable<BabyBear, EF>(ThreeSendsAir{}, traces, f.challenges, sum + EF::one());
  EXPECT_EQ(wrong_sum.total_failures, height) << wrong_sum.ToString();
}

TEST(LogUpTest, PlanBatchesWithinTheDegreeBudget) {
  const std::vector<std::pair<int, int>> degrees = {{1, 0}, {1, 0}, {1, 0}, {2, 0}, {1, 2}};
  EXPECT_EQ(PlanLogUpColumns(degrees, 2), (LogUpPlan{0, 1, 2, 3, 4}));
  EXPECT_EQ(PlanLogUpColumns(degrees, 3), (LogUpPlan{0, 0, 1, 2, 3}));
  EXPECT_EQ(PlanLogUpColumns(degrees, 4), (LogUpPlan{0, 0, 0, 1, 1}));
  EXPECT_EQ(LogUpColumnDegree(std::span(degrees).subspan(3, 2)), 4);  // 1 + 2 + 1, 2 + 2
  EXPECT_TRUE(PlanLogUpColumns({}, 3).empty());
  // Never more than kLogUpBatch in a column, whatever the budget.
  const std::vector<std::pair<int, int>> constants(9, {0, 0});
  EXPECT_EQ(PlanLogUpColumns(constants, 4), (LogUpPlan{0, 0, 0, 0, 1, 1, 1, 1, 2}));
}

TEST(LogUpTest, ChoosesTheBudgetThatCommitsFewestColumns) {
  // 29 linear interactions in a degree-3 table (the CPU table's shape once): pairs take 15 columns,
  // triples 10 (and degree 4); the last batch's column is the running sum.
  const std::vector<std::pair<int, int>> cpu(29, {1, 1});
  const LogUpPlan cpu_plan = ChooseLogUpPlan(cpu, 3);
  EXPECT_EQ(cpu_plan, PlanLogUpColumns(cpu, 4));
  EXPECT_EQ(LogUpAuxWidth(cpu_plan), 10u);
  // 8 in a degree-2 table: singles take 8 columns, pairs 4, triples 3; the degree is shared with
  // the other tables' quotient, so triples.
  const std::vector<std::pair<int, int>> memory(8, {1, 1});
  EXPECT_EQ(ChooseLogUpPlan(memory, 2), PlanLogUpColumns(memory, 4));
  EXPECT_EQ(LogUpAuxWidth(ChooseLogUpPlan(memory, 2)), 3u);
  // Two interactions: one column (a pair), at the lowest degree that allows it.
  const std::vector<std::pair<int, int>> two(2, {1, 1});
  EXPECT_EQ(ChooseLogUpPlan(two, 2), PlanLogUpColumns(two, 3));
  EXPECT_EQ(LogUpAuxWidth(ChooseLogUpPlan(two, 2)), 1u);
  // Quadratic fingerprints cannot pair below degree 5, so raising the degree gains nothing.
  const std::vector<std::pair<int, int>> quadratic(6, {2, 1});
  EXPECT_EQ(ChooseLogUpPlan(quadratic, 3), PlanLogUpColumns(quadratic, 3));
  EXPECT_EQ(LogUpAuxWidth(ChooseLogUpPlan(quadratic, 3)), 6u);
  // One interaction: nothing to batch, the degree stays.
  const std::vector<std::pair<int, int>> single = {{1, 1}};
  EXPECT_EQ(ChooseLogUpPlan(single, 2), (LogUpPlan{0}));
  EXPECT_TRUE(ChooseLogUpPlan({}, 3).empty());
  // A table already at the highest degree keeps its budget.
  EXPECT_EQ(ChooseLogUpPlan(cpu, kMaxLogUpDegree), PlanLogUpColumns(cpu, kMaxLogUpDegree));
}

TEST(LogUpTest, BalancedBusSumsToZero) {
  LookupFixture f;
  examples::GenerateByteLookupTraces(32, 1, &f.user, &f.counts);
  f.Build();
  EXPECT_EQ(f.user_aux.width, 1u);  // x and y share the one column, the running sum
  EXPECT_TRUE(f.CheckUser().ok()) << f.CheckUser().ToString();
  EXPECT_TRUE(f.CheckTableSide().ok()) << f.CheckTableSide().ToString();
  EXPECT_EQ(f.user_sum + f.table_sum, EF::zero());
}

TEST(LogUpTest, UnbalancedBusDoesNotSumToZero) {
  LookupFixture f;
  examples::GenerateByteLookupTraces(32, 1, &f.user, &f.counts);
  // A value that is not a byte, with the sum column kept consistent.
  f.user.at(5, 0) = BabyBear::from_canonical(300);
  f.user.at(5, 2) = f.user.at(5, 0) + f.user.at(5, 1);
  f.Build();
  EXPECT_TRUE(f.CheckUser().ok());  // each table is locally consistent
  EXPECT_NE(f.user_sum + f.table_sum, EF::zero());
  BusBalance<BabyBear> balance;
  balance.Add<EF>(ByteUserAir{}, nullptr, f.user, {});
  balance.Add<EF>(ByteTableAir{}, &f.bytes, f.counts, {});
  std::vector<std::string> unbalanced = balance.Unbalanced();
  ASSERT_EQ(unbalanced.size(), 2u);  // 300 was sent and never received; the old x was received
  EXPECT_NE(std::find(unbalanced.begin(), unbalanced.end(),
                      "bus 1 tuple (300): net multiplicity 1 (first seen in 'byte user')"),
            unbalanced.end())
      << unbalanced[0] << "\n"
      << unbalanced[1];
}

// Reads main column 2 and preprocessed column 1 at the next row, through a product and an
// interaction, and every other column only locally.
struct SparseNextAir {
  std::string_view name() const { return "sparse next"; }
  size_t main_width() const { return 4; }
  size_t preprocessed_width() const { return 3; }
  size_t num_public_values() const { return 0; }
  template <AirBuilder B>
  void eval(B& b) const {
    auto local = b.main_local();
    auto next = b.main_next();
    auto fixed_local = b.preprocessed_local();
    auto fixed_next = b.preprocessed_next();
    b.assert_zero(local[0] * local[1] - local[3], "local only");
    b.when_transition().assert_zero(next[2] * local[0] - fixed_local[0], "next main");
    b.send(0, {fixed_next[1], local[1]}, local[2] + fixed_local[2], "next");
  }
};

TEST(SymbolicBuilderTest, FindsTheColumnsReadAtTheNextRow) {
  SymbolicBuilder fib(0, 2, 3, kLogUpChallenges);
  FibonacciAir{}.eval(fib);
  EXPECT_EQ(fib.main_next_columns(), (std::vector<uint32_t>{0, 1}));
  EXPECT_TRUE(fib.preprocessed_next_columns().empty());

  SymbolicBuilder sparse(3, 4, 0, kLogUpChallenges);
  SparseNextAir{}.eval(sparse);
  EXPECT_EQ(sparse.main_next_columns(), (std::vector<uint32_t>{2}));
  EXPECT_EQ(sparse.preprocessed_next_columns(), (std::vector<uint32_t>{1}));

  // Too wide to track: every column counts as read.
  SymbolicBuilder wide(0, kTrackedMainColumns + 1, 0, kLogUpChallenges);
  EXPECT_EQ(wide.main_next_columns().size(), kTrackedMainColumns + 1);
}

TEST(LogUpTest, TamperedAuxiliaryCellIsNamed) {
  LookupFixture f;
  examples::GenerateByteLookupTraces(16, 3, &f.user, &f.counts);
  f.Build();
  // The running sum at row 4 is read by the steps into and out of it.
  f.user_aux.at(4, 0) += EF::one();
  DebugReport r = f.CheckUser();
  EXPECT_TRUE(r.FailsAt("logup x + y #0: running sum step", 3)) << r.ToString();
  EXPECT_TRUE(r.FailsAt("logup x + y #0: running sum step", 4)) << r.ToString();
  EXPECT_EQ(r.total_failures, 2u) << r.ToString();
}

TEST(VerifierFolderTest, FoldsInEvalOrder) {
  // Fibonacci at an arbitrary point: folded value equals the Horner combination computed by hand.
  EF zeta = EF::from_coeffs({BabyBear::from_canonical(3), BabyBear::from_canonical(1),
                             BabyBear::from_canonical(4), BabyBear::from_canonical(1)});
  EF alpha = EF::from_coeffs({BabyBear::from_canonical(5), BabyBear::from_canonical(9),
                              BabyBear::from_canonical(2), BabyBear::from_canonical(6)});
  std::vector<EF> local = {EF(BabyBear::from_canonical(10)), EF(BabyBear::from_canonical(20))};
  std::vector<EF> next = {EF(BabyBear::from_canonical(21)), EF(BabyBear::from_canonical(33))};
  std::vector<EF> pv = {EF(BabyBear::from_canonical(1)), EF(BabyBear::from_canonical(2)),
                        EF(BabyBear::from_canonical(3))};
  VerifierFolder::Inputs in;
  in.main_local = local;
  in.main_next = next;
  in.public_values = pv;
  in.selectors = SelectorsAt(zeta, 3);
  in.alpha = alpha;
  VerifierFolder folder(in);
  FibonacciAir{}.eval(folder);
  folder.finish_interactions();
  const auto& s = in.selectors;
  std::vector<EF> c = {s.is_first_row * (local[0] - pv[0]), s.is_first_row * (local[1] - pv[1]),
                       s.is_transition * (next[0] - local[1]),
                       s.is_transition * (next[1] - (local[0] + local[1])),
                       s.is_last_row * (local[1] - pv[2])};
  EF expected = EF::zero();
  for (const EF& x : c) expected = expected * alpha + x;
  EXPECT_EQ(folder.folded(), expected);
  // Z_H(zeta) = zeta^8 - 1.
  EXPECT_EQ(s.vanishing, zeta.pow(8) - EF::one());
}

}  // namespace
}  // namespace prova::air
