#pragma once

// Builds a table's LogUp auxiliary trace (logup.h) from its main trace: eval() runs once per row
// under the InteractionCollector, which records each interaction's denominator alpha - fp and
// signed multiplicity; one batch inversion then gives every h = +-m / (alpha - fp), and the
// running sum follows. Used by the prover and by the debug checker.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "verifier/air/air.h"
#include "verifier/air/logup.h"
#include "verifier/air/matrix.h"
#include "verifier/field/monty_field.h"

namespace prova::air {

template <class FieldT, class EF>
class InteractionCollector : public BuilderBase<InteractionCollector<FieldT, EF>> {
 public:
  using F = FieldT;
  using Var = F;
  using Expr = F;
  using VarEF = EF;
  using ExprEF = EF;

  InteractionCollector(std::span<const F> public_values, std::span<const EF> challenges,
                       bool record = false)
      : record_tuples(record), public_values_(public_values), challenges_(challenges) {
    if (challenges_.size() >= kLogUpChallenges) beta_powers_.push_back(challenges_[1]);
  }

  void set_row(std::span<const F> preprocessed_local, std::span<const F> preprocessed_next,
               std::span<const F> main_local, std::span<const F> main_next, size_t index,
               size_t height) {
    preprocessed_local_ = preprocessed_local;
    preprocessed_next_ = preprocessed_next;
    main_local_ = main_local;
    main_next_ = main_next;
    index_ = index;
    height_ = height;
  }

  // Constraints are not checked here.
  void assert_zero(const Expr&, std::string_view = {}) {}
  void assert_zero_ext(const ExprEF&, std::string_view = {}) {}

  Expr is_first_row() const { return index_ == 0 ? F::one() : F::zero(); }
  Expr is_last_row() const { return index_ + 1 == height_ ? F::one() : F::zero(); }
  Expr is_transition() const { return index_ + 1 != height_ ? F::one() : F::zero(); }
  std::span<const Var> main_local() const { return main_local_; }
  std::span<const Var> main_next() const { return main_next_; }
  std::span<const Var> preprocessed_local() const { return preprocessed_local_; }
  std::span<const Var> preprocessed_next() const { return preprocessed_next_; }
  std::span<const Expr> public_values() const { return public_values_; }
  std::span<const ExprEF> challenges() const { return challenges_; }
  ExprEF lift(const Expr& e) const { return ExprEF(e); }
  ExprEF lift_constant(const F& c) const { return ExprEF(c); }

  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                Direction direction, std::string_view) {
    const F signed_multiplicity = direction == Direction::kSend ? multiplicity : -multiplicity;
    if (record_tuples) {
      tuples.push_back({bus, std::vector<F>(values.begin(), values.end()), signed_multiplicity});
      return;
    }
    denominators.push_back(challenges_[0] - Combination(EF(F::from_canonical(bus)), values));
    multiplicities.push_back(signed_multiplicity);
  }
  // One value per row (air::LogUpOffset), zero where eval() gives none.
  void offset_logup_sum(std::initializer_list<Expr> values) {
    if (record_tuples) return;
    offsets.resize(index_ + 1, EF::zero());
    offsets[index_] = Combination(EF::zero(), values);
  }
  void finish_interactions() {}

  // Row-major (row, interaction): filled by every eval() call in turn.
  std::vector<EF> denominators;
  std::vector<F> multiplicities;
  // offsets[r]: row r's sum offset (shorter than the table where the last rows have none).
  std::vector<EF> offsets;

  // Diagnostics: with record_tuples set, the raw tuples are kept instead (no challenges needed).
  struct Tuple {
    uint32_t bus;
    std::vector<F> values;
    F multiplicity;  // + for a send, - for a receive
  };
  bool record_tuples = false;
  std::vector<Tuple> tuples;

 private:
  // LogUpCombination's value, start + sum_i beta^(i+1) v_i, with the powers of beta computed once
  // and multiplied by base field values (a quarter of the work of extension products): this runs
  // for every row.
  EF Combination(EF start, std::initializer_list<Expr> values) {
    PROVA_CHECK(!beta_powers_.empty(), "LogUp needs the alpha and beta challenges");
    while (beta_powers_.size() < values.size()) {
      beta_powers_.push_back(beta_powers_.back() * beta_powers_.front());
    }
    size_t j = 0;
    for (const F& v : values) start = start + beta_powers_[j++] * v;
    return start;
  }

  std::span<const F> public_values_;
  std::span<const EF> challenges_;
  std::vector<EF> beta_powers_;  // beta, beta^2, ...
  std::span<const F> preprocessed_local_, preprocessed_next_, main_local_, main_next_;
  size_t index_ = 0, height_ = 0;
};

// Computes the auxiliary trace (height x LogUpAuxWidth(plan)) given the collected denominators and
// multiplicities of every row (plan.size() per row). Throws prova::Error if a denominator is zero
// (alpha hit a fingerprint: negligible probability for honest challenges). Returns the cumulative
// sum in *cumulative_sum.
template <class F, class EF>
RowMajorMatrix<EF> BuildLogUpTrace(size_t height, const LogUpPlan& plan,
                                   const std::vector<EF>& denominators,
                                   const std::vector<F>& multiplicities,
                                   const std::vector<EF>& offsets, EF* cumulative_sum) {
  const size_t k = plan.size();
  PROVA_CHECK(denominators.size() == height * k && multiplicities.size() == height * k,
              "an AIR issued a different number of interactions on different rows");
  RowMajorMatrix<EF> aux(height, LogUpAuxWidth(plan));
  *cumulative_sum = EF::zero();
  PROVA_CHECK(offsets.size() <= height, "more sum offsets than rows");
  if (k == 0) {
    PROVA_CHECK(offsets.empty(), "a LogUp sum offset in a table without interactions");
    return aux;
  }
  for (const EF& d : denominators) {
    if (d == EF::zero()) throw Error("LogUp challenge alpha equals a fingerprint");
  }
  std::vector<EF> inverses = batch_inverse<EF>(std::span<const EF>(denominators));
  const size_t running_sum = LogUpAuxWidth(plan) - 1;
  // Each row's sum of fractions first (its batches but the last in their columns), then the
  // running sum, which deducts the cumulative sum's share of every row.
  std::vector<EF> row_sums(height, EF::zero());
  for (size_t r = 0; r < height; ++r) {
    for (size_t i = 0; i < k; ++i) {
      EF h = inverses[r * k + i] * EF(multiplicities[r * k + i]);
      if (plan[i] != running_sum) aux.at(r, plan[i]) = aux.at(r, plan[i]) + h;
      row_sums[r] = row_sums[r] + h;
    }
    if (r < offsets.size()) row_sums[r] = row_sums[r] + offsets[r];
    *cumulative_sum = *cumulative_sum + row_sums[r];
  }
  const EF share = CumulativeSumPerRow(*cumulative_sum, height);
  EF running = EF::zero();
  for (size_t r = 0; r < height; ++r) {
    aux.at(r, running_sum) = running;
    running = running + row_sums[r] - share;
  }
  return aux;
}

}  // namespace prova::air
