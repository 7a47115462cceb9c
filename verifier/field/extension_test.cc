#include "verifier/field/extension.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "verifier/field/packed_babybear.h"
#include "verifier/field/packed_extension.h"

namespace prova {
namespace {

constexpr uint64_t kP = BabyBear::kPrime;

BabyBear RandomBase(std::mt19937_64& rng) {
  // One draw in eight is an edge value, to hit the reduction boundaries.
  static const uint32_t kEdges[] = {0, 1, 2, BabyBear::kPrime - 1, BabyBear::kPrime - 2, 1u << 30};
  if (rng() % 8 == 0) return BabyBear::from_canonical(kEdges[rng() % 6]);
  return BabyBear::from_canonical(static_cast<uint32_t>(rng() % kP));
}

template <class F>
F Random(std::mt19937_64& rng);
template <>
BabyBear Random<BabyBear>(std::mt19937_64& rng) {
  return RandomBase(rng);
}
template <>
BabyBear4 Random<BabyBear4>(std::mt19937_64& rng) {
  return BabyBear4::from_coeffs(
      {RandomBase(rng), RandomBase(rng), RandomBase(rng), RandomBase(rng)});
}

// Field axioms, run over every field type.
template <class F>
class FieldAxiomsTest : public ::testing::Test {};
using Fields = ::testing::Types<BabyBear, BabyBear4>;
TYPED_TEST_SUITE(FieldAxiomsTest, Fields);

TYPED_TEST(FieldAxiomsTest, RingAxioms) {
  using F = TypeParam;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 500; ++i) {
    F a = Random<F>(rng), b = Random<F>(rng), c = Random<F>(rng);
    EXPECT_EQ((a + b) + c, a + (b + c));
    EXPECT_EQ((a * b) * c, a * (b * c));
    EXPECT_EQ(a * (b + c), a * b + a * c);
    EXPECT_EQ((a + b) * c, a * c + b * c);
    EXPECT_EQ(a * b, b * a);
    EXPECT_EQ(a - b + b, a);
    EXPECT_EQ(a + (-a), F::zero());
    EXPECT_EQ(a * F::one(), a);
    EXPECT_EQ(a.square(), a * a);
    EXPECT_EQ(a.pow(5), a * a * a * a * a);
  }
}

TYPED_TEST(FieldAxiomsTest, InversesAndBatchInverse) {
  using F = TypeParam;
  std::mt19937_64 rng(2);
  std::vector<F> values;
  for (int i = 0; i < 200; ++i) {
    F a = Random<F>(rng);
    if (a.is_zero()) continue;
    EXPECT_EQ(a * a.inverse(), F::one());
    values.push_back(a);
  }
  std::vector<F> inverses = batch_inverse<F>(std::span<const F>(values));
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(inverses[i] * values[i], F::one());
  EXPECT_FALSE(F::zero().try_inverse().has_value());
}

TEST(PackedExtensionTest, BatchInverseMatchesTheScalarTrick) {
  std::mt19937_64 rng(3);
  const size_t w = PackedBabyBear::kWidth;
  // Below one group, exact groups, and groups with a scalar tail.
  for (size_t n : {size_t{0}, size_t{1}, w - 1, w, w + 1, 3 * w, 7 * w + 5}) {
    std::vector<BabyBear4> values;
    while (values.size() < n) {
      BabyBear4 a = Random<BabyBear4>(rng);
      if (!a.is_zero()) values.push_back(a);
    }
    std::vector<BabyBear4> packed(n);
    batch_inverse_packed(values, packed);
    EXPECT_EQ(packed, batch_inverse<BabyBear4>(std::span<const BabyBear4>(values))) << n;
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(packed[i] * values[i], BabyBear4::one()) << n;
  }
}

TEST(PackedExtensionTest, LaneBatchInverseInvertsEveryLaneAndReportsAZero) {
  std::mt19937_64 rng(4);
  constexpr size_t w = PackedBabyBear::kWidth;
  std::vector<std::array<BabyBear4, w>> lanes(9);
  std::vector<PackedBabyBear4> packed;
  for (auto& group : lanes) {
    for (BabyBear4& a : group) {
      do {
        a = Random<BabyBear4>(rng);
      } while (a.is_zero());
    }
    packed.push_back(PackExtension(group.data()));
  }
  std::vector<PackedBabyBear4> inverses(packed.size());
  ASSERT_TRUE(batch_inverse_lanes(packed, inverses));
  for (size_t g = 0; g < lanes.size(); ++g) {
    std::array<BabyBear4, w> got;
    UnpackExtension(inverses[g], got.data());
    for (size_t l = 0; l < w; ++l) ASSERT_EQ(got[l] * lanes[g][l], BabyBear4::one()) << g << l;
  }
  // One zero in one lane of one element: reported, whatever the other lanes hold.
  lanes[5][w - 1] = BabyBear4::zero();
  packed[5] = PackExtension(lanes[5].data());
  EXPECT_FALSE(batch_inverse_lanes(packed, inverses));
}

TEST(PackedExtensionTest, PackAndUnpackRoundTrip) {
  std::mt19937_64 rng(4);
  std::vector<BabyBear4> values(PackedBabyBear::kWidth), back(PackedBabyBear::kWidth);
  for (BabyBear4& v : values) v = Random<BabyBear4>(rng);
  const PackedBabyBear4 packed = PackExtension(values.data());
  EXPECT_EQ(packed.coeff(2).lane(1), values[1].coeff(2));
  UnpackExtension(packed, back.data());
  EXPECT_EQ(back, values);
}

TEST(PackedExtensionDeathTest, BatchInverseWithZeroAborts) {
  std::vector<BabyBear4> values(3 * PackedBabyBear::kWidth, BabyBear4::one());
  values[PackedBabyBear::kWidth + 2] = BabyBear4::zero();
  std::vector<BabyBear4> out(values.size());
  EXPECT_DEATH(batch_inverse_packed(values, out), "zero element");
}

// Reference: multiply the polynomials with uint64 arithmetic and reduce by X^4 = 11.
std::array<uint64_t, 4> ReferenceMul(const std::array<uint64_t, 4>& a,
                                     const std::array<uint64_t, 4>& b) {
  std::array<uint64_t, 7> full{};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) full[i + j] = (full[i + j] + a[i] * b[j] % kP) % kP;
  std::array<uint64_t, 4> r;
  for (int k = 0; k < 4; ++k) r[k] = (full[k] + (k + 4 < 7 ? full[k + 4] * 11 % kP : 0)) % kP;
  return r;
}

