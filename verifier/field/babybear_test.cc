#include "verifier/field/babybear.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace prova {
namespace {

// A second 31-bit Montgomery field (KoalaBear, p = 2^31 - 2^24 + 1) checks that nothing in the
// generic implementation is specific to BabyBear.
struct KoalaBearParams {
  static constexpr uint32_t kPrime = 0x7f000001;
  static constexpr uint32_t kTwoAdicity = 24;
  static constexpr uint32_t kMultiplicativeGenerator = 3;
};
using KoalaBear = MontyField31<KoalaBearParams>;

__extension__ using Uint128 = unsigned __int128;

// Plain reference arithmetic on canonical values.
template <class F>
struct Reference {
  static constexpr uint64_t p = F::kPrime;
  static uint32_t add(uint32_t a, uint32_t b) {
    return static_cast<uint32_t>((uint64_t{a} + b) % p);
  }
  static uint32_t sub(uint32_t a, uint32_t b) {
    return static_cast<uint32_t>((uint64_t{a} + p - b) % p);
  }
  static uint32_t mul(uint32_t a, uint32_t b) {
    return static_cast<uint32_t>(static_cast<Uint128>(a) * b % p);
  }
  static uint32_t pow(uint32_t a, uint64_t e) {
    uint64_t r = 1, b = a;
    for (; e; e >>= 1, b = b * b % p)
      if (e & 1) r = r * b % p;
    return static_cast<uint32_t>(r);
  }
};

template <class F>
std::vector<uint32_t> EdgeValues() {
  const uint32_t p = F::kPrime;
  return {0,
          1,
          2,
          3,
          p - 1,
          p - 2,
          p / 2,
          p / 2 + 1,
          1u << 30,
          (1u << 30) - 1,
          1u << 16,
          65535,
          p - (1u << 16),
          0x12345678 % p};
}

template <class F>
std::vector<uint32_t> TestValues() {
  std::vector<uint32_t> values = EdgeValues<F>();
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) values.push_back(static_cast<uint32_t>(rng() % F::kPrime));
  return values;
}

template <class F>
class MontyFieldTest : public ::testing::Test {};
using MontyFields = ::testing::Types<BabyBear, KoalaBear>;
TYPED_TEST_SUITE(MontyFieldTest, MontyFields);

TYPED_TEST(MontyFieldTest, CanonicalRoundTripAndReduction) {
  using F = TypeParam;
  const uint32_t p = F::kPrime;
  for (uint32_t v : TestValues<F>()) EXPECT_EQ(F::from_canonical(v).as_canonical(), v);
  // Values >= p are reduced, including the largest uint32_t values.
  for (uint32_t v : {p, p + 1, 2 * p - 1, 2 * p, 1u << 31, 0xffffffffu}) {
    EXPECT_EQ(F::from_canonical(v).as_canonical(), v % p);
  }
  EXPECT_EQ(F::from_u64(0xffffffffffffffffull).as_canonical(), 0xffffffffffffffffull % p);
  EXPECT_EQ(F::from_i64(-1), F::neg_one());
  EXPECT_EQ(F::from_i64(-static_cast<int64_t>(p) - 5), -F::from_canonical(5));
}

TYPED_TEST(MontyFieldTest, CheckedDecodingRejectsNonCanonical) {
  using F = TypeParam;
  EXPECT_EQ(F::from_canonical_checked(F::kPrime - 1), F::neg_one());
  EXPECT_THROW(F::from_canonical_checked(F::kPrime), Error);
  EXPECT_THROW(F::from_canonical_checked(0xffffffffu), Error);
}

TYPED_TEST(MontyFieldTest, MatchesReferenceArithmetic) {
  using F = TypeParam;
  using R = Reference<F>;
  std::vector<uint32_t> values = TestValues<F>();
  for (uint32_t a : values) {
    F fa = F::from_canonical(a);
    EXPECT_EQ((-fa).as_canonical(), R::sub(0, a));
    EXPECT_EQ(fa.square().as_canonical(), R::mul(a, a));
    EXPECT_EQ(fa.doubled().as_canonical(), R::add(a, a));
    EXPECT_EQ(fa.halve().doubled(), fa);
    EXPECT_EQ(fa.pow(7).as_canonical(), R::pow(a, 7));
    for (uint32_t b : values) {
      F fb = F::from_canonical(b);
      ASSERT_EQ((fa + fb).as_canonical(), R::add(a, b)) << a << " + " << b;
      ASSERT_EQ((fa - fb).as_canonical(), R::sub(a, b)) << a << " - " << b;
      ASSERT_EQ((fa * fb).as_canonical(), R::mul(a, b)) << a << " * " << b;
      // The internal representation always stays reduced.
      ASSERT_LT((fa * fb).monty(), F::kPrime);
      ASSERT_LT((fa + fb).monty(), F::kPrime);
      ASSERT_LT((fa - fb).monty(), F::kPrime);
    }
  }
}

TYPED_TEST(MontyFieldTest, RingAxioms) {
  using F = TypeParam;
  std::mt19937_64 rng(7);
  auto random = [&] { return F::from_canonical(static_cast<uint32_t>(rng() % F::kPrime)); };
  for (int i = 0; i < 1000; ++i) {
    F a = random(), b = random(), c = random();
    EXPECT_EQ((a + b) + c, a + (b + c));
    EXPECT_EQ((a * b) * c, a * (b * c));
    EXPECT_EQ(a * (b + c), a * b + a * c);
    EXPECT_EQ(a + b, b + a);
    EXPECT_EQ(a * b, b * a);
    EXPECT_EQ(a - b + b, a);
    EXPECT_EQ(a + F::zero(), a);
    EXPECT_EQ(a * F::one(), a);
    EXPECT_EQ(a * F::zero(), F::zero());
  }
}

