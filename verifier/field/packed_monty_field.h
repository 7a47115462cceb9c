#pragma once

// PackedMontyField31<Params>: kWidth field elements in one SIMD register, with the same operators
// as the scalar MontyField31. The width is chosen at build time from the target:
//   __AVX512F__ -> 16 lanes (__m512i),  __AVX2__ -> 8 lanes (__m256i),  otherwise 4 scalar lanes.
// Lanes hold Montgomery-form values in [0, p), exactly like the scalar type, so loads and stores
// are plain copies of BabyBear arrays.
//
// The lane arithmetic lives in one "lanes" struct per instruction set (MontyLanesAvx512,
// MontyLanesAvx2, MontyLanesScalar; the two vector widths share their Montgomery products,
// MontyProducts); BasicPackedMontyField31<Params, Lanes> puts the field's
// operators on any of them. Every instruction set the target has stays usable: code that wants
// exactly 8 lanes (the single Poseidon2 permutation) takes the AVX2 lanes on an AVX-512 build.
//
// Multiplication follows the technique of Plonky3's monty-31 x86_64 code: _mm*_mul_epu32
// multiplies the even 32-bit lanes into 64-bit products; the odd lanes are moved down with
// movehdup and multiplied separately. Each 64-bit product x is reduced as
//   q = (x mod 2^32) * p^{-1} mod 2^32,  d = x - q p,  result = d / 2^32   in (-p, p):
// since q p = x mod 2^32, d's low half is zero and its high half is the result, so one 64-bit
// subtraction per half and one merge of the high halves give all lanes, and a final conditional
// +p (an unsigned min, which needs no comparison mask) brings them into [0, p).

#include <algorithm>
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

// Portable lanes: the scalar field, four at a time.
template <MontyParams Params>
struct MontyLanesScalar {
  using Scalar = MontyField31<Params>;
  static constexpr size_t kWidth = 4;
  using Vector = std::array<Scalar, kWidth>;

  static Vector Broadcast(Scalar x) {
    Vector v;
    v.fill(x);
    return v;
  }
  static Vector Load(const Scalar* in) {
    Vector v;
    for (size_t i = 0; i < kWidth; ++i) v[i] = in[i];
    return v;
  }
  static void Store(Vector v, Scalar* out) {
    for (size_t i = 0; i < kWidth; ++i) out[i] = v[i];
  }
  static bool Equal(Vector a, Vector b) { return a == b; }
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
  // The plain product by w's Montgomery form; Shoup's values are not needed here.
  static Vector MulPrepared(Vector a, Vector w_monty, Vector, Vector, Vector) {
    return Mul(a, w_monty);
  }
  static Vector Pow7(Vector x) {
    const Vector x2 = Mul(x, x);
    return Mul(Mul(x2, x), Mul(x2, x2));
  }
  static Vector DifferencePow7(Vector a, Vector b) { return Pow7(Sub(a, b)); }
  static void DifferencePow7x4(Vector* x, const Vector* c) {
    for (size_t i = 0; i < 4; ++i) x[i] = DifferencePow7(x[i], c[i]);
  }
  static Vector Dot4(const Vector* a, const Vector* b) {
    Vector out;
    for (size_t l = 0; l < kWidth; ++l) {
      const std::array<Scalar, 4> x = {a[0][l], a[1][l], a[2][l], a[3][l]};
      const std::array<Scalar, 4> y = {b[0][l], b[1][l], b[2][l], b[3][l]};
      out[l] = Scalar::dot4(x.data(), y.data());
    }
    return out;
  }
};

