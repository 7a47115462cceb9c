#pragma once

// The prover's folder: evaluates an AIR's constraints on Packed::kWidth points of the quotient
// domain at once (PackedBabyBear cells, PackedBabyBear4 for extension values) and folds them with
// powers of alpha in eval order, exactly as the verifier's folder (verifier/air/verifier_folder.h)
// does at the out-of-domain point.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/logup.h"
#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/field/packed_babybear.h"

namespace prova::stark {

using Packed = BabyBear::Packed;

inline PackedBabyBear4 Broadcast(const BabyBear4& x) {
  return PackedBabyBear4::from_coeffs(
      {Packed(x.coeff(0)), Packed(x.coeff(1)), Packed(x.coeff(2)), Packed(x.coeff(3))});
}

class ProverFolder : public air::BuilderBase<ProverFolder> {
 public:
  using F = BabyBear;
  using Var = Packed;
  using Expr = Packed;
  using VarEF = PackedBabyBear4;
  using ExprEF = PackedBabyBear4;

  struct Inputs {
    std::span<const Packed> preprocessed_local, preprocessed_next, main_local, main_next;
    std::span<const PackedBabyBear4> aux_local, aux_next;
    std::span<const Packed> public_values;
    std::span<const PackedBabyBear4> challenges;
    PackedBabyBear4 cumulative_sum;
    Packed is_first_row, is_last_row, is_transition;
    PackedBabyBear4 alpha;
    std::span<const uint32_t> logup_plan;  // TableLayout::logup_plan
  };

  explicit ProverFolder(const Inputs& in) : in_(in), logup_(in.logup_plan) {}

  void assert_zero(const Expr& e, std::string_view = {}) { acc_ = acc_ * in_.alpha + e; }
  void assert_zero_ext(const ExprEF& e, std::string_view = {}) { acc_ = acc_ * in_.alpha + e; }

  Expr is_first_row() const { return in_.is_first_row; }
  Expr is_last_row() const { return in_.is_last_row; }
  Expr is_transition() const { return in_.is_transition; }
  std::span<const Var> main_local() const { return in_.main_local; }
  std::span<const Var> main_next() const { return in_.main_next; }
  std::span<const Var> preprocessed_local() const { return in_.preprocessed_local; }
  std::span<const Var> preprocessed_next() const { return in_.preprocessed_next; }
  std::span<const VarEF> aux_local() const { return in_.aux_local; }
  std::span<const VarEF> aux_next() const { return in_.aux_next; }
  std::span<const Expr> public_values() const { return in_.public_values; }
  std::span<const ExprEF> challenges() const { return in_.challenges; }
  ExprEF cumulative_sum() const { return in_.cumulative_sum; }
  ExprEF lift(const Expr& e) const { return ExprEF(e); }
  ExprEF lift_constant(const F& c) const { return ExprEF(Packed(c)); }

  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                air::Direction direction, std::string_view name) {
    air::LogUpInteract(*this, logup_, bus, values, multiplicity, direction, name);
  }
  void finish_interactions() { air::LogUpFinish(*this, logup_); }

  const PackedBabyBear4& folded() const { return acc_; }

 private:
  Inputs in_;
  PackedBabyBear4 acc_;
  air::LogUpState<ExprEF> logup_;
};

static_assert(air::AirBuilder<ProverFolder>);

}  // namespace prova::stark
