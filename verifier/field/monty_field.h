#pragma once

// A prime field of 31-bit modulus in Montgomery form, generic over the prime (as Plonky3's
// monty-31 crate). Elements are stored as x * 2^32 mod p in [0, p), so equality is a plain
// comparison and multiplication needs no division. BabyBear (verifier/field/babybear.h) is one
// instance; the packed (SIMD) twin lives in verifier/field/packed_babybear.h.

#include <bit>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <vector>

#include "common/error.h"

namespace prova {

// What a MontyField31 needs to know about its prime. All derived constants are computed here so a
// params struct only states facts about the field.
template <class P>
concept MontyParams = requires {
  { P::kPrime } -> std::convertible_to<uint32_t>;
  { P::kTwoAdicity } -> std::convertible_to<uint32_t>;
  { P::kMultiplicativeGenerator } -> std::convertible_to<uint32_t>;
};

template <MontyParams Params>
struct NativeMontyLanes;
template <MontyParams Params, class Lanes>
class BasicPackedMontyField31;

template <MontyParams Params>
class MontyField31 {
 public:
  static constexpr uint32_t kPrime = Params::kPrime;
  static constexpr uint32_t kTwoAdicity = Params::kTwoAdicity;
  static constexpr uint32_t kBits = 31;
  static_assert(kPrime < (1u << 31), "the Montgomery routines need 2p < 2^32");
  static_assert(kPrime % 2 == 1);
  static_assert((kPrime - 1) % (uint64_t{1} << kTwoAdicity) == 0);

  // -p^{-1} is not needed: reduce() uses p^{-1} mod 2^32 and a signed correction (Plonky3).
  static constexpr uint32_t kMontyMu = [] {
    uint32_t inv = 1;  // Newton iteration: each step doubles the number of correct low bits.
    for (int i = 0; i < 5; ++i) inv *= 2 - kPrime * inv;
    return inv;
  }();
  static_assert(kMontyMu * kPrime == 1u);
  // 2^64 mod p, to enter Montgomery form with one reduce().
  static constexpr uint32_t kR2 = [] {
    uint64_t r = (uint64_t{1} << 32) % kPrime;
    return static_cast<uint32_t>(r * r % kPrime);
  }();

  // The SIMD type with the same operators (AVX-512, AVX2 or scalar, chosen at build time).
  // Include verifier/field/packed_babybear.h to use it.
  using Packed = BasicPackedMontyField31<Params, NativeMontyLanes<Params>>;

  constexpr MontyField31() = default;

  // x may be any uint32_t; it is reduced mod p (so values < p map to themselves).
  static constexpr MontyField31 from_canonical(uint32_t x) {
    return from_monty(reduce(static_cast<uint64_t>(x) * kR2));
  }
  static constexpr MontyField31 from_u64(uint64_t x) {
    return from_canonical(static_cast<uint32_t>(x % kPrime));
  }
  static constexpr MontyField31 from_i64(int64_t x) {
    int64_t r = x % static_cast<int64_t>(kPrime);
    return from_canonical(static_cast<uint32_t>(r < 0 ? r + kPrime : r));
  }
  // For untrusted input (proof bytes): a non-canonical encoding is rejected, never reduced,
  // so every field element has exactly one encoding.
  static MontyField31 from_canonical_checked(uint32_t x) {
    if (x >= kPrime) throw Error("field element is not canonical (>= p)");
    return from_canonical(x);
  }
  // The raw Montgomery representation, for SIMD code and serialisation-free copies.
  static constexpr MontyField31 from_monty(uint32_t monty) {
    MontyField31 r;
    r.value_ = monty;
    return r;
  }

  constexpr uint32_t as_canonical() const { return reduce(value_); }
  constexpr uint32_t monty() const { return value_; }

  static constexpr MontyField31 zero() { return from_monty(0); }
  static constexpr MontyField31 one() { return from_canonical(1); }
  static constexpr MontyField31 two() { return from_canonical(2); }
  static constexpr MontyField31 neg_one() { return from_canonical(kPrime - 1); }
  // A generator of the whole multiplicative group F_p^*.
  static constexpr MontyField31 multiplicative_generator() {
    return from_canonical(Params::kMultiplicativeGenerator);
  }
  // A primitive 2^bits-th root of unity, bits <= kTwoAdicity. Consistent across sizes:
  // two_adic_generator(b)^2 == two_adic_generator(b - 1).
  static constexpr MontyField31 two_adic_generator(uint32_t bits) {
    PROVA_CHECK(bits <= kTwoAdicity, "two-adic generator beyond the field's two-adicity");
    MontyField31 g = multiplicative_generator().pow((kPrime - 1) >> kTwoAdicity);
    for (uint32_t i = bits; i < kTwoAdicity; ++i) g = g.square();
    return g;
  }

  constexpr bool is_zero() const { return value_ == 0; }
  constexpr bool is_one() const { return *this == one(); }

  friend constexpr bool operator==(MontyField31 a, MontyField31 b) = default;