#if defined(__AVX512F__) || defined(__AVX2__)
// The Montgomery products, written once for both vector widths on the primitives each lanes struct
// L provides: P, Mu, Canonical ((-p, p) as signed lanes -> [0, p)), MoveHighToLow,
// MergeHighHalves (even lanes from the high halves of `even`'s 64-bit lanes, odd lanes from
// `odd`), MulEven / MulEvenSigned (_mm*_mul_epu32 / _mm*_mul_epi32), Add64, Sub64 and Sub32 (plain
// lane sums and differences), BelowShiftedP (a 64-bit lane x < 2^33 p as x or x - 2^32 p, below
// 2^32 p).
template <class L>
struct MontyProducts {
  // The reduced products of the even lanes and of the odd lanes (moved down), in (-p, p).
  template <class V>
  static V Reduce(V prod_even, V prod_odd) {
    V d_even = L::Sub64(prod_even, L::MulEven(L::MulEven(prod_even, L::Mu()), L::P()));
    V d_odd = L::Sub64(prod_odd, L::MulEven(L::MulEven(prod_odd, L::Mu()), L::P()));
    return L::MergeHighHalves(d_even, d_odd);
  }
  template <class V>
  static V Mul(V a, V b) {
    return L::Canonical(
        Reduce(L::MulEven(a, b), L::MulEven(L::MoveHighToLow(a), L::MoveHighToLow(b))));
  }
  // b with every lane equal: mul_epu32 reads the low half of each 64-bit lane, which is already
  // b, so b's odd lanes need no move.
  template <class V>
  static V MulBroadcast(V a, V b) {
    return L::Canonical(Reduce(L::MulEven(a, b), L::MulEven(L::MoveHighToLow(a), b)));
  }
  // a w mod p for a constant w known in advance (Shoup's product): with w_plain = w's canonical
  // value and quotient = floor(w_plain 2^32 / p), q = floor(a quotient / 2^32) is the quotient of
  // a w_plain by p or one less, so a w_plain - q p lies in [0, 2p) and only its low 32 bits are
  // needed. For a Montgomery-form lane a = x 2^32 mod p that is x w in Montgomery form, as the
  // Montgomery product by w's Montgomery form would give: four multiplications instead of six,
  // and the low products do not wait for the high ones.
  // quotient_odd: quotient's odd lanes moved down (MoveHighToLow), as the odd products read them.
  template <class V>
  static V MulPrepared(V a, V /*w_monty*/, V w_plain, V quotient, V quotient_odd) {
    const V q =
        L::MergeHighHalves(L::MulEven(a, quotient), L::MulEven(L::MoveHighToLow(a), quotient_odd));
    const V r = L::Sub32(L::MulLow(a, w_plain), L::MulLow(q, L::P()));
    return L::Min(r, L::Sub32(r, L::P()));
  }
  // a[0] b[0] + a[1] b[1] + a[2] b[2] + a[3] b[3], reduced once per lane instead of four times
  // (as MontyField31::dot4): the 64-bit products of values below p sum to less than 4 p^2, which is
  // below 2^33 p, and taking 2^32 p off where the sum reaches it (BelowShiftedP) leaves the residue
  // of the reduced value unchanged and the sum below 2^32 p, the bound Reduce needs.
  template <class V>
  static V Dot4(const V* a, const V* b) {
    auto products = [](V x0, V y0, V x1, V y1) {
      return L::Add64(L::MulEven(x0, y0), L::MulEven(x1, y1));
    };
    const V even = L::Add64(products(a[0], b[0], a[1], b[1]), products(a[2], b[2], a[3], b[3]));
    auto high = [](V x) { return L::MoveHighToLow(x); };
    const V odd = L::Add64(products(high(a[0]), high(b[0]), high(a[1]), high(b[1])),
                           products(high(a[2]), high(b[2]), high(a[3]), high(b[3])));
    return L::Canonical(Reduce(L::BelowShiftedP(even), L::BelowShiftedP(odd)));
  }
  // Signed Montgomery product of a, b in (-p, p) (lanes as signed integers), in (-p, p):
  // |a b - q p| < p^2 + 2^31 p < 2^32 p for the signed q = (a b) p^-1 mod 2^32.
  template <class V>
  static V MulSigned(V a, V b) {
    V prod_even = L::MulEvenSigned(a, b);
    V prod_odd = L::MulEvenSigned(L::MoveHighToLow(a), L::MoveHighToLow(b));
    V d_even = L::Sub64(prod_even, L::MulEvenSigned(L::MulEven(prod_even, L::Mu()), L::P()));
    V d_odd = L::Sub64(prod_odd, L::MulEvenSigned(L::MulEven(prod_odd, L::Mu()), L::P()));
    return L::MergeHighHalves(d_even, d_odd);
  }
  // The intermediate products stay unreduced in (-p, p): signed Montgomery products need no
  // correction until the end.
  template <class V>
  static V Pow7(V x) {
    const V x2 = MulSigned(x, x);
    return L::Canonical(MulSigned(MulSigned(x2, x), MulSigned(x2, x2)));
  }
  // (a - b)^7 for a, b in [0, p): their plain difference is already in (-p, p), the input the
  // signed products take, so it needs no reduction (one instruction instead of three).
  template <class V>
  static V DifferencePow7(V a, V b) {
    return Pow7(L::Sub32(a, b));
  }
  // x[i] = (x[i] - c[i])^7 for four independent vectors, stage by stage. One chain alone has
  // three dependent products, and the out-of-order window does not reach far enough ahead to fill
  // the multipliers from the next chain; four interleaved in program order keep them busy
  // (Poseidon2's full rounds on Zen 5: 18.8 -> 14.0 cycles per S-box). Named values, not arrays,
  // so that nothing goes through memory.
  template <class V>
  static void DifferencePow7x4(V* x, const V* c) {
    const V y0 = L::Sub32(x[0], c[0]), y1 = L::Sub32(x[1], c[1]);
    const V y2 = L::Sub32(x[2], c[2]), y3 = L::Sub32(x[3], c[3]);
    const V sq0 = MulSigned(y0, y0), sq1 = MulSigned(y1, y1);
    const V sq2 = MulSigned(y2, y2), sq3 = MulSigned(y3, y3);
    const V cube0 = MulSigned(sq0, y0), cube1 = MulSigned(sq1, y1);
    const V cube2 = MulSigned(sq2, y2), cube3 = MulSigned(sq3, y3);
    const V fourth0 = MulSigned(sq0, sq0), fourth1 = MulSigned(sq1, sq1);
    const V fourth2 = MulSigned(sq2, sq2), fourth3 = MulSigned(sq3, sq3);
    x[0] = L::Canonical(MulSigned(cube0, fourth0));
    x[1] = L::Canonical(MulSigned(cube1, fourth1));
    x[2] = L::Canonical(MulSigned(cube2, fourth2));
    x[3] = L::Canonical(MulSigned(cube3, fourth3));
  }
};
#endif

