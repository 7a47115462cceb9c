#pragma once

// LogUp (Haböck, eprint 2022/1530) over a bus shared by several tables. Each interaction k of a
// table sends (+m) or receives (-m) a tuple v on bus b in every row. With challenges alpha, beta
// drawn after the main traces are committed, the fingerprint of a tuple is
//   fp(b, v) = b + beta * v_0 + beta^2 * v_1 + ...
// Consecutive interactions (in eval order) are batched, as Plonky3 and SP1 batch them; batch j's
// sum of fractions is
//   h_j = sum over the batch's interactions k of +-m_k / (alpha - fp_k).
// The auxiliary trace of a table with c batches has c extension-field columns: h_0 .. h_(c-2),
// each constrained by h_j prod_k (alpha - fp_k) = sum_k +-m_k prod_(l != k) (alpha - fp_l), and a
// running sum s that takes the last batch's place (as in Stwo): on every row, cyclically,
//   s[i+1] - s[i] = sum_(j < c-1) h_j[i] + h_(c-1)[i] - S / n,
// constrained by (s[i+1] - s[i] + S / n - sum_(j < c-1) h_j[i]) prod_k (alpha - fp_k) = the last
// batch's numerator, where S is the table's cumulative sum (stated in the proof) and n its height.
// Summed over the n rows of the cyclic domain the left side telescopes to zero, so S is the sum
// of every fraction of every row; s itself is free up to a constant (the prover starts it at 0).
// A table may also add an offset to its sum, sum_i beta^(i+1) v_i of main-trace cells v per row
// (LogUpOffset), which s steps by as well: blinding.h uses it to hide S.
// Where no denominator is zero (the prover aborts otherwise, and a cheating prover hits a zero
// only if alpha equals one of its fingerprints), each batch's constraint says exactly that its
// column (or s's step) is the sum of its fractions, so batching changes nothing in the argument:
// if the sends and receives of every tuple balance, the cumulative sums of all tables add up to
// zero; otherwise they do so with probability at most (total rows * interactions) / |EF| over
// alpha (Schwartz-Zippel on the rational identity), which the verifier checks. A batch of b
// linear tuples costs one column instead of b and has degree 1 + b, so wider batches trade
// auxiliary columns for constraint degree (ChooseLogUpPlan).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "verifier/air/air.h"

