#pragma once

// The debug checker: evaluates an AIR's constraints on every row of a concrete trace and reports
// every violated constraint by name and row (Plonky3 air/src/check_constraints.rs), instead of
// stopping at the first. The prover runs it before proving, so a wrong trace is caught with a
// useful message rather than producing a proof that fails to verify.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "verifier/air/air.h"
#include "verifier/air/logup.h"
#include "verifier/air/matrix.h"

namespace prova::air {

struct ConstraintFailure {
  size_t constraint = 0;  // index in eval order
  std::string name;
  size_t row = 0;
};

struct DebugReport {
  std::vector<ConstraintFailure> failures;  // the first kMaxRecorded, in (row, constraint) order
  size_t total_failures = 0;
  std::vector<std::string> errors;  // whole-trace problems (shape, bus balance)

  static constexpr size_t kMaxRecorded = 1000;
  bool ok() const { return total_failures == 0 && errors.empty(); }
  // "constraint 'increment' (#0) fails at row 3" lines, one per failure, then the errors.
  std::string ToString() const;
  bool Fails(std::string_view name) const {
    for (const auto& f : failures)
      if (f.name == name) return true;
    return false;
  }
  bool FailsAt(std::string_view name, size_t row) const {
    for (const auto& f : failures)
      if (f.name == name && f.row == row) return true;
    return false;
  }
};

inline std::string DebugReport::ToString() const {
  std::string out;
  for (const auto& f : failures) {
    out += "constraint '" + f.name + "' (#" + std::to_string(f.constraint) + ") fails at row " +
           std::to_string(f.row) + "\n";
  }
  if (total_failures > failures.size()) {
    out += "... and " + std::to_string(total_failures - failures.size()) + " more failures\n";
  }
  for (const auto& e : errors) out += e + "\n";
  return out;
}

// Evaluates one row. F is the base field, EF its extension.
template <class FieldT, class EF>
class DebugBuilder : public BuilderBase<DebugBuilder<FieldT, EF>> {
 public:
  using F = FieldT;
  using Var = F;
  using Expr = F;
  using VarEF = EF;
  using ExprEF = EF;

  struct Row {
    std::span<const F> preprocessed_local, preprocessed_next, main_local, main_next;
    std::span<const EF> aux_local, aux_next;
    size_t index = 0;
    size_t height = 0;
  };

  // logup_plan: the table's LogUp plan (SymbolicBuilder::logup_plan()); cumulative_sum_per_row:
  // CumulativeSumPerRow of the table's cumulative sum.
  DebugBuilder(std::span<const F> public_values, std::span<const EF> challenges,
               EF cumulative_sum_per_row, DebugReport* report,
               std::span<const uint32_t> logup_plan = {})
      : public_values_(public_values),
        challenges_(challenges),
        cumulative_sum_per_row_(cumulative_sum_per_row),
        report_(report),
        logup_(logup_plan, /*name_columns=*/true) {
    if (challenges.size() >= kLogUpChallenges) beta_powers_ = LogUpBetaPowers(challenges[1]);
  }

  void set_row(const Row& row) {
    row_ = row;
    constraint_ = 0;
    logup_.StartRow();
  }

  void assert_zero(const Expr& e, std::string_view name = {}) { Check(e == F::zero(), name); }
  void assert_zero_ext(const ExprEF& e, std::string_view name = {}) {
    Check(e == EF::zero(), name);
  }

  Expr is_first_row() const { return row_.index == 0 ? F::one() : F::zero(); }
  Expr is_last_row() const { return row_.index + 1 == row_.height ? F::one() : F::zero(); }
  Expr is_transition() const { return row_.index + 1 != row_.height ? F::one() : F::zero(); }

  std::span<const Var> main_local() const { return row_.main_local; }
  std::span<const Var> main_next() const { return row_.main_next; }
  std::span<const Var> preprocessed_local() const { return row_.preprocessed_local; }
  std::span<const Var> preprocessed_next() const { return row_.preprocessed_next; }
  std::span<const VarEF> aux_local() const { return row_.aux_local; }
  std::span<const VarEF> aux_next() const { return row_.aux_next; }
  std::span<const Expr> public_values() const { return public_values_; }
  std::span<const ExprEF> challenges() const { return challenges_; }
  std::span<const EF> beta_powers() const { return beta_powers_; }
  ExprEF cumulative_sum_per_row() const { return cumulative_sum_per_row_; }

  ExprEF lift(const Expr& e) const { return ExprEF(e); }
  ExprEF lift_constant(const F& c) const { return ExprEF(c); }

  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                Direction direction, std::string_view name) {
    LogUpInteract(*this, logup_, bus, values, multiplicity, direction, name);
  }
  void offset_logup_sum(std::initializer_list<Expr> values) { LogUpOffset(*this, logup_, values); }
  void finish_interactions() { LogUpFinish(*this, logup_); }

 private:
  void Check(bool holds, std::string_view name) {
    size_t index = constraint_++;
    if (holds) return;
    ++report_->total_failures;
    if (report_->failures.size() < DebugReport::kMaxRecorded) {
      std::string label = name.empty() ? "constraint #" + std::to_string(index) : std::string(name);
      report_->failures.push_back({index, std::move(label), row_.index});
    }
  }

  std::span<const F> public_values_;
  std::span<const EF> challenges_;
  std::vector<EF> beta_powers_;
  EF cumulative_sum_per_row_;
  DebugReport* report_;
  Row row_;
  size_t constraint_ = 0;
  LogUpState<ExprEF> logup_;
};

}  // namespace prova::air
