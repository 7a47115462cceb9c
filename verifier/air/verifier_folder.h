#pragma once

// The verifier's folder: evaluates an AIR's constraints at the out-of-domain point zeta from the
// opened column values (extension-field elements) and folds them with powers of alpha in eval
// order (Horner: acc = acc * alpha + c), exactly as the prover's folder does on the quotient
// domain. The verifier then checks folded == Z_H(zeta) * quotient(zeta).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/logup.h"
#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"

namespace prova::air {

// The row selectors of the trace domain H = <g> (|H| = 2^log_height) at a point x outside H.
// Unnormalised Lagrange selectors, as Plonky3: only their zero pattern on H matters.
template <class EF>
struct Selectors {
  EF is_first_row;
  EF is_last_row;
  EF is_transition;
  EF vanishing;  // Z_H(x) = x^n - 1
  EF inv_vanishing;
};

// x must not lie in H (x - 1 and x - g^-1 are inverted).
inline Selectors<BabyBear4> SelectorsAt(const BabyBear4& x, size_t log_height) {
  const BabyBear g_inv = BabyBear::two_adic_generator(static_cast<uint32_t>(log_height)).inverse();
  BabyBear4 z = x;
  for (size_t i = 0; i < log_height; ++i) z = z.square();
  z = z - BabyBear::one();
  Selectors<BabyBear4> s;
  s.vanishing = z;
  s.inv_vanishing = z.inverse();
  s.is_first_row = z * (x - BabyBear::one()).inverse();
  s.is_last_row = z * (x - g_inv).inverse();
  s.is_transition = x - g_inv;
  return s;
}

class VerifierFolder : public BuilderBase<VerifierFolder> {
 public:
  using F = BabyBear;
  using Var = BabyBear4;
  using Expr = BabyBear4;
  using VarEF = BabyBear4;
  using ExprEF = BabyBear4;

  struct Inputs {
    std::span<const BabyBear4> preprocessed_local, preprocessed_next;
    std::span<const BabyBear4> main_local, main_next;
    std::span<const BabyBear4> aux_local, aux_next;
    std::span<const BabyBear4> public_values;  // the base-field public values, embedded
    std::span<const BabyBear4> challenges;
    BabyBear4 cumulative_sum_per_row;  // air::CumulativeSumPerRow
    Selectors<BabyBear4> selectors;
    BabyBear4 alpha;
    std::span<const uint32_t> logup_plan;  // TableLayout::logup_plan
  };

  explicit VerifierFolder(const Inputs& in) : in_(in), logup_(in.logup_plan) {}

  void assert_zero(const Expr& e, std::string_view = {}) {
    acc_ = acc_ * in_.alpha + e;
    ++folded_;
  }
  void assert_zero_ext(const ExprEF& e, std::string_view = {}) {
    acc_ = acc_ * in_.alpha + e;
    ++folded_;
  }

  Expr is_first_row() const { return in_.selectors.is_first_row; }
  Expr is_last_row() const { return in_.selectors.is_last_row; }
  Expr is_transition() const { return in_.selectors.is_transition; }
  std::span<const Var> main_local() const { return in_.main_local; }
  std::span<const Var> main_next() const { return in_.main_next; }
  std::span<const Var> preprocessed_local() const { return in_.preprocessed_local; }
  std::span<const Var> preprocessed_next() const { return in_.preprocessed_next; }
  std::span<const VarEF> aux_local() const { return in_.aux_local; }
  std::span<const VarEF> aux_next() const { return in_.aux_next; }
  std::span<const Expr> public_values() const { return in_.public_values; }
  std::span<const ExprEF> challenges() const { return in_.challenges; }
  ExprEF cumulative_sum_per_row() const { return in_.cumulative_sum_per_row; }
  ExprEF lift(const Expr& e) const { return e; }
  ExprEF lift_constant(const F& c) const { return ExprEF(c); }

  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                Direction direction, std::string_view name) {
    LogUpInteract(*this, logup_, bus, values, multiplicity, direction, name);
  }
  void offset_logup_sum(std::initializer_list<Expr> values) { LogUpOffset(*this, logup_, values); }
  void finish_interactions() { LogUpFinish(*this, logup_); }

  // sum_i alpha^(N-1-i) C_i(zeta) over the N constraints in eval order.
  const BabyBear4& folded() const { return acc_; }
  // How many constraints were folded: the layout's num_constraints once eval() and
  // finish_interactions() have run.
  size_t constraints_folded() const { return folded_; }

 private:
  Inputs in_;
  BabyBear4 acc_;
  size_t folded_ = 0;
  LogUpState<ExprEF> logup_;
};

static_assert(AirBuilder<VerifierFolder>);

}  // namespace prova::air