TYPED_TEST(MontyFieldTest, Inverses) {
  using F = TypeParam;
  for (uint32_t v : TestValues<F>()) {
    F a = F::from_canonical(v);
    if (a.is_zero()) {
      EXPECT_FALSE(a.try_inverse().has_value());
      continue;
    }
    EXPECT_EQ(a * a.inverse(), F::one()) << v;
    EXPECT_EQ(a.try_inverse(), a.inverse());
    EXPECT_EQ(a.inverse().as_canonical(), Reference<F>::pow(v, F::kPrime - 2));
  }
}

TYPED_TEST(MontyFieldTest, InverseOfZeroAborts) {
  using F = TypeParam;
  EXPECT_DEATH((void)F::zero().inverse(), "inverse of zero");
}

TYPED_TEST(MontyFieldTest, BatchInverse) {
  using F = TypeParam;
  std::vector<F> values;
  for (uint32_t v : TestValues<F>())
    if (v != 0) values.push_back(F::from_canonical(v));
  std::vector<F> inverses = batch_inverse<F>(std::span<const F>(values));
  ASSERT_EQ(inverses.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(inverses[i], values[i].inverse());
  std::vector<F> in_place = values;
  batch_inverse_in_place<F>(in_place);
  EXPECT_EQ(in_place, inverses);
  EXPECT_TRUE(batch_inverse<F>(std::span<const F>()).empty());
  std::vector<F> one_element = {F::from_canonical(9)};
  batch_inverse_in_place<F>(one_element);
  EXPECT_EQ(one_element[0], F::from_canonical(9).inverse());
}

// dot4 reduces a sum of four products once: every pair of edge values, against the products
// reduced one by one.
TYPED_TEST(MontyFieldTest, Dot4EqualsTheSumOfProducts) {
  using F = TypeParam;
  const std::vector<uint32_t> values = TestValues<F>();
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); ++j) {
      const F x = F::from_canonical(values[i]), y = F::from_canonical(values[j]);
      const std::array<F, 4> a = {x, y, x, F::neg_one()};
      const std::array<F, 4> b = {y, y, F::neg_one(), x};
      F expected = F::zero();
      for (size_t k = 0; k < 4; ++k) expected += a[k] * b[k];
      ASSERT_EQ(F::dot4(a.data(), b.data()), expected) << values[i] << " " << values[j];
    }
  }
  // The largest raw (Montgomery) values make the largest unreduced sum, 4 (p - 1)^2.
  const F top = F::from_monty(F::kPrime - 1);
  const std::array<F, 4> max = {top, top, top, top};
  EXPECT_EQ(F::dot4(max.data(), max.data()), F::from_canonical(4) * top * top);
}

TYPED_TEST(MontyFieldTest, BatchInverseWithZeroAborts) {
  using F = TypeParam;
  std::vector<F> values = {F::one(), F::zero(), F::two()};
  EXPECT_DEATH(batch_inverse_in_place<F>(values), "zero element");
}

TYPED_TEST(MontyFieldTest, TwoAdicGeneratorsHaveExactOrder) {
  using F = TypeParam;
  for (uint32_t bits = 0; bits <= F::kTwoAdicity; ++bits) {
    F g = F::two_adic_generator(bits);
    EXPECT_EQ(g.pow(uint64_t{1} << bits), F::one()) << bits;
    if (bits > 0) {
      EXPECT_EQ(g.pow(uint64_t{1} << (bits - 1)), F::neg_one()) << bits;
    }
    if (bits < F::kTwoAdicity) {
      EXPECT_EQ(F::two_adic_generator(bits + 1).square(), g);
    }
  }
}

TYPED_TEST(MontyFieldTest, MultiplicativeGeneratorGeneratesTheGroup) {
  using F = TypeParam;
  // g generates F_p^* iff g^((p-1)/q) != 1 for every prime q dividing p - 1.
  uint64_t order = F::kPrime - 1;
  std::vector<uint64_t> primes;
  uint64_t n = order;
  for (uint64_t q = 2; q * q <= n; ++q) {
    if (n % q == 0) primes.push_back(q);
    while (n % q == 0) n /= q;
  }
  if (n > 1) primes.push_back(n);
  F g = F::multiplicative_generator();
  EXPECT_EQ(g.pow(order), F::one());
  for (uint64_t q : primes) EXPECT_NE(g.pow(order / q), F::one()) << q;
}

TEST(BabyBearTest, Constants) {
  EXPECT_EQ(BabyBear::kPrime, 2013265921u);
  EXPECT_EQ(BabyBear::kTwoAdicity, 27u);
  EXPECT_EQ(BabyBear::two_adic_generator(27).as_canonical(), 0x1a427a41u);
  EXPECT_EQ(BabyBear::multiplicative_generator().as_canonical(), 31u);
  // Montgomery form: one() is stored as 2^32 mod p.
  EXPECT_EQ(BabyBear::one().monty(), static_cast<uint32_t>((uint64_t{1} << 32) % BabyBear::kPrime));
  constexpr BabyBear kConstexpr = BabyBear::from_canonical(3) * BabyBear::from_canonical(5);
  static_assert(kConstexpr.as_canonical() == 15);
}

}  // namespace
}  // namespace prova
