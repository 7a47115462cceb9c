#include "prover/ntt/ntt.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <tuple>
#include <vector>

namespace prova::ntt {
namespace {

using F = BabyBear;

RowMajorMatrix<F> RandomMatrix(size_t height, size_t width, uint64_t seed) {
  std::mt19937_64 rng(seed);
  RowMajorMatrix<F> m = RowMajorMatrix<F>::uninitialized(height, width);
  for (F& x : m.values()) x = F::from_canonical(static_cast<uint32_t>(rng() % F::kPrime));
  return m;
}

// p(x) for the polynomial whose coefficients are column `col` of `coefficients` (Horner).
F Evaluate(const RowMajorMatrix<F>& coefficients, size_t col, F x) {
  F acc = F::zero();
  for (size_t j = coefficients.height(); j-- > 0;) acc = acc * x + coefficients.at(j, col);
  return acc;
}

// The O(n^2) definition: out[i][c] = sum_j in[j][c] * (shift * w^i)^j.
RowMajorMatrix<F> NaiveDft(const RowMajorMatrix<F>& in, F shift = F::one()) {
  const size_t n = in.height();
  const F w = F::two_adic_generator(log2_size(n));
  RowMajorMatrix<F> out(n, in.width());
  F point = shift;
  for (size_t i = 0; i < n; ++i, point *= w) {
    for (size_t c = 0; c < in.width(); ++c) out.at(i, c) = Evaluate(in, c, point);
  }
  return out;
}

RowMajorMatrix<F> BitReversed(const RowMajorMatrix<F>& m) {
  RowMajorMatrix<F> r = m;
  const uint32_t log_n = log2_size(m.height());
  for (size_t i = 0; i < m.height(); ++i) {
    for (size_t c = 0; c < m.width(); ++c) r.at(bit_reverse(i, log_n), c) = m.at(i, c);
  }
  return r;
}

class NttSmallTest : public ::testing::TestWithParam<std::tuple<uint32_t, size_t>> {};

TEST_P(NttSmallTest, ForwardAndInverseMatchNaiveDft) {
  const auto [log_n, width] = GetParam();
  const size_t n = size_t{1} << log_n;
  const RowMajorMatrix<F> coefficients = RandomMatrix(n, width, log_n * 100 + width);
  const RowMajorMatrix<F> expected = NaiveDft(coefficients);

  RowMajorMatrix<F> m = coefficients;
  forward(m.view());
  EXPECT_EQ(m, expected);
  inverse(m.view());
  EXPECT_EQ(m, coefficients);

  m = coefficients;
  forward_to_bit_reversed(m.view());
  EXPECT_EQ(m, BitReversed(expected));

  m = expected;
  inverse_to_bit_reversed(m.view());
  EXPECT_EQ(m, BitReversed(coefficients));

  m = BitReversed(expected);
  inverse_from_bit_reversed(m.view());
  EXPECT_EQ(m, coefficients);
}

INSTANTIATE_TEST_SUITE_P(
    SizesAndWidths, NttSmallTest,
    ::testing::Combine(::testing::Values(0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 10u),
                       ::testing::Values(size_t{1}, size_t{3}, size_t{16}, size_t{21})));

// Sizes past the cache block, so that the fused multi-layer passes run (1 to 4 layers per pass,
// the single-column vectorised path included). Checked at sampled points with Horner.
class NttLargeTest : public ::testing::TestWithParam<std::tuple<uint32_t, size_t>> {};

TEST_P(NttLargeTest, SampledPointsAndRoundTrip) {
  const auto [log_n, width] = GetParam();
  const size_t n = size_t{1} << log_n;
  const RowMajorMatrix<F> coefficients = RandomMatrix(n, width, log_n * 7 + width);
  RowMajorMatrix<F> m = coefficients;
  forward(m.view());
  const F w = F::two_adic_generator(log_n);
  std::mt19937_64 rng(3);
  std::vector<size_t> rows = {0, 1, n / 2, n - 1};
  for (int i = 0; i < 6; ++i) rows.push_back(rng() % n);
  for (size_t i : rows) {
    for (size_t c : {size_t{0}, width / 2, width - 1}) {
      ASSERT_EQ(m.at(i, c), Evaluate(coefficients, c, w.pow(i))) << "row " << i << " col " << c;
    }
  }
  inverse(m.view());
  EXPECT_EQ(m, coefficients);
  m = coefficients;
  forward_to_bit_reversed(m.view());
  bit_reverse_rows(m.view());  // natural evaluations
  inverse_to_bit_reversed(m.view());
  bit_reverse_rows(m.view());
  EXPECT_EQ(m, coefficients);
  forward_to_bit_reversed(m.view());
  inverse_from_bit_reversed(m.view());
  EXPECT_EQ(m, coefficients);
}

INSTANTIATE_TEST_SUITE_P(
    PastTheCacheBlock, NttLargeTest,
    ::testing::Values(std::make_tuple(18u, size_t{1}), std::make_tuple(20u, size_t{1}),
                      std::make_tuple(9u, size_t{200}), std::make_tuple(12u, size_t{200}),
                      std::make_tuple(13u, size_t{200}), std::make_tuple(11u, size_t{100}),
                      std::make_tuple(6u, size_t{70000}),
                      // Narrower than a vector and tall enough to be transformed column by column.
                      std::make_tuple(12u, size_t{4}), std::make_tuple(14u, size_t{3}),
                      std::make_tuple(13u, size_t{15}), std::make_tuple(11u, size_t{4})));

class CosetLdeTest : public ::testing::TestWithParam<std::tuple<uint32_t, size_t, uint32_t>> {};

TEST_P(CosetLdeTest, MatchesPolynomialEvaluationOnTheCoset) {
  const auto [log_n, width, log_blowup] = GetParam();
  const size_t n = size_t{1} << log_n;
  const size_t big_n = n << log_blowup;
  const uint32_t log_big_n = log_n + log_blowup;
  const RowMajorMatrix<F> coefficients = RandomMatrix(n, width, log_n + 31 * width + log_blowup);
  RowMajorMatrix<F> evaluations = coefficients;
  forward(evaluations.view());

  const F shift = F::multiplicative_generator();
  const RowMajorMatrix<F> natural = coset_lde(evaluations.view(), log_blowup, shift);
  const RowMajorMatrix<F> reversed =
      coset_lde(evaluations.view(), log_blowup, shift, RowOrder::kBitReversed);
  ASSERT_EQ(natural.height(), big_n);
  ASSERT_EQ(natural.width(), width);
  ASSERT_EQ(reversed.height(), big_n);

  const F w = F::two_adic_generator(log_big_n);
  std::vector<size_t> rows;
  if (big_n <= 256) {
    for (size_t i = 0; i < big_n; ++i) rows.push_back(i);
  } else {
    std::mt19937_64 rng(9);
    rows = {0, 1, big_n - 1};
    for (int i = 0; i < 12; ++i) rows.push_back(rng() % big_n);
  }
  for (size_t i : rows) {
    const F point = shift * w.pow(i);
    for (size_t c = 0; c < width; c += std::max<size_t>(1, width / 5)) {
      const F expected = Evaluate(coefficients, c, point);
      ASSERT_EQ(natural.at(i, c), expected) << "row " << i << " col " << c;
      ASSERT_EQ(reversed.at(bit_reverse(i, log_big_n), c), expected) << "row " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    SizesWidthsBlowups, CosetLdeTest,
    ::testing::Values(std::make_tuple(0u, size_t{2}, 1u), std::make_tuple(1u, size_t{1}, 2u),
                      std::make_tuple(3u, size_t{5}, 0u), std::make_tuple(4u, size_t{17}, 1u),
                      std::make_tuple(5u, size_t{16}, 2u), std::make_tuple(6u, size_t{3}, 3u),
                      std::make_tuple(16u, size_t{1}, 2u), std::make_tuple(10u, size_t{100}, 2u),
                      std::make_tuple(9u, size_t{300}, 1u), std::make_tuple(12u, size_t{4}, 2u),
                      std::make_tuple(13u, size_t{8}, 1u)));

TEST(NttTest, LdeIntoReusedBufferMatchesAllocatingVersion) {
  const F shift = F::multiplicative_generator();
  RowMajorMatrix<F> buffer = RowMajorMatrix<F>::uninitialized(256, 7);
  for (uint32_t round = 0; round < 2; ++round) {  // stale contents must not matter
    const RowMajorMatrix<F> evaluations = RandomMatrix(64, 7, 500 + round);
    for (RowOrder order : {RowOrder::kNatural, RowOrder::kBitReversed}) {
      coset_lde_into(evaluations.view(), 2, shift, buffer.view(), order);
      EXPECT_EQ(buffer, coset_lde(evaluations.view(), 2, shift, order));
    }
  }
}

TEST(NttDeathTest, LdeIntoRejectsBadOutput) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  RowMajorMatrix<F> evaluations = RandomMatrix(8, 2, 1);
  RowMajorMatrix<F> wrong_shape(16, 2);
  EXPECT_DEATH(coset_lde_into(evaluations.view(), 2, F::one(), wrong_shape.view()), "shape");
  // The output may not alias the input.
  RowMajorMatrix<F> big(32, 2);
  RowMajorView<const F> head = big.view().rows(0, 8);
  EXPECT_DEATH(coset_lde_into(head, 2, F::one(), big.view()), "overlaps");
}

TEST(NttTest, LdeOfLowDegreeDataIsConsistentWithInterpolation) {
  // Extending then interpolating on the big coset gives back the coefficients, zero-padded.
  const size_t n = 64, width = 4;
  const uint32_t log_blowup = 2;
  const RowMajorMatrix<F> coefficients = RandomMatrix(n, width, 77);
  RowMajorMatrix<F> evaluations = coefficients;
  forward(evaluations.view());
  const F shift = F::multiplicative_generator();
  RowMajorMatrix<F> lde = coset_lde(evaluations.view(), log_blowup, shift);
  inverse(lde.view());  // coefficients of p(shift * X)
  const F shift_inv = shift.inverse();
  F factor = F::one();
  for (size_t j = 0; j < lde.height(); ++j, factor *= shift_inv) {
    for (size_t c = 0; c < width; ++c) {
      const F expected = j < n ? coefficients.at(j, c) : F::zero();
      ASSERT_EQ(lde.at(j, c) * factor, expected) << j;
    }
  }
}

// Every block of 2^log_block rows (for each log_block) of the LDE of n x width random
// coefficients, computed by coset_lde_block, equals its rows of the whole bit-reversed LDE
// computed from evaluations.
// With extra_rows > 0 the coefficients are n + extra_rows rows (a zero-knowledge trace's shape),
// and the reference LDE extends their evaluations on 2n points by half the blowup.
void ExpectLdeBlocksTileTheLde(size_t n, size_t width, uint32_t log_blowup,
                               std::initializer_list<uint32_t> log_blocks, uint64_t seed,
                               size_t extra_rows = 0) {
  const F shift = F::multiplicative_generator();
  const uint32_t log_lde = log2_size(n) + log_blowup;
  const RowMajorMatrix<F> coefficients = RandomMatrix(n + extra_rows, width, seed);
  const size_t padded = extra_rows == 0 ? n : 2 * n;
  RowMajorMatrix<F> evaluations(padded, width);
  std::ranges::copy(coefficients.values(), evaluations.values().begin());
  forward(evaluations.view());
  const RowMajorMatrix<F> lde =
      coset_lde(evaluations.view(), log_lde - log2_size(padded), shift, RowOrder::kBitReversed);
  for (uint32_t log_block : log_blocks) {
    const size_t m = size_t{1} << log_block;
    RowMajorMatrix<F> block = RowMajorMatrix<F>::uninitialized(m, width);
    for (size_t k = 0; k < (lde.height() >> log_block); ++k) {
      coset_lde_block(coefficients.view(), log_lde, shift, log_block, k, block.view());
      for (size_t r = 0; r < m; ++r) {
        for (size_t c = 0; c < width; ++c) {
          ASSERT_EQ(block.at(r, c), lde.at(k * m + r, c))
              << width << " " << log_block << " " << k << " " << r;
        }
      }
    }
  }
}

TEST(NttTest, LdeBlocksTileTheBitReversedLde) {
  // Blocks of every size from the trace height down to a quarter of it, with widths that do and
  // do not fill a vector.
  for (size_t width : {size_t{1}, size_t{11}, size_t{16}}) {
    ExpectLdeBlocksTileTheLde(64, width, 3, {4, 5, 6, 7}, 900 + width);
  }
}

TEST(NttTest, LdeBlocksThatScaleInTheFirstPassTileTheBitReversedLde) {
  // Blocks tall enough for a pass of global layers, where the first pass scales the coefficient
  // rows as it loads them: a width that does not fill whole vectors, blocks of the coefficients'
  // height and twice it (the upper half of the rows zero).
  ExpectLdeBlocksTileTheLde(size_t{1} << 13, 17, 2, {13, 14}, 77);
  // Coefficients a little taller than the block (zero-knowledge randomisers), whose rows above the
  // block fold onto the first ones, and much taller.
  ExpectLdeBlocksTileTheLde(size_t{1} << 13, 17, 2, {13, 14}, 78, 45);
  ExpectLdeBlocksTileTheLde(size_t{1} << 13, 17, 2, {12}, 79, 45);
  ExpectLdeBlocksTileTheLde(64, 16, 3, {4, 6}, 80, 5);
}

TEST(NttTest, BitReverseRows) {
  EXPECT_EQ(bit_reverse(1, 3), 4u);
  EXPECT_EQ(bit_reverse(6, 3), 3u);
  EXPECT_EQ(bit_reverse(0, 0), 0u);
  EXPECT_EQ(bit_reverse(1, 1), 1u);
  EXPECT_EQ(bit_reverse(1, 27), size_t{1} << 26);
  EXPECT_EQ(bit_reverse(0b1101, 4), 0b1011u);
  for (uint32_t log_n = 1; log_n <= 12; ++log_n) {
    for (size_t i = 0; i < (size_t{1} << log_n); i += 7) {
      size_t expected = 0;
      for (uint32_t b = 0; b < log_n; ++b) expected |= ((i >> b) & 1) << (log_n - 1 - b);
      ASSERT_EQ(bit_reverse(i, log_n), expected) << i << " " << log_n;
    }
  }
  const RowMajorMatrix<F> m = RandomMatrix(32, 3, 5);
  RowMajorMatrix<F> r = m;
  bit_reverse_rows(r.view());
  EXPECT_EQ(r, BitReversed(m));
  bit_reverse_rows(r.view());
  EXPECT_EQ(r, m);
  // The narrow-row path (gather) and the wide one (swaps) agree with the definition.
  for (size_t width : {size_t{1}, size_t{4}, size_t{5}}) {
    const RowMajorMatrix<F> a = RandomMatrix(1024, width, 6);
    RowMajorMatrix<F> b = a;
    bit_reverse_rows(b.view());
    EXPECT_EQ(b, BitReversed(a)) << width;
  }
}

TEST(NttTest, EmptyWidthIsANoOp) {
  RowMajorMatrix<F> m(8, 0);
  forward(m.view());
  inverse(m.view());
  EXPECT_EQ(coset_lde(m.view(), 2, F::multiplicative_generator()).height(), 32u);
}

TEST(NttDeathTest, RejectsBadSizes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  RowMajorMatrix<F> m(12, 2);
  EXPECT_DEATH(forward(m.view()), "power of two");
  RowMajorMatrix<F> empty(0, 2);
  EXPECT_DEATH(inverse(empty.view()), "power of two");
  RowMajorMatrix<F> big_enough(1 << 4, 1);
  EXPECT_DEATH((void)coset_lde(big_enough.view(), 24, F::one()), "two-adicity");
  EXPECT_DEATH((void)log2_size(size_t{1} << 28), "two-adicity");
}

}  // namespace
}  // namespace prova::ntt
