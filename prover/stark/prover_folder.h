#pragma once

// The prover's folder: evaluates an AIR's constraints on Packed::kWidth points of the quotient
// domain at once (PackedBabyBear cells, PackedBabyBear4 for extension values) and folds them with
// powers of alpha in eval order into the same sum as the verifier's Horner fold
// (verifier/air/verifier_folder.h) at the out-of-domain point: constraint i of N gets
// alpha^(N - 1 - i). Given the powers, a base-field constraint costs four products by scalars
// instead of an extension product.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "verifier/air/air.h"
#include "verifier/air/logup.h"
#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/field/packed_babybear.h"
#include "verifier/field/packed_extension.h"

namespace prova::stark {

using Packed = BabyBear::Packed;

// The powers beta, beta^2, ... of air::LogUpBetaPowers, broadcast to every lane.
inline std::vector<PackedBabyBear4> PackedBetaPowers(const BabyBear4& beta) {
  std::vector<PackedBabyBear4> powers;
  for (const BabyBear4& p : air::LogUpBetaPowers(beta)) powers.push_back(Broadcast(p));
  return powers;
}

// The Packed::kWidth rows a packed builder evaluates an AIR on, and what every row shares.
struct PackedRows {
  std::span<const Packed> preprocessed_local, preprocessed_next, main_local, main_next;
  std::span<const Packed> public_values;
  std::span<const PackedBabyBear4> challenges;
  std::span<const PackedBabyBear4> beta_powers;  // PackedBetaPowers of challenges[1]
  Packed is_first_row, is_last_row, is_transition;
};

// The builder interface over PackedRows, shared by the folder and the interaction collector.
template <class Derived>
class PackedRowBuilder : public air::BuilderBase<Derived> {
 public:
  using F = BabyBear;
  using Var = Packed;
  using Expr = Packed;
  using VarEF = PackedBabyBear4;
  using ExprEF = PackedBabyBear4;

  explicit PackedRowBuilder(const PackedRows& rows) : rows_(rows) {}

  Expr is_first_row() const { return rows_.is_first_row; }
  Expr is_last_row() const { return rows_.is_last_row; }
  Expr is_transition() const { return rows_.is_transition; }
  std::span<const Var> main_local() const { return rows_.main_local; }
  std::span<const Var> main_next() const { return rows_.main_next; }
  std::span<const Var> preprocessed_local() const { return rows_.preprocessed_local; }
  std::span<const Var> preprocessed_next() const { return rows_.preprocessed_next; }
  std::span<const Expr> public_values() const { return rows_.public_values; }
  std::span<const ExprEF> challenges() const { return rows_.challenges; }
  std::span<const ExprEF> beta_powers() const { return rows_.beta_powers; }
  ExprEF lift(const Expr& e) const { return ExprEF(e); }
  ExprEF lift_constant(const F& c) const { return ExprEF(Packed(c)); }

 private:
  PackedRows rows_;
};

class ProverFolder : public PackedRowBuilder<ProverFolder> {
 public:
  struct Inputs {
    PackedRows rows;
    std::span<const PackedBabyBear4> aux_local, aux_next;
    PackedBabyBear4 cumulative_sum_per_row;   // air::CumulativeSumPerRow
    std::span<const BabyBear4> alpha_powers;  // alpha^(N - 1 - i) for constraint i of N
    std::span<const uint32_t> logup_plan;     // TableLayout::logup_plan
  };

  explicit ProverFolder(const Inputs& in)
      : PackedRowBuilder(in.rows), in_(in), logup_(in.logup_plan) {}

  // Base-field constraints are folded four at a time: coefficient k of the sum gains one dot
  // product of four (Packed::dot4), reduced once, instead of four reduced products.
  void assert_zero(const Expr& e, std::string_view = {}) {
    pending_[num_pending_] = e;
    pending_powers_[num_pending_] = &NextPower();
    if (++num_pending_ == 4) FoldPending();
  }
  void assert_zero_ext(const ExprEF& e, std::string_view = {}) {
    const PackedBabyBear4 term = e * Broadcast(NextPower());
    for (size_t k = 0; k < 4; ++k) acc_[k] += term.coeff(k);
  }

  std::span<const VarEF> aux_local() const { return in_.aux_local; }
  std::span<const VarEF> aux_next() const { return in_.aux_next; }
  ExprEF cumulative_sum_per_row() const { return in_.cumulative_sum_per_row; }

  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                air::Direction direction, std::string_view name) {
    air::LogUpInteract(*this, logup_, bus, values, multiplicity, direction, name);
  }
  void offset_logup_sum(std::initializer_list<Expr> values) {
    air::LogUpOffset(*this, logup_, values);
  }
  void finish_interactions() { air::LogUpFinish(*this, logup_); }

  PackedBabyBear4 folded() {
    FoldPending();
    return PackedBabyBear4::from_coeffs(acc_);
  }
  size_t constraints_folded() const { return next_power_; }

 private:
  Inputs in_;
  const BabyBear4& NextPower() {
    PROVA_CHECK(next_power_ < in_.alpha_powers.size(), "more constraints than the layout counted");
    return in_.alpha_powers[next_power_++];
  }
  void FoldPending() {
    if (num_pending_ == 4) {
      for (size_t k = 0; k < 4; ++k) {
        const std::array<Packed, 4> weights = {
            pending_powers_[0]->coeff(k), pending_powers_[1]->coeff(k),
            pending_powers_[2]->coeff(k), pending_powers_[3]->coeff(k)};
        acc_[k] += Packed::dot4(pending_.data(), weights.data());
      }
    } else {
      for (size_t i = 0; i < num_pending_; ++i) {
        for (size_t k = 0; k < 4; ++k) acc_[k] += pending_[i] * pending_powers_[i]->coeff(k);
      }
    }
    num_pending_ = 0;
  }

  std::array<Packed, 4> acc_;
  // Base-field constraints not yet folded, with their weights.
  std::array<Packed, 4> pending_;
  std::array<const BabyBear4*, 4> pending_powers_{};
  size_t num_pending_ = 0;
  size_t next_power_ = 0;
  air::LogUpState<ExprEF> logup_;
};

static_assert(air::AirBuilder<ProverFolder>);

// The LogUp denominators alpha - fp and signed multiplicities of Packed::kWidth rows at once: the
// packed twin of air::InteractionCollector, which the auxiliary trace is built from. Constraints
// are not evaluated.
class PackedInteractionCollector : public PackedRowBuilder<PackedInteractionCollector> {
 public:
  using PackedRowBuilder::PackedRowBuilder;

  void assert_zero(const Expr&, std::string_view = {}) {}
  void assert_zero_ext(const ExprEF&, std::string_view = {}) {}

  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                air::Direction direction, std::string_view) {
    denominators.push_back(air::LogUpDenominator(*this, bus, values));
    multiplicities.push_back(direction == air::Direction::kSend ? multiplicity : -multiplicity);
  }
  void offset_logup_sum(std::initializer_list<Expr> values) {
    offset = air::LogUpCombination(*this, offset, values);
  }
  void finish_interactions() {}

  // In eval order, for the rows of the batch.
  std::vector<PackedBabyBear4> denominators;
  std::vector<Packed> multiplicities;
  PackedBabyBear4 offset = PackedBabyBear4::zero();  // the rows' sum offsets (air::LogUpOffset)
};

static_assert(air::AirBuilder<PackedInteractionCollector>);

}  // namespace prova::stark
