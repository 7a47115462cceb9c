#include "verifier/merkle/merkle_verifier.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "verifier/hash/row_hash.h"

namespace prova::merkle {
namespace {

using hash::Compress;
using hash::Digest;
using hash::RowHash;

BabyBear F(uint32_t x) { return BabyBear::from_canonical(x); }

TEST(GroupByHeightTest, GroupsTallestFirstInCommitOrder) {
  std::vector<MatrixDimensions> dims = {{3, 4}, {1, 16}, {2, 4}, {5, 16}, {1, 1}};
  std::vector<HeightGroup> groups = GroupByHeight(dims);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].height, 16u);
  EXPECT_EQ(groups[0].log_height, 4u);
  EXPECT_EQ(groups[0].matrices, (std::vector<size_t>{1, 3}));
  EXPECT_EQ(groups[1].height, 4u);
  EXPECT_EQ(groups[1].matrices, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(groups[2].height, 1u);
  EXPECT_EQ(groups[2].log_height, 0u);
}

TEST(GroupByHeightTest, RejectsInvalidDimensions) {
  EXPECT_THROW(GroupByHeight({}), Error);
  std::vector<MatrixDimensions> not_power = {{1, 12}};
  EXPECT_THROW(GroupByHeight(not_power), Error);
  std::vector<MatrixDimensions> zero_width = {{0, 4}};
  EXPECT_THROW(GroupByHeight(zero_width), Error);
  std::vector<MatrixDimensions> zero_height = {{2, 0}};
  EXPECT_THROW(GroupByHeight(zero_height), Error);
  std::vector<MatrixDimensions> huge = {{2, uint64_t{1} << 63}};
  EXPECT_THROW(GroupByHeight(huge), Error);
}

// A tree written out by hand: matrix A (height 4, width 2) and matrix B (height 2, width 1),
// salt-free. Leaves hash A's rows; level 1 is injected with B's rows.
TEST(MerkleVerifierTest, HandBuiltMixedTree) {
  std::vector<std::vector<BabyBear>> a = {{F(1), F(2)}, {F(3), F(4)}, {F(5), F(6)}, {F(7), F(8)}};
  std::vector<std::vector<BabyBear>> b = {{F(9)}, {F(10)}};
  std::vector<Digest> leaves;
  for (const auto& row : a) leaves.push_back(RowHash(std::span<const BabyBear>(row)));
  Digest n0 = Compress(Compress(leaves[0], leaves[1]), RowHash(std::span<const BabyBear>(b[0])));
  Digest n1 = Compress(Compress(leaves[2], leaves[3]), RowHash(std::span<const BabyBear>(b[1])));
  Digest root = Compress(n0, n1);

  MerkleVerifier verifier({{2, 4}, {1, 2}}, 0);
  EXPECT_EQ(verifier.max_height(), 4u);
  EXPECT_EQ(verifier.log_max_height(), 2u);
  // Index 2: rows A[2], B[1]; path: leaf 3, node 0 of level 1.
  MultiOpening opening;
  opening.queries.push_back({{a[2], b[1]}, {{}, {}}});
  opening.siblings = {leaves[3], n0};
  Verdict verdict = verifier.Verify(root, 2, opening);
  EXPECT_TRUE(verdict) << verdict.reason;
  // Swapped sibling order, the wrong row of B, or the wrong index are rejected.
  MultiOpening swapped = opening;
  std::swap(swapped.siblings[0], swapped.siblings[1]);
  EXPECT_FALSE(verifier.Verify(root, 2, swapped));
  MultiOpening wrong_b = opening;
  wrong_b.queries[0].rows[1] = b[0];
  EXPECT_FALSE(verifier.Verify(root, 2, wrong_b));
  EXPECT_FALSE(verifier.Verify(root, 3, opening));

  // Indices 0 and 3 together: the shared path is leaves 1 and 2 only; level 1 is fully known.
  std::vector<uint64_t> indices = {3, 0};
  MultiOpening pair;
  pair.queries.push_back({{a[3], b[1]}, {{}, {}}});
  pair.queries.push_back({{a[0], b[0]}, {{}, {}}});
  pair.siblings = {leaves[1], leaves[2]};
  verdict = verifier.Verify(root, indices, pair);
  EXPECT_TRUE(verdict) << verdict.reason;
}

TEST(MerkleVerifierTest, SingleRowTreeIsItsLeafHash) {
  std::vector<BabyBear> row = {F(1), F(2), F(3)};
  std::vector<BabyBear> salt = {F(4), F(5)};
  std::vector<BabyBear> salted = {F(1), F(2), F(3), F(4), F(5)};
  Digest root = RowHash(std::span<const BabyBear>(salted));
  MerkleVerifier verifier({{3, 1}}, 2);
  MultiOpening opening;
  opening.queries.push_back({{row}, {salt}});
  EXPECT_TRUE(verifier.Verify(root, 0, opening));
  opening.siblings.push_back(Digest{});
  EXPECT_FALSE(verifier.Verify(root, 0, opening));
}

}  // namespace
}  // namespace prova::merkle
