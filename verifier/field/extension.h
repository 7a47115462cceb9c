#pragma once

// Binomial extension fields F[X] / (X^D - W), as Plonky3's BinomialExtensionField. Prova uses
// BabyBear4 = BabyBear[X] / (X^4 - 11) (|F| ~ 2^124) for verifier challenges and out-of-domain
// points. X^4 - 11 is irreducible because 11 is a quadratic non-residue mod p and p = 1 (mod 4);
// extension_test.cc proves it with Rabin's test.
//
// The base type F may also be a packed type (PackedBabyBear4 below): the ring operations are
// written once and run lane by lane; frobenius() and inverse() need a scalar base.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>

#include "common/error.h"
#include "verifier/field/babybear.h"

namespace prova {

template <class F, size_t D, uint32_t W>
class BinomialExtension {
 public:
  using Base = F;
  static constexpr size_t kDegree = D;
  static constexpr uint32_t kW = W;  // X^D = W, as a canonical value
  static_assert(D >= 2);

  constexpr BinomialExtension() : coeffs_{} {}
  // The embedding of the base field (constant polynomial); implicit, as F is a subfield.
  constexpr BinomialExtension(F base) : coeffs_{} {  // NOLINT(google-explicit-constructor)
    coeffs_[0] = base;
  }
  // c[0] + c[1] X + ... + c[D-1] X^(D-1).
  static constexpr BinomialExtension from_coeffs(const std::array<F, D>& coeffs) {
    BinomialExtension r;
    r.coeffs_ = coeffs;
    return r;
  }
  static constexpr BinomialExtension from_base(F base) { return BinomialExtension(base); }
  // For untrusted input: every coefficient must be canonical (< p).
  static BinomialExtension from_canonical_checked(std::span<const uint32_t, D> coeffs) requires
      requires(uint32_t x) {
    F::from_canonical_checked(x);
  }
  {
    BinomialExtension r;
    for (size_t i = 0; i < D; ++i) r.coeffs_[i] = F::from_canonical_checked(coeffs[i]);
    return r;
  }
  // The generator X of the extension over F.
  static constexpr BinomialExtension x() {
    BinomialExtension r;
    r.coeffs_[1] = F::one();
    return r;
  }
  static constexpr BinomialExtension zero() { return BinomialExtension(); }
  static constexpr BinomialExtension one() { return BinomialExtension(F::one()); }

  constexpr const std::array<F, D>& coeffs() const { return coeffs_; }
  constexpr F coeff(size_t i) const { return coeffs_[i]; }

  constexpr bool is_zero() const { return *this == zero(); }
  constexpr bool is_in_base() const {
    for (size_t i = 1; i < D; ++i) {
      if (!(coeffs_[i] == F::zero())) return false;
    }
    return true;
  }
  constexpr std::optional<F> as_base() const {
    if (!is_in_base()) return std::nullopt;
    return coeffs_[0];
  }

  friend constexpr bool operator==(const BinomialExtension& a, const BinomialExtension& b) {
    for (size_t i = 0; i < D; ++i) {
      if (!(a.coeffs_[i] == b.coeffs_[i])) return false;
    }
    return true;
  }

  friend constexpr BinomialExtension operator+(BinomialExtension a, const BinomialExtension& b) {
    for (size_t i = 0; i < D; ++i) a.coeffs_[i] += b.coeffs_[i];
    return a;
  }
  friend constexpr BinomialExtension operator-(BinomialExtension a, const BinomialExtension& b) {
    for (size_t i = 0; i < D; ++i) a.coeffs_[i] -= b.coeffs_[i];
    return a;
  }
  friend constexpr BinomialExtension operator-(BinomialExtension a) {
    for (size_t i = 0; i < D; ++i) a.coeffs_[i] = -a.coeffs_[i];
    return a;
  }
  friend constexpr BinomialExtension operator*(const BinomialExtension& a,
                                               const BinomialExtension& b) {
    if constexpr (D == 4 && requires { F::dot4(nullptr, nullptr); }) {
      // Each coefficient is one dot product of four, reduced once (lane by lane for a packed
      // base, whose product by W takes the cheaper broadcast form).
      const auto w = [] {
        if constexpr (requires { typename F::Scalar; }) {
          return F::Scalar::from_canonical(W);
        } else {
          return F::from_canonical(W);
        }
      }();
      // e[3 + j] = b_j and e[j] = W b_(j + 1): coefficient k is sum_i a_i e[3 + k - i].
      const std::array<F, 7> e = {b.coeffs_[1] * w, b.coeffs_[2] * w, b.coeffs_[3] * w,
                                  b.coeffs_[0],     b.coeffs_[1],     b.coeffs_[2],
                                  b.coeffs_[3]};
      std::array<F, D> out;
      for (size_t k = 0; k < 4; ++k) {
        const std::array<F, 4> column = {e[3 + k], e[2 + k], e[1 + k], e[k]};
        out[k] = F::dot4(a.coeffs_.data(), column.data());
      }
      return from_coeffs(out);
    }
    // Schoolbook product; the terms of degree >= D wrap around multiplied by W (X^D = W).
    std::array<F, D> low{};
    std::array<F, D - 1> high{};
    for (size_t i = 0; i < D; ++i) {
      for (size_t j = 0; j < D; ++j) {
        F term = a.coeffs_[i] * b.coeffs_[j];
        if (i + j < D) {
          low[i + j] += term;
        } else {
          high[i + j - D] += term;
        }
      }
    }
    const F w = F::from_canonical(W);
    for (size_t k = 0; k + 1 < D; ++k) low[k] += high[k] * w;
    return from_coeffs(low);
  }