#if defined(__AVX2__)
template <MontyParams Params>
struct MontyLanesAvx2 : MontyProducts<MontyLanesAvx2<Params>> {
  using Scalar = MontyField31<Params>;
  static constexpr size_t kWidth = 8;
  using Vector = __m256i;

  static Vector Broadcast(Scalar x) { return _mm256_set1_epi32(static_cast<int>(x.monty())); }
  static Vector Load(const Scalar* in) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in));
  }
  static void Store(Vector v, Scalar* out) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
  }
  static bool Equal(Vector a, Vector b) {
    return _mm256_movemask_epi8(_mm256_cmpeq_epi32(a, b)) == -1;
  }
  static Vector P() { return _mm256_set1_epi32(static_cast<int>(Scalar::kPrime)); }
  static Vector Mu() { return _mm256_set1_epi32(static_cast<int>(Scalar::kMontyMu)); }
  static Vector Add(Vector a, Vector b) {
    Vector t = _mm256_add_epi32(a, b);
    return _mm256_min_epu32(t, _mm256_sub_epi32(t, P()));
  }
  static Vector Sub(Vector a, Vector b) {
    Vector t = _mm256_sub_epi32(a, b);
    return _mm256_min_epu32(t, _mm256_add_epi32(t, P()));
  }
  static Vector Canonical(Vector t) { return _mm256_min_epu32(t, _mm256_add_epi32(t, P())); }
  static Vector MoveHighToLow(Vector x) {
    return _mm256_castps_si256(_mm256_movehdup_ps(_mm256_castsi256_ps(x)));
  }
  static Vector MergeHighHalves(Vector even, Vector odd) {
    return _mm256_blend_epi32(MoveHighToLow(even), odd, 0b10101010);
  }
  static Vector MulEven(Vector a, Vector b) { return _mm256_mul_epu32(a, b); }
  static Vector MulLow(Vector a, Vector b) { return _mm256_mullo_epi32(a, b); }
  static Vector Min(Vector a, Vector b) { return _mm256_min_epu32(a, b); }
  static Vector MulEvenSigned(Vector a, Vector b) { return _mm256_mul_epi32(a, b); }
  static Vector Add64(Vector a, Vector b) { return _mm256_add_epi64(a, b); }
  static Vector Sub64(Vector a, Vector b) { return _mm256_sub_epi64(a, b); }
  static Vector BelowShiftedP(Vector x) {
    const Vector shifted = _mm256_set1_epi64x(static_cast<int64_t>(uint64_t{Scalar::kPrime} << 32));
    // AVX2 compares 64-bit lanes as signed only: flipping both sign bits orders them unsigned.
    const Vector sign = _mm256_set1_epi64x(INT64_MIN);
    const Vector below =
        _mm256_cmpgt_epi64(_mm256_xor_si256(shifted, sign), _mm256_xor_si256(x, sign));
    return _mm256_blendv_epi8(_mm256_sub_epi64(x, shifted), x, below);
  }
  static Vector Sub32(Vector a, Vector b) { return _mm256_sub_epi32(a, b); }
};
#endif

