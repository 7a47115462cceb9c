#include "prover/stark/quotient_cosets.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "prover/ntt/ntt.h"
#include "verifier/field/matrix.h"
#include "verifier/fri/fri.h"

namespace prova::stark {
namespace {

using Matrix = prova::RowMajorMatrix<BabyBear>;
constexpr size_t kChunk = size_t{1} << 12;

BabyBear4 RowValue(const Matrix& m, size_t r) {
  const std::span<const BabyBear> v = m.row(r);
  return BabyBear4::from_coeffs({v[0], v[1], v[2], v[3]});
}

// values (bit-reversed, on the coset c K) -> the coefficients of the polynomial of degree < |K|
// that takes them, as a |K| x 4 matrix.
Matrix CoefficientsOnCoset(std::span<const BabyBear4> values, BabyBear c) {
  const size_t size = values.size();
  Matrix m = Matrix::uninitialized(size, 4);
  tbb::parallel_for(size_t{0}, (size + kChunk - 1) / kChunk, [&](size_t k) {
    for (size_t i = k * kChunk; i < std::min(size, (k + 1) * kChunk); ++i) {
      for (size_t e = 0; e < 4; ++e) m.at(i, e) = values[i].coeff(e);
    }
  });
  ntt::inverse_from_bit_reversed(m.view());  // coefficients of P(c Z)
  const BabyBear c_inv = c.inverse();
  tbb::parallel_for(size_t{0}, (size + kChunk - 1) / kChunk, [&](size_t k) {
    const size_t begin = k * kChunk;
    BabyBear power = c_inv.pow(begin);
    for (size_t j = begin; j < std::min(size, begin + kChunk); ++j, power *= c_inv) {
      for (size_t e = 0; e < 4; ++e) m.at(j, e) *= power;
    }
  });
  return m;
}

// The inverse of the m x m matrix V[b][t] = u_b^t (distinct u_b), by Gauss-Jordan elimination.
std::vector<std::vector<BabyBear>> InverseVandermonde(std::span<const BabyBear> u) {
  const size_t m = u.size();
  std::vector<std::vector<BabyBear>> a(m, std::vector<BabyBear>(2 * m, BabyBear::zero()));
  for (size_t b = 0; b < m; ++b) {
    BabyBear power = BabyBear::one();
    for (size_t t = 0; t < m; ++t, power *= u[b]) a[b][t] = power;
    a[b][m + b] = BabyBear::one();
  }
  for (size_t col = 0; col < m; ++col) {
    size_t pivot = col;
    while (pivot < m && a[pivot][col] == BabyBear::zero()) ++pivot;
    PROVA_CHECK(pivot < m, "quotient cosets: singular Vandermonde matrix");
    std::swap(a[pivot], a[col]);
    const BabyBear inv = a[col][col].inverse();
    for (BabyBear& x : a[col]) x *= inv;
    for (size_t row = 0; row < m; ++row) {
      if (row == col || a[row][col] == BabyBear::zero()) continue;
      const BabyBear f = a[row][col];
      for (size_t k = 0; k < 2 * m; ++k) a[row][k] -= f * a[col][k];
    }
  }
  // V^-1 maps (R_b)_b to (q_t)_t: row t of the result.
  std::vector<std::vector<BabyBear>> inverse(m, std::vector<BabyBear>(m));
  for (size_t t = 0; t < m; ++t) {
    for (size_t b = 0; b < m; ++b) inverse[t][b] = a[t][m + b];
  }
  return inverse;
}

[[noreturn]] void ThrowViolation(std::string_view table, size_t degree, size_t quotient_len) {
  throw Error("prove: the traces of table '" + std::string(table) +
              "' violate their constraints (the quotient has degree " + std::to_string(degree) +
              ", above " + std::to_string(quotient_len - 1) +
              "); prove with name_violations (`prova prove --debug-constraints`) to name the "
              "failing constraints and rows");
}

}  // namespace

QuotientCosets PlanQuotientCosets(const TableLayout& l) {
  const size_t n = size_t{1} << l.log_height;
  QuotientCosets best{.log_height = l.log_height,
                      .log_quotient = l.log_quotient,
                      .cosets = size_t{1} << (l.log_quotient - l.log_height)};
  for (size_t m = 1; m < best.cosets; ++m) {
    QuotientCosets plan = best;
    plan.cosets = m;
    if (m * n < l.quotient_len + kQuotientSpare) {
      const size_t overflow = l.quotient_len > m * n ? l.quotient_len - m * n : 0;
      const size_t points = std::bit_ceil(overflow + kQuotientSpare);
      if (2 * points > n) continue;  // another coset is about as cheap
      plan.has_overflow = true;
      plan.overflow_len = overflow;
      plan.log_overflow = static_cast<size_t>(std::countr_zero(points));
    }
    if (plan.evaluations() < best.evaluations()) best = plan;
  }
  return best;
}

BabyBear OverflowCosetShift() { return fri::DomainShift().square(); }

std::vector<BabyBear> OverflowCosetPoints(const QuotientCosets& plan) {
  const size_t size = plan.overflow_points();
  const uint32_t log_size = static_cast<uint32_t>(plan.log_overflow);
  const BabyBear k = BabyBear::two_adic_generator(log_size);
  std::vector<BabyBear> points(size);
  BabyBear x = OverflowCosetShift();
  std::vector<BabyBear> natural(size);
  for (size_t i = 0; i < size; ++i, x *= k) natural[i] = x;
  for (size_t i = 0; i < size; ++i) points[i] = natural[ntt::bit_reverse(i, log_size)];
  return points;
}

std::vector<BabyBear4> InterpolateQuotient(const QuotientCosets& plan,
                                           std::span<const BabyBear4> coset_values,
                                           std::span<const BabyBear4> overflow_values,
                                           size_t quotient_len, bool check,
                                           std::string_view table) {
  const size_t n = size_t{1} << plan.log_height;
  const size_t m = plan.cosets;
  PROVA_CHECK(
      m >= 1 && coset_values.size() == m * n && overflow_values.size() == plan.overflow_points(),
      "quotient cosets: wrong number of values");
  PROVA_CHECK(
      plan.overflow_len > 0 ? quotient_len == m * n + plan.overflow_len : quotient_len <= m * n,
      "quotient cosets: the plan does not cover the quotient");

  if (plan.whole_domain()) {
    // The quotient domain is one coset s <w_(m n)>: a single inverse NTT.
    const Matrix coefficients = CoefficientsOnCoset(coset_values, fri::DomainShift());
    for (size_t j = quotient_len; check && j < m * n; ++j) {
      if (!RowValue(coefficients, j).is_zero()) ThrowViolation(table, j, quotient_len);
    }
    std::vector<BabyBear4> out(quotient_len);
    for (size_t j = 0; j < quotient_len; ++j) out[j] = RowValue(coefficients, j);
    return out;
  }

  // R_b = Q mod (X^n - u_b) from the values on c_b H_n.
  std::vector<Matrix> remainders;
  std::vector<BabyBear> u(m);
  for (size_t b = 0; b < m; ++b) {
    const BabyBear c =
        ntt::coset_lde_block_shift(static_cast<uint32_t>(plan.log_quotient), fri::DomainShift(),
                                   static_cast<uint32_t>(plan.log_height), b);
    u[b] = c.pow(n);
    remainders.push_back(CoefficientsOnCoset(coset_values.subspan(b * n, n), c));
  }
  std::vector<BabyBear> u_to_m(m);
  for (size_t b = 0; b < m; ++b) u_to_m[b] = u[b].pow(m);

  // The overflow Q_m from Q(x) = sum_b L_b(x^n) R_b(x) + Q_m(x) prod_b (x^n - u_b) on y K.
  std::vector<BabyBear4> overflow;
  if (plan.has_overflow) {
    const size_t size = plan.overflow_points();
    const BabyBear y = OverflowCosetShift();
    const BabyBear t = y.pow(n);
    BabyBear product = BabyBear::one();
    for (size_t b = 0; b < m; ++b) product *= t - u[b];
    std::vector<BabyBear4> d(overflow_values.begin(), overflow_values.end());
    Matrix at = Matrix::uninitialized(size, 4);
    for (size_t b = 0; b < m; ++b) {
      BabyBear lagrange = BabyBear::one();
      for (size_t other = 0; other < m; ++other) {
        if (other != b) lagrange *= (t - u[other]) * (u[b] - u[other]).inverse();
      }
      ntt::coset_lde_block(remainders[b].view(), static_cast<uint32_t>(plan.log_height), y,
                           static_cast<uint32_t>(plan.log_overflow), 0, at.view());
      for (size_t i = 0; i < size; ++i) d[i] = d[i] - RowValue(at, i) * lagrange;
    }
    const BabyBear product_inv = product.inverse();
    for (BabyBear4& x : d) x = x * product_inv;
    const Matrix coefficients = CoefficientsOnCoset(d, y);
    overflow.resize(size);
    for (size_t j = 0; j < size; ++j) {
      overflow[j] = RowValue(coefficients, j);
      if (check && j >= plan.overflow_len && !overflow[j].is_zero()) {
        ThrowViolation(table, m * n + j, quotient_len);
      }
    }
  }

  // Each j: R_b[j] - u_b^m Q_m[j] = sum_(t < m) u_b^t q_(j + t n), solved by V^-1.
  const std::vector<std::vector<BabyBear>> v_inv = InverseVandermonde(u);
  std::vector<BabyBear4> out(quotient_len, BabyBear4::zero());
  // The lowest coefficient above quotient_len that is not zero, per chunk of j (SIZE_MAX: none).
  const size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<size_t> violation(chunks, SIZE_MAX);
  tbb::parallel_for(size_t{0}, chunks, [&](size_t k) {
    std::vector<BabyBear4> rhs(m);
    for (size_t j = k * kChunk; j < std::min(n, (k + 1) * kChunk); ++j) {
      for (size_t b = 0; b < m; ++b) {
        rhs[b] = RowValue(remainders[b], j);
        if (j < overflow.size()) rhs[b] = rhs[b] - overflow[j] * u_to_m[b];
      }
      for (size_t t = 0; t < m; ++t) {
        BabyBear4 q = BabyBear4::zero();
        for (size_t b = 0; b < m; ++b) q = q + rhs[b] * v_inv[t][b];
        const size_t index = j + t * n;
        if (index < quotient_len) {
          out[index] = q;
        } else if (check && !q.is_zero()) {
          violation[k] = std::min(violation[k], index);
        }
      }
      if (j < plan.overflow_len) out[m * n + j] = overflow[j];
    }
  });
  const size_t lowest = *std::min_element(violation.begin(), violation.end());
  if (lowest != SIZE_MAX) ThrowViolation(table, lowest, quotient_len);
  return out;
}

}  // namespace prova::stark
