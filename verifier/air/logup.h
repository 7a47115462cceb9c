#pragma once

// LogUp (Haböck, eprint 2022/1530) over a bus shared by several tables. Each interaction k of a
// table sends (+m) or receives (-m) a tuple v on bus b in every row. With challenges alpha, beta
// drawn after the main traces are committed, the fingerprint of a tuple is
//   fp(b, v) = b + beta * v_0 + beta^2 * v_1 + ...
// and the auxiliary trace of a table with K interactions has K + 1 extension-field columns:
//   h_k = +-m_k / (alpha - fp_k)          (one per interaction, constrained by h_k * (alpha - fp_k)
//                                          = +-m_k on every row)
//   s   = running sum of sum_k h_k         (s[0] = sum_k h_k[0], s[i+1] = s[i] + sum_k h_k[i+1])
// and the last row of s is the table's cumulative sum, which the proof states. If the sends and
// receives of every tuple balance, the cumulative sums of all tables add up to zero; otherwise
// they do so with probability at most (total rows * interactions) / |EF| over alpha
// (Schwartz-Zippel on the rational identity), which the verifier checks.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "verifier/air/air.h"

namespace prova::air {

inline constexpr size_t kLogUpChallenges = 2;  // alpha, beta: challenges()[0], challenges()[1]

inline size_t LogUpAuxWidth(size_t num_interactions) {
  return num_interactions == 0 ? 0 : num_interactions + 1;
}

inline std::string LogUpName(std::string_view name, size_t index) {
  return "logup " + std::string(name.empty() ? "interaction" : name) + " #" +
         std::to_string(index) + ": inverse";
}

// The fingerprint alpha - fp(bus, values), in any builder's extension expression type. Builder
// must provide lift(Expr) -> ExprEF and lift_constant(F) -> ExprEF.
template <class B>
typename B::ExprEF LogUpDenominator(B& b, uint32_t bus,
                                    std::initializer_list<typename B::Expr> values) {
  using ExprEF = typename B::ExprEF;
  auto ch = b.challenges();
  PROVA_CHECK(ch.size() >= kLogUpChallenges, "LogUp needs the alpha and beta challenges");
  const ExprEF& alpha = ch[0];
  const ExprEF& beta = ch[1];
  ExprEF fingerprint = b.lift_constant(B::F::from_canonical(bus));
  ExprEF beta_power = beta;
  for (const auto& v : values) {
    fingerprint = fingerprint + beta_power * b.lift(v);
    beta_power = beta_power * beta;
  }
  return alpha - fingerprint;
}

// The per-interaction constraint, shared by every constraint-evaluating builder. `index` is the
// interaction's position in eval order (its auxiliary column).
template <class B>
void LogUpInteract(B& b, size_t index, uint32_t bus, std::initializer_list<typename B::Expr> values,
                   const typename B::Expr& multiplicity, Direction direction,
                   std::string_view name) {
  auto aux = b.aux_local();
  PROVA_CHECK(index < aux.size(), "more interactions than auxiliary columns");
  auto denominator = LogUpDenominator(b, bus, values);
  auto signed_multiplicity =
      direction == Direction::kSend ? b.lift(multiplicity) : b.lift(-multiplicity);
  b.assert_zero_ext(aux[index] * denominator - signed_multiplicity, LogUpName(name, index));
}

// The running-sum constraints, after eval() has issued all `count` interactions.
template <class B>
void LogUpFinish(B& b, size_t count) {
  if (count == 0) return;
  auto local = b.aux_local();
  auto next = b.aux_next();
  PROVA_CHECK(local.size() == count + 1 && next.size() == count + 1,
              "auxiliary width does not match the interactions");
  typename B::ExprEF sum_local = local[0];
  typename B::ExprEF sum_next = next[0];
  for (size_t k = 1; k < count; ++k) {
    sum_local = sum_local + local[k];
    sum_next = sum_next + next[k];
  }
  typename B::ExprEF s_local = local[count];
  typename B::ExprEF s_next = next[count];
  b.assert_zero_ext(b.lift(b.is_first_row()) * (s_local - sum_local), "logup: running sum starts");
  b.assert_zero_ext(b.lift(b.is_transition()) * (s_next - s_local - sum_next),
                    "logup: running sum steps");
  b.assert_zero_ext(b.lift(b.is_last_row()) * (s_local - b.cumulative_sum()),
                    "logup: running sum ends at the cumulative sum");
}

}  // namespace prova::air