#if defined(__AVX512F__)
// GCC 12's unmasked AVX-512 intrinsics pass a self-initialised _mm512_undefined_epi32() and trip
// -Wmaybe-uninitialized (GCC bug 105593), which -Werror turns into a build failure. The
// zero-masking forms with an all-ones mask compile to the same unmasked instructions.
template <MontyParams Params>
struct MontyLanesAvx512 : MontyProducts<MontyLanesAvx512<Params>> {
  using Scalar = MontyField31<Params>;
  static constexpr size_t kWidth = 16;
  using Vector = __m512i;
  static constexpr __mmask16 kAll16 = 0xffff;
  static constexpr __mmask8 kAll8 = 0xff;

  static Vector Broadcast(Scalar x) { return _mm512_set1_epi32(static_cast<int>(x.monty())); }
  static Vector Load(const Scalar* in) { return _mm512_loadu_si512(static_cast<const void*>(in)); }
  static void Store(Vector v, Scalar* out) { _mm512_storeu_si512(static_cast<void*>(out), v); }
  static bool Equal(Vector a, Vector b) { return _mm512_cmpeq_epi32_mask(a, b) == 0xffff; }
  static Vector P() { return _mm512_set1_epi32(static_cast<int>(Scalar::kPrime)); }
  static Vector Mu() { return _mm512_set1_epi32(static_cast<int>(Scalar::kMontyMu)); }
  static Vector Min(Vector a, Vector b) { return _mm512_maskz_min_epu32(kAll16, a, b); }
  static Vector Add(Vector a, Vector b) {
    Vector t = _mm512_add_epi32(a, b);
    return Min(t, _mm512_sub_epi32(t, P()));
  }
  static Vector Sub(Vector a, Vector b) {
    Vector t = _mm512_sub_epi32(a, b);
    return Min(t, _mm512_add_epi32(t, P()));
  }
  static Vector Canonical(Vector t) { return Min(t, _mm512_add_epi32(t, P())); }
  static Vector MoveHighToLow(Vector x) {
    return _mm512_castps_si512(_mm512_maskz_movehdup_ps(kAll16, _mm512_castsi512_ps(x)));
  }
  static Vector MergeHighHalves(Vector even, Vector odd) {
    return _mm512_castps_si512(
        _mm512_mask_movehdup_ps(_mm512_castsi512_ps(odd), 0x5555, _mm512_castsi512_ps(even)));
  }
  static Vector MulEven(Vector a, Vector b) { return _mm512_maskz_mul_epu32(kAll8, a, b); }
  static Vector MulLow(Vector a, Vector b) { return _mm512_maskz_mullo_epi32(kAll16, a, b); }
  static Vector MulEvenSigned(Vector a, Vector b) { return _mm512_maskz_mul_epi32(kAll8, a, b); }
  static Vector Add64(Vector a, Vector b) { return _mm512_add_epi64(a, b); }
  static Vector Sub64(Vector a, Vector b) { return _mm512_sub_epi64(a, b); }
  static Vector BelowShiftedP(Vector x) {
    const Vector shifted = _mm512_set1_epi64(static_cast<int64_t>(uint64_t{Scalar::kPrime} << 32));
    return _mm512_maskz_min_epu64(kAll8, x, _mm512_sub_epi64(x, shifted));
  }
  static Vector Sub32(Vector a, Vector b) { return _mm512_sub_epi32(a, b); }
};
#endif

