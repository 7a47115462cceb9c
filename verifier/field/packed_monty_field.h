#pragma once

// PackedMontyField31<Params>: kWidth field elements in one SIMD register, with the same operators
// as the scalar MontyField31. The width is chosen at build time from the target:
//   __AVX512F__ -> 16 lanes (__m512i),  __AVX2__ -> 8 lanes (__m256i),  otherwise 4 scalar lanes.
// Lanes hold Montgomery-form values in [0, p), exactly like the scalar type, so loads and stores
// are plain copies of BabyBear arrays.
//
// Multiplication follows the technique of Plonky3's monty-31 x86_64 code: _mm*_mul_epu32
// multiplies the even 32-bit lanes into 64-bit products; the odd lanes are moved down with
// movehdup and multiplied separately. Each 64-bit product x is reduced as
//   q = (x mod 2^32) * p^{-1} mod 2^32,  result = (x - q p) / 2^32   in (-p, p),
// and the high halves of both products are merged back into one register before a final
// conditional +p (done as an unsigned min, which needs no comparison mask).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <span>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#include "common/error.h"
#include "verifier/field/monty_field.h"

namespace prova {

template <MontyParams Params>
class PackedMontyField31 {
 public:
  using Scalar = MontyField31<Params>;

#if defined(__AVX512F__)
  static constexpr size_t kWidth = 16;
  using Vector = __m512i;
#elif defined(__AVX2__)
  static constexpr size_t kWidth = 8;
  using Vector = __m256i;
#else
  static constexpr size_t kWidth = 4;
  using Vector = std::array<Scalar, kWidth>;
#endif

  // All lanes zero.
  PackedMontyField31() : v_(Broadcast(Scalar::zero())) {}
  // Every lane equal to x (implicit, so `packed * scalar` reads naturally).
  PackedMontyField31(Scalar x) : v_(Broadcast(x)) {}  // NOLINT(google-explicit-constructor)

  static PackedMontyField31 zero() { return PackedMontyField31(); }
  static PackedMontyField31 one() { return PackedMontyField31(Scalar::one()); }
  // Broadcast of a canonical value (reduced mod p like Scalar::from_canonical).
  static PackedMontyField31 from_canonical(uint32_t x) {
    return PackedMontyField31(Scalar::from_canonical(x));
  }

  // Unaligned loads and stores of kWidth consecutive elements.
  static PackedMontyField31 load(const Scalar* in) {
    PackedMontyField31 r(Uninitialized{});
#if defined(__AVX512F__)
    r.v_ = _mm512_loadu_si512(static_cast<const void*>(in));
#elif defined(__AVX2__)
    r.v_ = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
#else
    for (size_t i = 0; i < kWidth; ++i) r.v_[i] = in[i];
#endif
    return r;
  }
  void store(Scalar* out) const {
#if defined(__AVX512F__)
    _mm512_storeu_si512(static_cast<void*>(out), v_);
#elif defined(__AVX2__)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v_);
#else
    for (size_t i = 0; i < kWidth; ++i) out[i] = v_[i];
#endif
  }
  // The first kWidth elements of a span (aborts if it is shorter).
  static PackedMontyField31 load(std::span<const Scalar> in) {
    PROVA_CHECK(in.size() >= kWidth, "packed load from a span shorter than kWidth");
    return load(in.data());
  }
  void store(std::span<Scalar> out) const {
    PROVA_CHECK(out.size() >= kWidth, "packed store to a span shorter than kWidth");
    store(out.data());
  }
  static PackedMontyField31 from_array(const std::array<Scalar, kWidth>& lanes) {
    return load(lanes.data());
  }
  std::array<Scalar, kWidth> to_array() const {
    std::array<Scalar, kWidth> lanes;
    store(lanes.data());
    return lanes;
  }
  Scalar lane(size_t i) const {
    PROVA_CHECK(i < kWidth, "packed lane index out of range");
    return to_array()[i];
  }

  friend PackedMontyField31 operator+(PackedMontyField31 a, PackedMontyField31 b) {
    return Wrap(Add(a.v_, b.v_));
  }
  friend PackedMontyField31 operator-(PackedMontyField31 a, PackedMontyField31 b) {
    return Wrap(Sub(a.v_, b.v_));
  }
  friend PackedMontyField31 operator-(PackedMontyField31 a) {
    return Wrap(Sub(Broadcast(Scalar::zero()), a.v_));
  }
  friend PackedMontyField31 operator*(PackedMontyField31 a, PackedMontyField31 b) {
    return Wrap(Mul(a.v_, b.v_));
  }
  PackedMontyField31& operator+=(PackedMontyField31 o) { return *this = *this + o; }
  PackedMontyField31& operator-=(PackedMontyField31 o) { return *this = *this - o; }
  // By one value in every lane, which saves a lane shuffle per product.
  friend PackedMontyField31 operator*(PackedMontyField31 a, Scalar b) {
    return Wrap(MulBroadcast(a.v_, Broadcast(b)));
  }
  friend PackedMontyField31 operator*(Scalar a, PackedMontyField31 b) { return b * a; }
  PackedMontyField31& operator*=(PackedMontyField31 o) { return *this = *this * o; }

