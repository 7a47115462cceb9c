#pragma once

// A table's quotient Q from fewer evaluations than its power-of-two quotient domain.
//
// The quotient domain of a table of n rows is the first 2^k cosets of H_n in the bit-reversed LDE,
// 2^k the power of two that covers Q's length. With zero knowledge Q is a little longer than a
// multiple of n: a degree-2 table's quotient has n + 2h coefficients (h = the randomiser length),
// a degree-4 table's 3n + 4h, so the domain has 2n or 4n points where n + 2h or 3n + 4h (plus a
// margin for the prover's degree check) would do. Here Q is recovered from m cosets c_b H_n and
// one small coset y K (|K| = R, a power of two dividing n) for the r = len - m n coefficients
// beyond them:
//   - on c_b H_n, Q agrees with R_b = Q mod (X^n - u_b), u_b = c_b^n, whose coefficient j is
//     sum_t q_(j + t n) u_b^t (one inverse NTT of size n per coset);
//   - writing Q = sum_(t <= m) X^(t n) Q_t (Q_m of r coefficients, the overflow),
//     Q(x) = sum_b L_b(x^n) R_b(x) + Q_m(x) prod_b (x^n - u_b) with L_b the Lagrange basis on the
//     u_b, so the values of Q on y K give Q_m there (x^n = y^n is constant on y K), and one inverse
//     NTT of size R its coefficients;
//   - then each j < n solves an m x m Vandermonde system in the u_b for q_(j + t n), t < m.
// Without an overflow (Q fits m cosets with a margin) only the cosets are used. The margin (at
// least kQuotientSpare coefficients that must come out zero) keeps the prover's degree check,
// which refuses a trace that violates its constraints (InterpolateQuotient's `check`).

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/stark/layout.h"

namespace prova::stark {

// The fewest coefficients above Q's length that an evaluation plan must be able to check.
inline constexpr size_t kQuotientSpare = 16;

struct QuotientCosets {
  size_t log_height = 0;      // n = 2^log_height
  size_t log_quotient = 0;    // the layout's quotient domain, whose first `cosets` blocks are used
  size_t cosets = 0;          // m
  bool has_overflow = false;  // whether the small coset y K is used
  size_t overflow_len = 0;    // r: coefficients of Q beyond the m cosets (possibly 0)
  size_t log_overflow = 0;    // R = |K| = 2^log_overflow >= r + kQuotientSpare

  size_t overflow_points() const { return has_overflow ? size_t{1} << log_overflow : 0; }
  size_t evaluations() const { return (cosets << log_height) + overflow_points(); }
  // The whole power-of-two quotient domain: one inverse NTT of its size applies.
  bool whole_domain() const {
    return !has_overflow && cosets == (size_t{1} << (log_quotient - log_height));
  }
};

// The plan with the fewest evaluations for a table's quotient: the whole quotient domain unless m
// cosets, with or without a small overflow coset, cover quotient_len + kQuotientSpare
// coefficients with fewer points.
QuotientCosets PlanQuotientCosets(const TableLayout& layout);

// y: the shift of the overflow coset. y^n differs from 1 and from every u_b (y's order is p - 1,
// c_b = s w with s of order p - 1 and w a root of unity of order <= 2^27), so neither Z_H nor the
// interpolation's product vanishes on y K, and y K is disjoint from H_n and from every c_b H_n.
BabyBear OverflowCosetShift();

// The points of the overflow coset in the order its values are given: y k^bitrev(i), k of order R.
std::vector<BabyBear> OverflowCosetPoints(const QuotientCosets& plan);

// Q's quotient_len coefficients from its values on the plan's cosets (coset after coset, each in
// the bit-reversed order of ComputeQuotient; on the whole domain, one inverse NTT) and on the
// overflow coset (OverflowCosetPoints order). With `check`, throws prova::Error naming `table`
// unless the values are those of a polynomial of fewer than quotient_len coefficients, which is
// what a failing constraint leaves: the combined constraints C agree with Z_H Q' on the evaluation
// points V only if C = Z_H Q' + Z_V S with deg S <= deg C - |V| = n - 2 - s (s = |V| -
// quotient_len spare coefficients), and such an S is non-zero on at least s + 2 rows; so a trace
// whose constraints fail on at most s + 1 rows is always caught, one failing on more except with
// negligible probability over alpha.
std::vector<BabyBear4> InterpolateQuotient(const QuotientCosets& plan,
                                           std::span<const BabyBear4> coset_values,
                                           std::span<const BabyBear4> overflow_values,
                                           size_t quotient_len, bool check, std::string_view table);

}  // namespace prova::stark