namespace prova::air {

inline constexpr size_t kLogUpChallenges = 2;  // alpha, beta: challenges()[0], challenges()[1]
// The longest tuple an interaction may send (checked by the symbolic pass every table goes
// through).
inline constexpr size_t kMaxTupleLength = 32;

// Which auxiliary column each interaction of a table uses (plan[k] for interaction k in eval
// order): consecutive interactions share a column, at most kLogUpBatch of them, while the
// column's constraint stays within a degree budget (PlanLogUpColumns, ChooseLogUpPlan). Every
// builder follows the plan the symbolic pass made (TableLayout::logup_plan), so prover and
// verifier agree.
using LogUpPlan = std::vector<uint32_t>;
inline constexpr size_t kLogUpBatch = 4;
// The highest degree ChooseLogUpPlan raises a table to for the sake of fewer columns: a degree-4
// quotient still fits the rate-1/4 domain of the default configuration (docs/stark.md).
inline constexpr int kMaxLogUpDegree = 4;

// One extension column per batch, the last one being the running sum.
inline size_t LogUpAuxWidth(const LogUpPlan& plan) {
  return plan.empty() ? 0 : size_t{plan.back()} + 1;
}

// The degree of a column's constraint h prod_k (alpha - fp_k) = sum_k +-m_k prod_(l != k)
// (alpha - fp_l), given each interaction's (fingerprint degree, multiplicity degree).
inline int LogUpColumnDegree(std::span<const std::pair<int, int>> interactions) {
  int denominators = 0;
  for (const auto& [fingerprint, multiplicity] : interactions) denominators += fingerprint;
  int degree = 1 + denominators;
  for (const auto& [fingerprint, multiplicity] : interactions) {
    degree = std::max(degree, denominators - fingerprint + multiplicity);
  }
  return degree;
}

// Greedy batching in eval order: an interaction joins the previous one's column if that column
// holds fewer than kLogUpBatch interactions and the column's constraint degree stays at most
// max_degree (so batching never enlarges the quotient).
inline LogUpPlan PlanLogUpColumns(std::span<const std::pair<int, int>> degrees, int max_degree) {
  LogUpPlan plan;
  size_t column_start = 0;
  for (size_t k = 0; k < degrees.size(); ++k) {
    const bool joins =
        k > 0 && k - column_start < kLogUpBatch &&
        LogUpColumnDegree(degrees.subspan(column_start, k + 1 - column_start)) <= max_degree;
    if (!joins) column_start = k;
    plan.push_back(k == 0 ? 0 : plan.back() + (joins ? 0 : 1));
  }
  return plan;
}

// The plan for a table whose other constraints have degree at most base_degree: the budget in
// [base_degree, kMaxLogUpDegree] whose plan has the fewest auxiliary columns (the smallest such
// budget on a tie). The tables of a proof share one quotient (stark::QuotientPlan) whose chunks
// follow the highest degree among them, so a table's degree costs no committed column unless it
// is the highest: in the RV32IM circuit the CPU table's interactions set degree 4 (triples, one
// more chunk than pairs for about a third fewer auxiliary columns; `prove_bench --tables` lists
// each table's), and every other table batches up to that degree for free. A table alone in its
// proof may pay a chunk or two for a column.
inline LogUpPlan ChooseLogUpPlan(std::span<const std::pair<int, int>> degrees, int base_degree) {
  // Auxiliary columns first, then the degree.
  auto cost = [&](const LogUpPlan& plan) {
    int degree = base_degree;
    for (size_t k = 0; k < plan.size();) {
      size_t end = k;
      while (end < plan.size() && plan[end] == plan[k]) ++end;
      degree = std::max(degree, LogUpColumnDegree(degrees.subspan(k, end - k)));
      k = end;
    }
    return (kMaxLogUpDegree + 1) * LogUpAuxWidth(plan) + static_cast<size_t>(degree);
  };
  LogUpPlan best = PlanLogUpColumns(degrees, base_degree);
  size_t best_cost = cost(best);
  for (int budget = base_degree + 1; budget <= kMaxLogUpDegree; ++budget) {
    LogUpPlan plan = PlanLogUpColumns(degrees, budget);
    if (const size_t c = cost(plan); c < best_cost) {
      best = std::move(plan);
      best_cost = c;
    }
  }
  return best;
}

// The name of the constraint of an auxiliary column, from its interactions' names; the last
// column is the running sum.
inline std::string LogUpName(std::string_view names, size_t column, bool running_sum) {
  return "logup " + std::string(names) + " #" + std::to_string(column) +
         (running_sum ? ": running sum step" : ": inverse");
}

// S / n: the share of a table's cumulative sum S that the running sum deducts on each of its n
// rows.
template <class EF>
EF CumulativeSumPerRow(const EF& cumulative_sum, size_t height) {
  PROVA_CHECK(height > 0 && height < (size_t{1} << 27), "a LogUp table height out of range");
  return cumulative_sum * EF(EF::Base::from_canonical(static_cast<uint32_t>(height)).inverse());
}

// What a builder keeps between the interactions of one row: the plan, how many interactions were
// issued, and the sum of fractions of the unfinished column as a numerator and a denominator.
template <class ExprEF>
struct LogUpState {
  // name_columns: build each column's constraint name (the debug checker reports them; the
  // folders, which run for every row, do not).
  explicit LogUpState(std::span<const uint32_t> p = {}, bool name_columns = false)
      : plan(p), with_names(name_columns) {}
  void StartRow() {
    count = 0;
    numerator.reset();
    denominator.reset();
    offset.reset();
    names.clear();
    running_sum_name.clear();
  }