  PackedMontyField31 square() const { return *this * *this; }
  // x^7 (the Poseidon2 S-box). With AVX2 the intermediate products stay unreduced in (-p, p):
  // signed Montgomery products need no correction until the end.
  PackedMontyField31 pow7() const { return Wrap(Pow7(v_)); }
  PackedMontyField31 doubled() const { return *this + *this; }
  PackedMontyField31 pow(uint64_t exponent) const {
    PackedMontyField31 result = one();
    PackedMontyField31 base = *this;
    while (exponent != 0) {
      if (exponent & 1) result *= base;
      base = base.square();
      exponent >>= 1;
    }
    return result;
  }

  friend bool operator==(PackedMontyField31 a, PackedMontyField31 b) {
#if defined(__AVX512F__)
    return _mm512_cmpeq_epi32_mask(a.v_, b.v_) == 0xffff;
#elif defined(__AVX2__)
    return _mm256_movemask_epi8(_mm256_cmpeq_epi32(a.v_, b.v_)) == -1;
#else
    return a.v_ == b.v_;
#endif
  }

  friend std::ostream& operator<<(std::ostream& os, PackedMontyField31 x) {
    os << '[';
    std::array<Scalar, kWidth> lanes = x.to_array();
    for (size_t i = 0; i < kWidth; ++i) os << (i ? ", " : "") << lanes[i];
    return os << ']';
  }

  Vector vector() const { return v_; }
  // Lanes holding Montgomery-form values in [0, p), as vector() returns them.
  static PackedMontyField31 from_vector(Vector v) { return Wrap(v); }