// The widest lanes the target has.
#if defined(__AVX512F__)
template <MontyParams Params>
struct NativeMontyLanes : MontyLanesAvx512<Params> {};
#elif defined(__AVX2__)
template <MontyParams Params>
struct NativeMontyLanes : MontyLanesAvx2<Params> {};
#else
template <MontyParams Params>
struct NativeMontyLanes : MontyLanesScalar<Params> {};
#endif

template <MontyParams Params, class Lanes>
class BasicPackedMontyField31 {
 public:
  using Scalar = MontyField31<Params>;
  static constexpr size_t kWidth = Lanes::kWidth;
  using Vector = typename Lanes::Vector;

  // All lanes zero.
  BasicPackedMontyField31() : v_(Lanes::Broadcast(Scalar::zero())) {}
  // Every lane equal to x (implicit, so `packed * scalar` reads naturally).
  BasicPackedMontyField31(Scalar x) : v_(Lanes::Broadcast(x)) {}  // NOLINT

  static BasicPackedMontyField31 zero() { return BasicPackedMontyField31(); }
  static BasicPackedMontyField31 one() { return BasicPackedMontyField31(Scalar::one()); }
  // Broadcast of a canonical value (reduced mod p like Scalar::from_canonical).
  static BasicPackedMontyField31 from_canonical(uint32_t x) {
    return BasicPackedMontyField31(Scalar::from_canonical(x));
  }