  std::span<const uint32_t> plan;
  bool with_names = false;
  size_t count = 0;
  std::optional<ExprEF> numerator, denominator;
  std::string names;
  // The row's share of the table's sum offset (LogUpOffset), and the running sum's constraint,
  // which LogUpFinish emits once the whole row (offset included) is known.
  std::optional<ExprEF> offset;
  std::string running_sum_name;
};

// start + sum_i beta^(i+1) v_i, in any builder's extension expression type: with start = bus, the
// fingerprint fp(bus, v). Builder must provide lift(Expr) -> ExprEF. A builder that evaluates many
// rows may also provide beta_powers(): beta^1 .. beta^kMaxTupleLength computed once, which turns
// two extension products per value into one product of an extension by a base-field value.
template <class B>
typename B::ExprEF LogUpCombination(B& b, typename B::ExprEF start,
                                    std::initializer_list<typename B::Expr> values) {
  using ExprEF = typename B::ExprEF;
  auto ch = b.challenges();
  PROVA_CHECK(ch.size() >= kLogUpChallenges, "LogUp needs the alpha and beta challenges");
  ExprEF sum = std::move(start);
  if constexpr (requires { b.beta_powers(); }) {
    const auto powers = b.beta_powers();
    PROVA_CHECK(values.size() <= powers.size(), "a LogUp tuple longer than kMaxTupleLength");
    size_t i = 0;
    const auto* v = values.begin();
    using Expr = typename B::Expr;
    if constexpr (requires(const Expr* x) { Expr::dot4(x, x); }) {
      // Four values at a time: each coefficient of sum_i beta^(i + 1) v_i is then one dot product
      // of four, reduced once (the prover's packed rows and the debug checker's scalar rows).
      for (; i + 4 <= values.size(); i += 4, v += 4) {
        std::array<Expr, 4> coeffs;
        for (size_t k = 0; k < 4; ++k) {
          const std::array<Expr, 4> weights = {powers[i].coeff(k), powers[i + 1].coeff(k),
                                               powers[i + 2].coeff(k), powers[i + 3].coeff(k)};
          coeffs[k] = Expr::dot4(v, weights.data());
        }
        sum = sum + ExprEF::from_coeffs(coeffs);
      }
    }
    for (; i < values.size(); ++i, ++v) sum = sum + powers[i] * *v;
  } else {
    const ExprEF& beta = ch[1];
    ExprEF beta_power = beta;
    for (const auto& v : values) {
      sum = sum + beta_power * b.lift(v);
      beta_power = beta_power * beta;
    }
  }
  return sum;
}

// The denominator alpha - fp(bus, values). Builder must also provide lift_constant(F) -> ExprEF.
template <class B>
typename B::ExprEF LogUpDenominator(B& b, uint32_t bus,
                                    std::initializer_list<typename B::Expr> values) {
  auto fingerprint = LogUpCombination(b, b.lift_constant(B::F::from_canonical(bus)), values);
  return b.challenges()[0] - fingerprint;
}

// A table's LogUp sum offset (blinding.h): this row adds sum_i beta^(i+1) v_i to the table's
// cumulative sum, v main-trace cells (committed before alpha and beta are drawn). At most once
// per row.
template <class B>
void LogUpOffset(B& b, LogUpState<typename B::ExprEF>& state,
                 std::initializer_list<typename B::Expr> values) {
  PROVA_CHECK(!state.offset.has_value(), "a LogUp sum offset given twice in one row");
  state.offset = LogUpCombination(b, b.lift_constant(B::F::zero()), values);
}

// beta^1 .. beta^kMaxTupleLength, for builders' beta_powers().
template <class EF>
std::vector<EF> LogUpBetaPowers(const EF& beta) {
  std::vector<EF> powers(kMaxTupleLength);
  EF power = beta;
  for (EF& p : powers) {
    p = power;
    power = power * beta;
  }
  return powers;
}

// The interaction constraints, shared by every constraint-evaluating builder: the fractions
// +-m / (alpha - fp) of one column are summed as numerator / denominator, and the column's
// constraint h * denominator = numerator is emitted with its last interaction; the running sum's,
// which also needs the row's offset, by LogUpFinish.
template <class B>
void LogUpInteract(B& b, LogUpState<typename B::ExprEF>& state, uint32_t bus,
                   std::initializer_list<typename B::Expr> values,
                   const typename B::Expr& multiplicity, Direction direction,
                   std::string_view name) {
  const size_t k = state.count++;
  PROVA_CHECK(k < state.plan.size(), "more interactions than the LogUp plan has");
  const size_t column = state.plan[k];
  auto aux = b.aux_local();
  PROVA_CHECK(column < aux.size(), "more interactions than auxiliary columns");
  auto denominator = LogUpDenominator(b, bus, values);
  auto signed_multiplicity =
      direction == Direction::kSend ? b.lift(multiplicity) : b.lift(-multiplicity);
  if (state.denominator) {  // a/d + m/e = (a e + m d) / (d e)
    state.numerator = *state.numerator * denominator + signed_multiplicity * *state.denominator;
    state.denominator = *state.denominator * denominator;
    if (state.with_names) state.names += " + ";
  } else {
    state.numerator = signed_multiplicity;
    state.denominator = denominator;
  }
  if (state.with_names) state.names += name.empty() ? std::string_view("interaction") : name;
  if (k + 1 < state.plan.size() && state.plan[k + 1] == column) return;
  const bool running_sum = column == state.plan.back();
  const std::string name_of_column =
      state.with_names ? LogUpName(state.names, column, running_sum) : std::string();
  if (running_sum) {
    state.running_sum_name = name_of_column;  // constrained by LogUpFinish
    return;
  }
  b.assert_zero_ext(aux[column] * *state.denominator - *state.numerator, name_of_column);
  state.numerator.reset();
  state.denominator.reset();
  state.names.clear();
}

// After eval() has issued all the plan's interactions: the running sum's constraint. The last
// batch has no column of its own: it is the running sum's step, less the other columns and the
// row's sum offset, plus the cumulative sum's share of the row.
template <class B>
void LogUpFinish(B& b, LogUpState<typename B::ExprEF>& state) {
  PROVA_CHECK(state.count == state.plan.size(), "eval issued a different number of interactions");
  if (state.plan.empty()) {
    PROVA_CHECK(!state.offset.has_value(), "a LogUp sum offset in a table without interactions");
    return;
  }
  auto aux = b.aux_local();
  auto next = b.aux_next();
  const size_t column = state.plan.back();
  PROVA_CHECK(aux.size() == column + 1 && next.size() == column + 1,
              "auxiliary width does not match the interactions");
  typename B::ExprEF step = next[column] - aux[column] + b.cumulative_sum_per_row();
  for (size_t j = 0; j < column; ++j) step = step - aux[j];
  if (state.offset) step = step - *state.offset;
  b.assert_zero_ext(step * *state.denominator - *state.numerator, state.running_sum_name);
}

}  // namespace prova::air