std::array<uint64_t, 4> Canonical(const BabyBear4& a) {
  return {a.coeff(0).as_canonical(), a.coeff(1).as_canonical(), a.coeff(2).as_canonical(),
          a.coeff(3).as_canonical()};
}

TEST(BabyBear4Test, MultiplicationMatchesReference) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) {
    BabyBear4 a = Random<BabyBear4>(rng), b = Random<BabyBear4>(rng);
    EXPECT_EQ(Canonical(a * b), ReferenceMul(Canonical(a), Canonical(b)));
  }
  // X^4 = 11 exactly.
  EXPECT_EQ(BabyBear4::x().pow(4), BabyBear4(BabyBear::from_canonical(11)));
  EXPECT_EQ(BabyBear4::x().pow(3) * BabyBear4::x(), BabyBear4(BabyBear::from_canonical(11)));
}

TEST(BabyBear4Test, BaseEmbeddingAndMixedOperations) {
  std::mt19937_64 rng(4);
  for (int i = 0; i < 200; ++i) {
    BabyBear4 a = Random<BabyBear4>(rng);
    BabyBear b = RandomBase(rng), c = RandomBase(rng);
    EXPECT_EQ(a * b, a * BabyBear4(b));
    EXPECT_EQ(b * a, a * BabyBear4(b));
    EXPECT_EQ(a + b, a + BabyBear4(b));
    EXPECT_EQ(a - b, a - BabyBear4(b));
    EXPECT_EQ(b - a, BabyBear4(b) - a);
    // The embedding is a ring homomorphism.
    EXPECT_EQ(BabyBear4(b) * BabyBear4(c), BabyBear4(b * c));
    EXPECT_EQ(BabyBear4(b) + BabyBear4(c), BabyBear4(b + c));
    EXPECT_EQ(BabyBear4(b).as_base(), b);
  }
  EXPECT_FALSE(BabyBear4::x().as_base().has_value());
  EXPECT_TRUE(BabyBear4::one().is_in_base());
}

TEST(BabyBear4Test, FrobeniusIsThePthPower) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20; ++i) {
    BabyBear4 a = Random<BabyBear4>(rng), b = Random<BabyBear4>(rng);
    EXPECT_EQ(a.frobenius(), a.pow(kP));
    EXPECT_EQ(a.repeated_frobenius(2), a.frobenius().frobenius());
    EXPECT_EQ(a.repeated_frobenius(4), a);
    EXPECT_EQ((a * b).frobenius(), a.frobenius() * b.frobenius());
  }
  // Fixed points of the Frobenius are exactly the base field.
  BabyBear b = BabyBear::from_canonical(123);
  EXPECT_EQ(BabyBear4(b).frobenius(), BabyBear4(b));
  EXPECT_NE(BabyBear4::x().frobenius(), BabyBear4::x());
}

TEST(BabyBear4Test, InverseOfZeroAborts) {
  EXPECT_DEATH((void)BabyBear4::zero().inverse(), "inverse of zero");
}