  // Unaligned loads and stores of kWidth consecutive elements.
  static BasicPackedMontyField31 load(const Scalar* in) { return Wrap(Lanes::Load(in)); }
  void store(Scalar* out) const { Lanes::Store(v_, out); }
  // The first kWidth elements of a span (aborts if it is shorter).
  static BasicPackedMontyField31 load(std::span<const Scalar> in) {
    PROVA_CHECK(in.size() >= kWidth, "packed load from a span shorter than kWidth");
    return load(in.data());
  }
  // The first min(kWidth, in.size()) elements of a span, the other lanes zero: the last vector
  // of a row whose width is not a multiple of kWidth.
  static BasicPackedMontyField31 load_prefix(std::span<const Scalar> in) {
    if (in.size() >= kWidth) return load(in.data());
    std::array<Scalar, kWidth> lanes{};
    std::copy(in.begin(), in.end(), lanes.begin());
    return from_array(lanes);
  }
  void store(std::span<Scalar> out) const {
    PROVA_CHECK(out.size() >= kWidth, "packed store to a span shorter than kWidth");
    store(out.data());
  }
  static BasicPackedMontyField31 from_array(const std::array<Scalar, kWidth>& lanes) {
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

  friend BasicPackedMontyField31 operator+(BasicPackedMontyField31 a, BasicPackedMontyField31 b) {
    return Wrap(Lanes::Add(a.v_, b.v_));
  }
  friend BasicPackedMontyField31 operator-(BasicPackedMontyField31 a, BasicPackedMontyField31 b) {
    return Wrap(Lanes::Sub(a.v_, b.v_));
  }
  friend BasicPackedMontyField31 operator-(BasicPackedMontyField31 a) {
    return Wrap(Lanes::Sub(Lanes::Broadcast(Scalar::zero()), a.v_));
  }
  friend BasicPackedMontyField31 operator*(BasicPackedMontyField31 a, BasicPackedMontyField31 b) {
    return Wrap(Lanes::Mul(a.v_, b.v_));
  }
  BasicPackedMontyField31& operator+=(BasicPackedMontyField31 o) { return *this = *this + o; }
  BasicPackedMontyField31& operator-=(BasicPackedMontyField31 o) { return *this = *this - o; }
  // By one value in every lane, which saves a lane shuffle per product.
  friend BasicPackedMontyField31 operator*(BasicPackedMontyField31 a, Scalar b) {
    return Wrap(Lanes::MulBroadcast(a.v_, Lanes::Broadcast(b)));
  }
  friend BasicPackedMontyField31 operator*(Scalar a, BasicPackedMontyField31 b) { return b * a; }
  BasicPackedMontyField31& operator*=(BasicPackedMontyField31 o) { return *this = *this * o; }

  // A factor prepared once for many products (Shoup's method, MontyProducts::MulPrepared), one
  // value per lane: cheaper than operator* where the factor is fixed, as the Poseidon2 internal
  // diagonal is.
  class Prepared {
   public:
    Prepared() : Prepared(zero()) {}
    explicit Prepared(BasicPackedMontyField31 w) : monty_(w.v_) {
      std::array<Scalar, kWidth> plain, quotient;
      const std::array<Scalar, kWidth> lanes = w.to_array();
      for (size_t i = 0; i < kWidth; ++i) {
        const uint32_t v = lanes[i].as_canonical();
        // Bare 32-bit values, not field elements: only MulPrepared reads them.
        plain[i] = Scalar::from_monty(v);
        quotient[i] =
            Scalar::from_monty(static_cast<uint32_t>((uint64_t{v} << 32) / Scalar::kPrime));
      }
      plain_ = from_array(plain).v_;
      quotient_ = from_array(quotient).v_;
      if constexpr (requires { Lanes::MoveHighToLow(quotient_); }) {
        quotient_odd_ = Lanes::MoveHighToLow(quotient_);
      } else {
        quotient_odd_ = quotient_;
      }
    }
    BasicPackedMontyField31 times(BasicPackedMontyField31 a) const {
      return Wrap(Lanes::MulPrepared(a.v_, monty_, plain_, quotient_, quotient_odd_));
    }

   private:
    Vector monty_, plain_, quotient_, quotient_odd_;
  };
  friend BasicPackedMontyField31 operator*(BasicPackedMontyField31 a, const Prepared& w) {
    return w.times(a);
  }

  BasicPackedMontyField31 square() const { return *this * *this; }
  // x^7. The Poseidon2 S-box, whose input is a sum, uses difference_pow7 below.
  BasicPackedMontyField31 pow7() const { return Wrap(Lanes::Pow7(v_)); }
  // (a - b)^7, cheaper than (a - b).pow7() on the vector lanes.
  static BasicPackedMontyField31 difference_pow7(BasicPackedMontyField31 a,
                                                 BasicPackedMontyField31 b) {
    return Wrap(Lanes::DifferencePow7(a.v_, b.v_));
  }
  // x[i] = difference_pow7(x[i], c[i]) for i < 4, faster than four calls on the vector lanes.
  static void difference_pow7_x4(BasicPackedMontyField31* x, const BasicPackedMontyField31* c) {
    static_assert(sizeof(BasicPackedMontyField31) == sizeof(Vector));
    Lanes::DifferencePow7x4(reinterpret_cast<Vector*>(x), reinterpret_cast<const Vector*>(c));
  }
  // a[0] b[0] + a[1] b[1] + a[2] b[2] + a[3] b[3] with one reduction (MontyField31::dot4).
  static BasicPackedMontyField31 dot4(const BasicPackedMontyField31* a,
                                      const BasicPackedMontyField31* b) {
    return Wrap(
        Lanes::Dot4(reinterpret_cast<const Vector*>(a), reinterpret_cast<const Vector*>(b)));
  }
  BasicPackedMontyField31 doubled() const { return *this + *this; }
  BasicPackedMontyField31 pow(uint64_t exponent) const {
    BasicPackedMontyField31 result = one();
    BasicPackedMontyField31 base = *this;
    while (exponent != 0) {
      if (exponent & 1) result *= base;
      base = base.square();
      exponent >>= 1;
    }
    return result;
  }

  friend bool operator==(BasicPackedMontyField31 a, BasicPackedMontyField31 b) {
    return Lanes::Equal(a.v_, b.v_);
  }

  friend std::ostream& operator<<(std::ostream& os, BasicPackedMontyField31 x) {
    os << '[';
    std::array<Scalar, kWidth> lanes = x.to_array();
    for (size_t i = 0; i < kWidth; ++i) os << (i ? ", " : "") << lanes[i];
    return os << ']';
  }

  Vector vector() const { return v_; }
  // Lanes holding Montgomery-form values in [0, p), as vector() returns them.
  static BasicPackedMontyField31 from_vector(Vector v) { return Wrap(v); }

 private:
  struct Uninitialized {};
  explicit BasicPackedMontyField31(Uninitialized) {}
  static BasicPackedMontyField31 Wrap(Vector v) {
    BasicPackedMontyField31 r(Uninitialized{});
    r.v_ = v;
    return r;
  }

  Vector v_;
};

// The widest packing the target has; MontyField31<Params>::Packed.
template <MontyParams Params>
using PackedMontyField31 = BasicPackedMontyField31<Params, NativeMontyLanes<Params>>;

}  // namespace prova