 private:
  struct Uninitialized {};
  explicit PackedMontyField31(Uninitialized) {}
  static PackedMontyField31 Wrap(Vector v) {
    PackedMontyField31 r(Uninitialized{});
    r.v_ = v;
    return r;
  }

#if defined(__AVX512F__)
  // GCC 12's unmasked AVX-512 intrinsics pass a self-initialised _mm512_undefined_epi32() and
  // trip -Wmaybe-uninitialized (GCC bug 105593), which -Werror turns into a build failure. The
  // zero-masking forms with an all-ones mask compile to the same unmasked instructions.
  static constexpr __mmask16 kAll16 = 0xffff;
  static constexpr __mmask8 kAll8 = 0xff;
  static Vector Broadcast(Scalar x) { return _mm512_set1_epi32(static_cast<int>(x.monty())); }
  static Vector P() { return _mm512_set1_epi32(static_cast<int>(Scalar::kPrime)); }
  static Vector Min(Vector a, Vector b) { return _mm512_maskz_min_epu32(kAll16, a, b); }
  static Vector Add(Vector a, Vector b) {
    Vector t = _mm512_add_epi32(a, b);
    return Min(t, _mm512_sub_epi32(t, P()));
  }
  static Vector Sub(Vector a, Vector b) {
    Vector t = _mm512_sub_epi32(a, b);
    return Min(t, _mm512_add_epi32(t, P()));
  }
  static Vector MulBroadcast(Vector a, Vector b) { return Mul(a, b); }
  static Vector Pow7(Vector x) {
    const Vector x2 = Mul(x, x);
    return Mul(Mul(x2, x), Mul(x2, x2));
  }
  static Vector MoveHighToLow(Vector x) {
    return _mm512_castps_si512(_mm512_maskz_movehdup_ps(kAll16, _mm512_castsi512_ps(x)));
  }
  // Odd 32-bit lanes from `odd`, even lanes from the high halves of `even`'s 64-bit lanes.
  static Vector MergeHighHalves(Vector even, Vector odd) {
    return _mm512_castps_si512(
        _mm512_mask_movehdup_ps(_mm512_castsi512_ps(odd), 0x5555, _mm512_castsi512_ps(even)));
  }
  static Vector MulEven(Vector a, Vector b) { return _mm512_maskz_mul_epu32(kAll8, a, b); }
  static Vector Mul(Vector a, Vector b) {
    const Vector mu = _mm512_set1_epi32(static_cast<int>(Scalar::kMontyMu));
    Vector prod_even = MulEven(a, b);
    Vector prod_odd = MulEven(MoveHighToLow(a), MoveHighToLow(b));
    Vector qp_even = MulEven(MulEven(prod_even, mu), P());
    Vector qp_odd = MulEven(MulEven(prod_odd, mu), P());
    Vector t =
        _mm512_sub_epi32(MergeHighHalves(prod_even, prod_odd), MergeHighHalves(qp_even, qp_odd));
    return Min(t, _mm512_add_epi32(t, P()));
  }
#elif defined(__AVX2__)
  static Vector Broadcast(Scalar x) { return _mm256_set1_epi32(static_cast<int>(x.monty())); }
  static Vector P() { return _mm256_set1_epi32(static_cast<int>(Scalar::kPrime)); }
  static Vector Add(Vector a, Vector b) {
    Vector t = _mm256_add_epi32(a, b);
    return _mm256_min_epu32(t, _mm256_sub_epi32(t, P()));
  }
  static Vector Sub(Vector a, Vector b) {
    Vector t = _mm256_sub_epi32(a, b);
    return _mm256_min_epu32(t, _mm256_add_epi32(t, P()));
  }
  static Vector MoveHighToLow(Vector x) {
    return _mm256_castps_si256(_mm256_movehdup_ps(_mm256_castsi256_ps(x)));
  }
  static Vector MergeHighHalves(Vector even, Vector odd) {
    return _mm256_blend_epi32(MoveHighToLow(even), odd, 0b10101010);
  }
  // The products of the even lanes and of the odd lanes (moved down), reduced: since
  // q p = x mod 2^32, the 64-bit difference x - q p has (x - q p) / 2^32 in its high half, so
  // one 64-bit subtraction per half replaces two merges and a 32-bit subtraction.
  static Vector Reduce(Vector prod_even, Vector prod_odd) {
    const Vector mu = _mm256_set1_epi32(static_cast<int>(Scalar::kMontyMu));
    Vector d_even =
        _mm256_sub_epi64(prod_even, _mm256_mul_epu32(_mm256_mul_epu32(prod_even, mu), P()));
    Vector d_odd =
        _mm256_sub_epi64(prod_odd, _mm256_mul_epu32(_mm256_mul_epu32(prod_odd, mu), P()));
    Vector t = MergeHighHalves(d_even, d_odd);
    return _mm256_min_epu32(t, _mm256_add_epi32(t, P()));
  }
  static Vector Mul(Vector a, Vector b) {
    return Reduce(_mm256_mul_epu32(a, b), _mm256_mul_epu32(MoveHighToLow(a), MoveHighToLow(b)));
  }
  // Signed Montgomery product of a, b in (-p, p) (lanes as signed integers), in (-p, p):
  // |a b - q p| < p^2 + 2^31 p < 2^32 p for the signed q = (a b) p^-1 mod 2^32.
  static Vector MulSigned(Vector a, Vector b) {
    const Vector mu = _mm256_set1_epi32(static_cast<int>(Scalar::kMontyMu));
    Vector prod_even = _mm256_mul_epi32(a, b);
    Vector prod_odd = _mm256_mul_epi32(MoveHighToLow(a), MoveHighToLow(b));
    Vector d_even =
        _mm256_sub_epi64(prod_even, _mm256_mul_epi32(_mm256_mul_epu32(prod_even, mu), P()));
    Vector d_odd =
        _mm256_sub_epi64(prod_odd, _mm256_mul_epi32(_mm256_mul_epu32(prod_odd, mu), P()));
    return MergeHighHalves(d_even, d_odd);
  }
  static Vector Pow7(Vector x) {
    const Vector x2 = MulSigned(x, x);
    const Vector x7 = MulSigned(MulSigned(x2, x), MulSigned(x2, x2));
    return _mm256_min_epu32(x7, _mm256_add_epi32(x7, P()));  // (-p, p) -> [0, p)
  }
  // b with every lane equal: _mm256_mul_epu32 reads the low half of each 64-bit lane, which is
  // already b, so b's odd lanes need no move.
  static Vector MulBroadcast(Vector a, Vector b) {
    return Reduce(_mm256_mul_epu32(a, b), _mm256_mul_epu32(MoveHighToLow(a), b));
  }
#else
  static Vector Broadcast(Scalar x) {
    Vector v;
    v.fill(x);
    return v;
  }
  template <class Op>
  static Vector Map(Vector a, Vector b, Op op) {
    for (size_t i = 0; i < kWidth; ++i) a[i] = op(a[i], b[i]);
    return a;
  }
  static Vector Add(Vector a, Vector b) {
    return Map(a, b, [](Scalar x, Scalar y) { return x + y; });
  }
  static Vector Sub(Vector a, Vector b) {
    return Map(a, b, [](Scalar x, Scalar y) { return x - y; });
  }
  static Vector Mul(Vector a, Vector b) {
    return Map(a, b, [](Scalar x, Scalar y) { return x * y; });
  }
  static Vector MulBroadcast(Vector a, Vector b) { return Mul(a, b); }
  static Vector Pow7(Vector x) {
    const Vector x2 = Mul(x, x);
    return Mul(Mul(x2, x), Mul(x2, x2));
  }
#endif

  Vector v_;
};

}  // namespace prova
