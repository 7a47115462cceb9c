#include "verifier/field/packed_babybear.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

namespace prova {
namespace {

struct KoalaBearParams {
  static constexpr uint32_t kPrime = 0x7f000001;
  static constexpr uint32_t kTwoAdicity = 24;
  static constexpr uint32_t kMultiplicativeGenerator = 3;
};

template <class P>
class PackedFieldTest : public ::testing::Test {};
// Every instruction set the target has, for both primes: an AVX-512 build still uses the AVX2
// lanes (the single Poseidon2 permutation), and the scalar lanes are the portable fallback.
template <class Params>
using ScalarPacked = BasicPackedMontyField31<Params, MontyLanesScalar<Params>>;
#if defined(__AVX2__)
template <class Params>
using Avx2Packed = BasicPackedMontyField31<Params, MontyLanesAvx2<Params>>;
#endif
using PackedFields = ::testing::Types<PackedBabyBear, PackedMontyField31<KoalaBearParams>,
                                      ScalarPacked<BabyBearParams>, ScalarPacked<KoalaBearParams>
#if defined(__AVX2__)
                                      ,
                                      Avx2Packed<BabyBearParams>, Avx2Packed<KoalaBearParams>
#endif
                                      >;
TYPED_TEST_SUITE(PackedFieldTest, PackedFields);

// Random lanes mixed with the edge values 0, 1, p-1, p-2, (p+1)/2, 2^30.
template <class P>
std::vector<std::array<typename P::Scalar, P::kWidth>> LaneSets() {
  using F = typename P::Scalar;
  const uint32_t p = F::kPrime;
  const std::vector<uint32_t> edges = {0, 1, 2, p - 1, p - 2, p / 2, p / 2 + 1, 1u << 30};
  std::mt19937_64 rng(11);
  std::vector<std::array<F, P::kWidth>> sets;
  for (uint32_t e : edges) {
    std::array<F, P::kWidth> all_edge;
    all_edge.fill(F::from_canonical(e));
    sets.push_back(all_edge);
  }
  for (int s = 0; s < 300; ++s) {
    std::array<F, P::kWidth> lanes;
    for (auto& x : lanes) {
      x = (rng() % 4 == 0) ? F::from_canonical(edges[rng() % edges.size()])
                           : F::from_canonical(static_cast<uint32_t>(rng() % p));
    }
    sets.push_back(lanes);
  }
  return sets;
}

// Montgomery representations (what the products multiply) at and near the top, p - 1.
template <class P>
std::array<typename P::Scalar, P::kWidth> TopMontgomeryLanes() {
  using F = typename P::Scalar;
  std::array<F, P::kWidth> top;
  for (size_t l = 0; l < P::kWidth; ++l) top[l] = F::from_monty(F::kPrime - 1 - (l % 3));
  return top;
}

TYPED_TEST(PackedFieldTest, LaneByLaneEqualsScalar) {
  using P = TypeParam;
  using F = typename P::Scalar;
  auto sets = LaneSets<P>();
  for (size_t s = 0; s + 1 < sets.size(); ++s) {
    const auto& a = sets[s];
    const auto& b = sets[s + 1];
    P pa = P::from_array(a), pb = P::from_array(b);
    auto sum = (pa + pb).to_array();
    auto diff = (pa - pb).to_array();
    auto prod = (pa * pb).to_array();
    auto neg = (-pa).to_array();
    auto sq = pa.square().to_array();
    auto cube = pa.pow(7).to_array();
    auto seventh = pa.pow7().to_array();
    auto difference_seventh = P::difference_pow7(pa, pb).to_array();
    for (size_t i = 0; i < P::kWidth; ++i) {
      ASSERT_EQ(sum[i], a[i] + b[i]) << a[i] << " + " << b[i];
      ASSERT_EQ(diff[i], a[i] - b[i]) << a[i] << " - " << b[i];
      ASSERT_EQ(prod[i], a[i] * b[i]) << a[i] << " * " << b[i];
      ASSERT_EQ(neg[i], -a[i]) << a[i];
      ASSERT_EQ(sq[i], a[i].square());
      ASSERT_EQ(cube[i], a[i].pow(7));
      ASSERT_EQ(seventh[i], a[i].pow(7));
      ASSERT_LT(seventh[i].monty(), F::kPrime);
      ASSERT_EQ(difference_seventh[i], (a[i] - b[i]).pow(7));
      ASSERT_LT(difference_seventh[i].monty(), F::kPrime);
      ASSERT_LT(prod[i].monty(), F::kPrime);
      ASSERT_LT(sum[i].monty(), F::kPrime);
      ASSERT_LT(diff[i].monty(), F::kPrime);
    }
  }
}

// The four interleaved S-boxes (each its own inputs and constants) equal four difference_pow7.
TYPED_TEST(PackedFieldTest, DifferencePow7x4EqualsFourSingleOnes) {
  using P = TypeParam;
  using F = typename P::Scalar;
  auto sets = LaneSets<P>();
  for (size_t s = 0; s + 8 <= sets.size(); s += 3) {
    std::array<P, 4> x, c;
    for (size_t i = 0; i < 4; ++i) {
      x[i] = P::from_array(sets[s + i]);
      c[i] = P::from_array(sets[s + 4 + i]);
    }
    std::array<P, 4> y = x;
    P::difference_pow7_x4(y.data(), c.data());
    for (size_t i = 0; i < 4; ++i) {
      const auto got = y[i].to_array();
      for (size_t l = 0; l < P::kWidth; ++l) {
        ASSERT_EQ(got[l], (sets[s + i][l] - sets[s + 4 + i][l]).pow(7))
            << s << " " << i << " " << l;
        ASSERT_LT(got[l].monty(), F::kPrime);
      }
    }
  }
}

// The dot product of four pairs, reduced once, equals the sum of the four products, including the
// largest sums (every factor p - 1), where the 64-bit sum needs its 2^32 p taken off.
TYPED_TEST(PackedFieldTest, Dot4EqualsTheSumOfFourProducts) {
  using P = TypeParam;
  using F = typename P::Scalar;
  auto sets = LaneSets<P>();
  sets.insert(sets.begin(), 8, TopMontgomeryLanes<P>());
  for (size_t s = 0; s + 8 <= sets.size(); ++s) {
    std::array<P, 4> a, b;
    for (size_t i = 0; i < 4; ++i) {
      a[i] = P::from_array(sets[s + i]);
      b[i] = P::from_array(sets[s + 4 + i]);
    }
    const auto got = P::dot4(a.data(), b.data()).to_array();
    for (size_t l = 0; l < P::kWidth; ++l) {
      F expected = F::zero();
      for (size_t i = 0; i < 4; ++i) expected += sets[s + i][l] * sets[s + 4 + i][l];
      ASSERT_EQ(got[l], expected) << s << " " << l;
      ASSERT_LT(got[l].monty(), F::kPrime);
    }
  }
}

// Shoup's product by a prepared factor, against the Montgomery product: every lane set as the
// factor (a different value per lane) and as the other operand, Montgomery forms at the top too.
TYPED_TEST(PackedFieldTest, PreparedProductEqualsTheProduct) {
  using P = TypeParam;
  using F = typename P::Scalar;
  auto sets = LaneSets<P>();
  const std::array<F, P::kWidth> top = TopMontgomeryLanes<P>();
  sets.push_back(top);
  const typename P::Prepared default_factor;
  EXPECT_EQ((P::from_array(top) * default_factor).to_array(), P::zero().to_array());
  for (size_t s = 0; s + 1 < sets.size(); ++s) {
    const typename P::Prepared factor(P::from_array(sets[s]));
    for (size_t t : {s + 1, sets.size() - 1, size_t{0}, size_t{3}}) {
      const auto got = (P::from_array(sets[t]) * factor).to_array();
      for (size_t l = 0; l < P::kWidth; ++l) {
        ASSERT_EQ(got[l], sets[t][l] * sets[s][l]) << s << " " << t << " " << l;
        ASSERT_LT(got[l].monty(), F::kPrime);
      }
    }
  }
}

TYPED_TEST(PackedFieldTest, EveryEdgePairInEveryLane) {
  using P = TypeParam;
  using F = typename P::Scalar;
  const uint32_t p = F::kPrime;
  const std::vector<uint32_t> edges = {0, 1, 2, p - 1, p - 2, p / 2, p / 2 + 1, 1u << 30};
  for (uint32_t x : edges) {
    for (uint32_t y : edges) {
      std::array<F, P::kWidth> a, b;
      for (size_t i = 0; i < P::kWidth; ++i) {
        // Rotate the pair through the lanes so that even and odd lanes both see it.
        a[i] = F::from_canonical(i % 2 ? y : x);
        b[i] = F::from_canonical(i % 2 ? x : y);
      }
      auto prod = (P::from_array(a) * P::from_array(b)).to_array();
      auto seventh = P::from_array(a).pow7().to_array();
      // The difference's extremes, +-(p - 1), reach the signed products unreduced.
      auto difference_seventh = P::difference_pow7(P::from_array(a), P::from_array(b)).to_array();
      for (size_t i = 0; i < P::kWidth; ++i) {
        EXPECT_EQ(prod[i], a[i] * b[i]);
        EXPECT_EQ(seventh[i], a[i].pow(7));
        EXPECT_EQ(difference_seventh[i], (a[i] - b[i]).pow(7));
        EXPECT_LT(difference_seventh[i].monty(), F::kPrime);
      }
      // The product by a scalar (one value in every lane) takes its own path.
      const F scalar = F::from_canonical(y);
      auto by_scalar = (P::from_array(a) * scalar).to_array();
      auto scalar_by = (scalar * P::from_array(a)).to_array();
      for (size_t i = 0; i < P::kWidth; ++i) {
        EXPECT_EQ(by_scalar[i], a[i] * scalar);
        EXPECT_EQ(scalar_by[i], a[i] * scalar);
        EXPECT_LT(by_scalar[i].monty(), F::kPrime);
      }
    }
  }
}

TYPED_TEST(PackedFieldTest, BroadcastLoadStoreAndEquality) {
  using P = TypeParam;
  using F = typename P::Scalar;
  F x = F::from_canonical(123456789);
  P broadcast = x;
  for (size_t i = 0; i < P::kWidth; ++i) EXPECT_EQ(broadcast.lane(i), x);
  EXPECT_EQ(P::zero().lane(0), F::zero());
  EXPECT_EQ(P::one().lane(P::kWidth - 1), F::one());
  EXPECT_EQ(P::from_canonical(5), P(F::from_canonical(5)));

  std::vector<F> buffer(P::kWidth + 3);
  for (size_t i = 0; i < buffer.size(); ++i)
    buffer[i] = F::from_canonical(static_cast<uint32_t>(i * 77));
  // Unaligned load at offset 1 and store at offset 2.
  P loaded = P::load(std::span<const F>(buffer).subspan(1));
  for (size_t i = 0; i < P::kWidth; ++i) EXPECT_EQ(loaded.lane(i), buffer[1 + i]);
  std::vector<F> out(P::kWidth + 2, F::from_canonical(99));
  loaded.store(std::span<F>(out).subspan(2));
  EXPECT_EQ(out[0], F::from_canonical(99));
  EXPECT_EQ(out[1], F::from_canonical(99));
  for (size_t i = 0; i < P::kWidth; ++i) EXPECT_EQ(out[2 + i], buffer[1 + i]);

  // Equality needs every lane to agree.
  for (size_t lane = 0; lane < P::kWidth; ++lane) {
    std::array<F, P::kWidth> other = loaded.to_array();
    other[lane] += F::one();
    EXPECT_FALSE(P::from_array(other) == loaded) << lane;
  }
  EXPECT_TRUE(P::from_array(loaded.to_array()) == loaded);
  // Mixed packed * scalar promotes the scalar to a broadcast.
  EXPECT_EQ((loaded * x).lane(0), buffer[1] * x);
}

// load_prefix takes what the span holds and zero-fills the rest, and reads nothing past it.
TYPED_TEST(PackedFieldTest, LoadPrefixZeroFillsThePastTheEndLanes) {
  using P = TypeParam;
  using F = typename P::Scalar;
  std::vector<F> buffer(P::kWidth + 1);
  for (size_t i = 0; i < buffer.size(); ++i)
    buffer[i] = F::from_canonical(static_cast<uint32_t>(1000 + i));
  for (size_t count = 0; count <= P::kWidth + 1; ++count) {
    // A copy of exactly `count` elements, so that ASan would see a read past it.
    const std::vector<F> prefix(buffer.begin(),
                                buffer.begin() + static_cast<std::ptrdiff_t>(count));
    const P loaded = P::load_prefix(prefix);
    for (size_t i = 0; i < P::kWidth; ++i) {
      EXPECT_EQ(loaded.lane(i), i < count ? buffer[i] : F::zero()) << count << " " << i;
    }
  }
}

TYPED_TEST(PackedFieldTest, ShortSpanAborts) {
  using P = TypeParam;
  using F = typename P::Scalar;
  std::vector<F> too_short(P::kWidth - 1);
  EXPECT_DEATH((void)P::load(std::span<const F>(too_short)), "shorter than kWidth");
}

TEST(PackedBabyBearTest, LoadRowsTransposedPutsRowKInLaneK) {
  constexpr size_t kLanes = PackedBabyBear::kWidth;
  std::mt19937_64 rng(17);
  for (size_t stride : {kLanes, kLanes + 1, size_t{37}, size_t{100}}) {
    std::vector<BabyBear> matrix(kLanes * stride);
    for (BabyBear& x : matrix) x = BabyBear::from_u64(rng());
    for (size_t offset = 0; offset + kLanes <= stride; offset += stride - kLanes + 1) {
      std::array<PackedBabyBear, kLanes> out;
      LoadRowsTransposed(matrix.data() + offset, stride, out.data());
      for (size_t c = 0; c < kLanes; ++c) {
        const auto lanes = out[c].to_array();
        for (size_t k = 0; k < kLanes; ++k) {
          ASSERT_EQ(lanes[k], matrix[k * stride + offset + c])
              << "stride " << stride << ", offset " << offset << ", column " << c << ", lane " << k;
        }
      }
    }
  }
}

TEST(PackedBabyBearTest, WidthMatchesTarget) {
#if defined(__AVX512F__)
  EXPECT_EQ(BabyBear::Packed::kWidth, 16u);
#elif defined(__AVX2__)
  EXPECT_EQ(BabyBear::Packed::kWidth, 8u);
#else
  EXPECT_EQ(BabyBear::Packed::kWidth, 4u);
#endif
}

}  // namespace
}  // namespace prova