TEST(BabyBear4Test, CheckedDecoding) {
  std::array<uint32_t, 4> ok = {1, 2, 3, BabyBear::kPrime - 1};
  BabyBear4 a = BabyBear4::from_canonical_checked(std::span<const uint32_t, 4>(ok));
  EXPECT_EQ(a.coeff(3), BabyBear::neg_one());
  std::array<uint32_t, 4> bad = {1, 2, BabyBear::kPrime, 4};
  EXPECT_THROW(BabyBear4::from_canonical_checked(std::span<const uint32_t, 4>(bad)), Error);
}

// X^4 - a over F_p is irreducible iff (Lidl-Niederreiter, Theorem 3.75) every prime factor of 4
// (only 2) divides ord(a) but not (p-1)/ord(a), and p = 1 (mod 4) since 4 | 4. The first
// condition says the 2-part of ord(a) is the full 2-part of p - 1, i.e. a is a quadratic
// non-residue: a^((p-1)/2) = -1. (The extra "-4a is not a fourth power" case of the binomial
// criterion only arises for p = 3 mod 4.) So for p = 15 * 2^27 + 1 = 1 (mod 4): irreducible iff
// 11 is a non-square.
TEST(BabyBear4Test, XFourMinusElevenIsIrreducibleByEulerCriterion) {
  EXPECT_EQ(kP % 4, 1u);
  EXPECT_EQ(BabyBear::from_canonical(11).pow((kP - 1) / 2), BabyBear::neg_one());
  // Negative control: the criterion does flag a square. 16 = 4^2, and X^4 - 16 = (X^2-4)(X^2+4).
  EXPECT_EQ(BabyBear::from_canonical(16).pow((kP - 1) / 2), BabyBear::one());
}

// The same fact checked independently with Rabin's test, computing in the ring F_p[X]/(X^4 - 11)
// by square-and-multiply (valid whether or not it is a field): f of degree 4 is irreducible iff
// X^(p^4) = X mod f and gcd(X^(p^2) - X, f) = 1.
TEST(BabyBear4Test, XFourMinusElevenIsIrreducibleByRabinTest) {
  BabyBear4 x = BabyBear4::x();
  BabyBear4 x_p2 = x.pow(kP).pow(kP);
  EXPECT_EQ(x_p2.pow(kP).pow(kP), x);
  // X^(p^2) - X reduces to c * X with c != 0; X does not divide X^4 - 11 (11 != 0), so the gcd
  // with f is 1.
  BabyBear4 d = x_p2 - x;
  EXPECT_TRUE(d.coeff(0).is_zero() && d.coeff(2).is_zero() && d.coeff(3).is_zero());
  EXPECT_FALSE(d.coeff(1).is_zero());
}

TEST(PackedBabyBear4Test, LaneByLaneEqualsScalar) {
  constexpr size_t kLanes = PackedBabyBear::kWidth;
  std::mt19937_64 rng(6);
  const BabyBear top = BabyBear::from_monty(BabyBear::kPrime - 1);  // the largest representation
  const BabyBear4 all_top = BabyBear4::from_coeffs({top, top, top, top});
  for (int round = 0; round < 50; ++round) {
    std::array<BabyBear4, kLanes> a, b;
    for (size_t l = 0; l < kLanes; ++l) {
      a[l] = Random<BabyBear4>(rng);
      b[l] = Random<BabyBear4>(rng);
      // The largest coefficients in some lanes: the packed product's widest unreduced sums.
      if (round < 2 && l % 3 == 0) a[l] = all_top;
      if (round < 2 && l % 2 == 0) b[l] = all_top;
    }
    auto pack = [&](const std::array<BabyBear4, kLanes>& v) {
      std::array<PackedBabyBear, 4> coeffs;
      for (size_t c = 0; c < 4; ++c) {
        std::array<BabyBear, kLanes> lanes;
        for (size_t l = 0; l < kLanes; ++l) lanes[l] = v[l].coeff(c);
        coeffs[c] = PackedBabyBear::from_array(lanes);
      }
      return PackedBabyBear4::from_coeffs(coeffs);
    };
    auto lane = [](const PackedBabyBear4& v, size_t l) {
      return BabyBear4::from_coeffs(
          {v.coeff(0).lane(l), v.coeff(1).lane(l), v.coeff(2).lane(l), v.coeff(3).lane(l)});
    };
    PackedBabyBear4 pa = pack(a), pb = pack(b);
    BabyBear s = RandomBase(rng);
    PackedBabyBear4 prod = pa * pb, sum = pa + pb, diff = pa - pb, scaled = pa * PackedBabyBear(s);
    for (size_t l = 0; l < kLanes; ++l) {
      EXPECT_EQ(lane(prod, l), a[l] * b[l]);
      EXPECT_EQ(lane(sum, l), a[l] + b[l]);
      EXPECT_EQ(lane(diff, l), a[l] - b[l]);
      EXPECT_EQ(lane(scaled, l), a[l] * s);
    }
  }
}

}  // namespace
}  // namespace prova
