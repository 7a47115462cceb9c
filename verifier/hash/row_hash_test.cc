#include "verifier/hash/row_hash.h"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

namespace prova::hash {
namespace {

std::vector<BabyBear> Row(std::initializer_list<uint32_t> values) {
  std::vector<BabyBear> row;
  for (uint32_t v : values) row.push_back(BabyBear::from_canonical(v));
  return row;
}

void ExpectDigest(const Digest& digest, const std::array<uint32_t, 8>& expected) {
  for (size_t i = 0; i < kDigestElements; ++i) {
    EXPECT_EQ(digest[i].as_canonical(), expected[i]) << "element " << i;
  }
}

// Known answers from an independent implementation (Python's hashlib):
//   d = hashlib.sha256(b"".join(v.to_bytes(4, "little") for v in row)).digest()
//   [int.from_bytes(d[4 * i:4 * i + 4], "little") % p for i in range(8)]
TEST(RowHashTest, MatchesAnIndependentSha256) {
  std::vector<BabyBear> counting;
  for (uint32_t i = 0; i < 20; ++i) counting.push_back(BabyBear::from_canonical(i));
  ExpectDigest(RowHash(counting), {1461671336, 1605985320, 572662927, 1030489100, 1206613462,
                                   1740549339, 104541715, 1307789021});
  ExpectDigest(RowHash({}), {1120186595, 337443992, 1358232473, 616132505, 1816243750, 1284741988,
                             463050148, 1438143096});
  // 105 elements (several SHA-256 blocks, more than a packed conversion's width), with p - 1 and
  // 2^30, whose Montgomery forms are not their values.
  std::vector<BabyBear> edges;
  for (int k = 0; k < 21; ++k) {
    for (const BabyBear& x : Row({BabyBear::kPrime - 1, 0, 1, 1u << 30, 12345678})) {
      edges.push_back(x);
    }
  }
  ExpectDigest(RowHash(edges), {1904781351, 1864040915, 1030852059, 1531086062, 1477233908,
                                691352925, 49175242, 944428690});
}

TEST(RowHashTest, PiecesAndReuseGiveTheOneShotDigest) {
  std::mt19937_64 rng(11);
  RowHasher hasher;  // reused across rows, as the prover and verifier use it
  for (size_t length : {0, 1, 15, 16, 17, 64, 65, 88, 200}) {
    std::vector<BabyBear> row(length);
    for (BabyBear& x : row) x = BabyBear::from_u64(rng());
    const Digest digest = RowHash(row);
    const size_t a = std::min<size_t>(3, length), b = std::min<size_t>(length - a, 70);
    const std::span<const BabyBear> all(row);
    hasher.Absorb(all.subspan(0, a));
    hasher.Absorb(all.subspan(a, b));
    std::vector<uint32_t> rest(length - a - b);
    CanonicalValues(all.subspan(a + b), rest);
    hasher.AbsorbCanonical(rest);
    EXPECT_EQ(hasher.Finalize(), digest) << length;
  }
}

TEST(RowHashTest, CanonicalValuesMatchTheScalarConversion) {
  std::mt19937_64 rng(12);
  for (size_t length = 0; length <= 40; ++length) {
    std::vector<BabyBear> row(length);
    for (BabyBear& x : row) x = BabyBear::from_u64(rng());
    if (length > 0) row[length - 1] = BabyBear::neg_one();
    std::vector<uint32_t> values(length);
    CanonicalValues(row, values);
    for (size_t i = 0; i < length; ++i) EXPECT_EQ(values[i], row[i].as_canonical()) << i;
  }
}

// Any changed element, and a longer row that only appends a zero, change the digest (SHA-256's
// length padding: rows of different lengths do not collide trivially).
TEST(RowHashTest, EveryElementAndTheLengthCount) {
  std::mt19937_64 rng(13);
  std::vector<BabyBear> row(88);
  for (BabyBear& x : row) x = BabyBear::from_u64(rng());
  const Digest digest = RowHash(row);
  for (size_t i = 0; i < row.size(); ++i) {
    std::vector<BabyBear> changed = row;
    changed[i] += BabyBear::one();
    EXPECT_NE(RowHash(changed), digest) << i;
  }
  std::vector<BabyBear> longer = row;
  longer.push_back(BabyBear::zero());
  EXPECT_NE(RowHash(longer), digest);
}

}  // namespace
}  // namespace prova::hash