  // Mixed operations with the base field: D multiplications instead of D^2.
  friend constexpr BinomialExtension operator*(BinomialExtension a, F b) {
    for (size_t i = 0; i < D; ++i) a.coeffs_[i] *= b;
    return a;
  }
  friend constexpr BinomialExtension operator*(F b, BinomialExtension a) { return a * b; }
  friend constexpr BinomialExtension operator+(BinomialExtension a, F b) {
    a.coeffs_[0] += b;
    return a;
  }
  friend constexpr BinomialExtension operator+(F b, BinomialExtension a) { return a + b; }
  friend constexpr BinomialExtension operator-(BinomialExtension a, F b) {
    a.coeffs_[0] -= b;
    return a;
  }
  friend constexpr BinomialExtension operator-(F b, const BinomialExtension& a) { return -a + b; }

  constexpr BinomialExtension& operator+=(const BinomialExtension& o) { return *this = *this + o; }
  constexpr BinomialExtension& operator-=(const BinomialExtension& o) { return *this = *this - o; }
  constexpr BinomialExtension& operator*=(const BinomialExtension& o) { return *this = *this * o; }
  constexpr BinomialExtension& operator*=(F o) { return *this = *this * o; }
  constexpr BinomialExtension& operator+=(F o) { return *this = *this + o; }
  constexpr BinomialExtension& operator-=(F o) { return *this = *this - o; }

  constexpr BinomialExtension square() const { return *this * *this; }
  constexpr BinomialExtension doubled() const { return *this + *this; }
  constexpr BinomialExtension pow(uint64_t exponent) const {
    BinomialExtension result = one();
    BinomialExtension base = *this;
    while (exponent != 0) {
      if (exponent & 1) result *= base;
      base = base.square();
      exponent >>= 1;
    }
    return result;
  }

  // The Frobenius map a -> a^p, applied k times: X^(p^k) = gamma^k X with
  // gamma = W^((p-1)/D), so coefficient i is multiplied by gamma^(i k).
  constexpr BinomialExtension repeated_frobenius(size_t k) const requires requires { F::kPrime; }
  {
    static_assert((F::kPrime - 1) % D == 0, "the Frobenius formula needs p = 1 (mod D)");
    const F gamma = F::from_canonical(W).pow((F::kPrime - 1) / D).pow(k % D);
    BinomialExtension r = *this;
    F factor = F::one();
    for (size_t i = 1; i < D; ++i) {
      factor *= gamma;
      r.coeffs_[i] *= factor;
    }
    return r;
  }
  constexpr BinomialExtension frobenius() const requires requires { F::kPrime; }
  { return repeated_frobenius(1); }

  // The norm a * a^p * ... * a^(p^(D-1)) lies in F; a^-1 = (a^p ... a^(p^(D-1))) / norm(a).
  constexpr std::optional<BinomialExtension> try_inverse() const requires requires { F::kPrime; }
  {
    if (is_zero()) return std::nullopt;
    BinomialExtension conjugates = frobenius();
    for (size_t k = 2; k < D; ++k) conjugates *= repeated_frobenius(k);
    BinomialExtension norm = *this * conjugates;
    PROVA_CHECK(norm.is_in_base(), "extension norm not in the base field");
    return conjugates * norm.coeffs_[0].inverse();
  }
  // Aborts on zero, like the base field.
  constexpr BinomialExtension inverse() const requires requires { F::kPrime; }
  {
    PROVA_CHECK(!is_zero(), "inverse of zero");
    return *try_inverse();
  }

  friend std::ostream& operator<<(std::ostream& os, const BinomialExtension& a) {
    os << '(';
    for (size_t i = 0; i < D; ++i) os << (i ? ", " : "") << a.coeffs_[i];
    return os << ')';
  }

 private:
  std::array<F, D> coeffs_;
};

// BabyBear[X] / (X^4 - 11): the challenge field.
using BabyBear4 = BinomialExtension<BabyBear, 4, 11>;
// The same field with a PackedBabyBear per coefficient: kWidth extension elements at once.
using PackedBabyBear4 = BinomialExtension<PackedBabyBear, 4, 11>;

static_assert(std::is_trivially_copyable_v<BabyBear4>);
static_assert(sizeof(BabyBear4) == 4 * sizeof(BabyBear));

}  // namespace prova