  friend constexpr MontyField31 operator+(MontyField31 a, MontyField31 b) {
    uint32_t sum = a.value_ + b.value_;  // < 2p < 2^32
    uint32_t reduced = sum - kPrime;     // wraps when sum < p, then min() keeps sum
    return from_monty(sum < reduced ? sum : reduced);
  }
  friend constexpr MontyField31 operator-(MontyField31 a, MontyField31 b) {
    uint32_t diff = a.value_ - b.value_;  // wraps when a < b, then diff + p is the answer
    uint32_t corrected = diff + kPrime;
    return from_monty(diff < corrected ? diff : corrected);
  }
  friend constexpr MontyField31 operator-(MontyField31 a) { return zero() - a; }
  friend constexpr MontyField31 operator*(MontyField31 a, MontyField31 b) {
    return from_monty(reduce(static_cast<uint64_t>(a.value_) * b.value_));
  }
  constexpr MontyField31& operator+=(MontyField31 o) { return *this = *this + o; }
  constexpr MontyField31& operator-=(MontyField31 o) { return *this = *this - o; }
  constexpr MontyField31& operator*=(MontyField31 o) { return *this = *this * o; }

  constexpr MontyField31 square() const { return *this * *this; }
  constexpr MontyField31 doubled() const { return *this + *this; }
  // x / 2 without a multiplication: (x + p) / 2 when x is odd. Works on the Montgomery form
  // because halving commutes with the factor 2^32.
  constexpr MontyField31 halve() const {
    uint32_t v = value_;
    return from_monty((v & 1) ? (v + kPrime) >> 1 : v >> 1);
  }

  constexpr MontyField31 pow(uint64_t exponent) const {
    MontyField31 result = one();
    MontyField31 base = *this;
    while (exponent != 0) {
      if (exponent & 1) result *= base;
      base = base.square();
      exponent >>= 1;
    }
    return result;
  }

  // Fermat: x^(p-2). Aborts on zero (an internal invariant: callers check untrusted values first,
  // or use try_inverse()).
  constexpr MontyField31 inverse() const {
    PROVA_CHECK(!is_zero(), "inverse of zero");
    return pow(kPrime - 2);
  }
  constexpr std::optional<MontyField31> try_inverse() const {
    if (is_zero()) return std::nullopt;
    return pow(kPrime - 2);
  }

  friend std::ostream& operator<<(std::ostream& os, MontyField31 x) {
    return os << x.as_canonical();
  }

  // a[0] b[0] + a[1] b[1] + a[2] b[2] + a[3] b[3] with one reduction instead of four: the four
  // products of values below p sum to less than 4 p^2 < 2^64.
  static constexpr MontyField31 dot4(const MontyField31* a, const MontyField31* b) {
    uint64_t x = 0;
    for (int i = 0; i < 4; ++i) x += static_cast<uint64_t>(a[i].value_) * b[i].value_;
    return from_monty(reduce_below_4p2(x));
  }

  // Montgomery reduction: x * 2^-32 mod p for x < p * 2^32, result in [0, p).
  static constexpr uint32_t reduce(uint64_t x) {
    uint32_t q = static_cast<uint32_t>(x) * kMontyMu;  // q * p == x (mod 2^32)
    uint64_t qp = static_cast<uint64_t>(q) * kPrime;
    // x - qp is divisible by 2^32; its high word lies in (-p, p).
    uint32_t hi = static_cast<uint32_t>(x >> 32) - static_cast<uint32_t>(qp >> 32);
    return x < qp ? hi + kPrime : hi;
  }
  // The same for x < 4 p^2, whose high word may reach 4 p^2 / 2^32 < 2p (p < 2^31): the result
  // before correction lies in (-p, 2p).
  static constexpr uint32_t reduce_below_4p2(uint64_t x) {
    uint32_t q = static_cast<uint32_t>(x) * kMontyMu;
    uint64_t qp = static_cast<uint64_t>(q) * kPrime;
    uint32_t x_hi = static_cast<uint32_t>(x >> 32), qp_hi = static_cast<uint32_t>(qp >> 32);
    if (x_hi < qp_hi) return x_hi - qp_hi + kPrime;
    uint32_t hi = x_hi - qp_hi;
    return hi >= kPrime ? hi - kPrime : hi;
  }

 private:
  uint32_t value_ = 0;
};

// Montgomery's trick: inverts every element with one field inversion and 3(n-1) multiplications.
// Works for any field type with *, one() and inverse() (base, extension). Every element must be
// non-zero (aborts otherwise); check untrusted values before calling. in and out must not overlap.
template <class F>
void batch_inverse(std::span<const F> in, std::span<F> out) {
  PROVA_CHECK(in.size() == out.size(), "batch_inverse: size mismatch");
  PROVA_CHECK(
      in.empty() || in.data() + in.size() <= out.data() || out.data() + out.size() <= in.data(),
      "batch_inverse: in and out overlap (use batch_inverse_in_place)");
  if (in.empty()) return;
  // out[i] = in[0] * ... * in[i-1] (prefix products, exclusive).
  F acc = F::one();
  for (size_t i = 0; i < in.size(); ++i) {
    out[i] = acc;
    acc *= in[i];
  }
  PROVA_CHECK(!acc.is_zero(), "batch_inverse: zero element");
  F inv = acc.inverse();  // (in[0] * ... * in[n-1])^-1
  for (size_t i = in.size(); i-- > 0;) {
    out[i] *= inv;
    inv *= in[i];
  }
}

template <class F>
std::vector<F> batch_inverse(std::span<const F> in) {
  std::vector<F> out(in.size());
  batch_inverse<F>(in, std::span<F>(out));
  return out;
}

template <class F>
void batch_inverse_in_place(std::span<F> values) {
  std::vector<F> copy(values.begin(), values.end());
  batch_inverse<F>(std::span<const F>(copy), values);
}

}  // namespace prova
