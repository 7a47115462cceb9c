#include "prover/merkle/merkle_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "common/error.h"
#include "verifier/hash/row_hash.h"
#include "verifier/merkle/merkle_verifier.h"

namespace prova::merkle {
namespace {

using hash::Digest;

RowMajorMatrix RandomMatrix(size_t height, size_t width, std::mt19937_64& rng) {
  std::vector<BabyBear> values(height * width);
  for (BabyBear& x : values) x = BabyBear::from_u64(rng());
  return RowMajorMatrix(std::move(values), width);
}

// Deterministic salts so that a test can rebuild the same hiding tree: element e of height group
// g is seed + g * stride + e.
class Counting final : public SaltSource {
 public:
  Counting(uint32_t seed, uint32_t stride) : seed_(seed), stride_(stride) {}
  void Fill(size_t group, uint64_t first, std::span<BabyBear> out) const override {
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = BabyBear::from_u64(seed_ + group * stride_ + first + i);
    }
  }

 private:
  uint32_t seed_, stride_;
};
constexpr uint32_t kGroupStride = 1 << 20;
std::shared_ptr<const SaltSource> CountingSalts(uint32_t seed, uint32_t stride = kGroupStride) {
  return std::make_shared<Counting>(seed, stride);
}

// A direct, scalar recomputation of the root from the layout description.
Digest ReferenceRoot(const std::vector<RowMajorMatrix>& matrices, size_t salt_elements,
                     uint32_t salt_seed) {
  std::vector<MatrixDimensions> dims;
  for (const auto& m : matrices) dims.push_back(m.dimensions());
  std::vector<HeightGroup> groups = GroupByHeight(dims);
  // Only the leaves (the tallest group's rows) are salted.
  auto salt_length = [&](size_t g) { return g == 0 ? salt_elements : 0; };
  std::vector<std::vector<BabyBear>> salts(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    salts[g].resize(groups[g].height * salt_length(g));
    for (size_t e = 0; e < salts[g].size(); ++e) {
      salts[g][e] = BabyBear::from_u64(salt_seed + g * kGroupStride + e);
    }
  }
  auto hash_group = [&](size_t g, uint64_t row) {
    std::vector<BabyBear> input;
    for (size_t k : groups[g].matrices) {
      auto r = matrices[k].row(row);
      input.insert(input.end(), r.begin(), r.end());
    }
    for (size_t s = 0; s < salt_length(g); ++s) {
      input.push_back(salts[g][row * salt_length(g) + s]);
    }
    return hash::RowHash(std::span<const BabyBear>(input));
  };
  std::vector<Digest> level;
  for (uint64_t i = 0; i < groups[0].height; ++i) level.push_back(hash_group(0, i));
  size_t g = 1;
  while (level.size() > 1) {
    std::vector<Digest> next;
    for (size_t i = 0; i < level.size() / 2; ++i) {
      next.push_back(hash::Compress(level[2 * i], level[2 * i + 1]));
    }
    if (g < groups.size() && groups[g].height == next.size()) {
      for (size_t i = 0; i < next.size(); ++i) next[i] = hash::Compress(next[i], hash_group(g, i));
      ++g;
    }
    level = std::move(next);
  }
  EXPECT_EQ(g, groups.size());
  return level[0];
}

std::vector<MatrixDimensions> Dims(const MerkleTree& tree) { return tree.dimensions(); }

TEST(MerkleTreeTest, SingleMatrixMatchesReferenceAndOpens) {
  std::mt19937_64 rng(1);
  for (size_t log_height : {0, 1, 3, 6, 10}) {
    for (size_t width : {1, 7, 8, 9, 100}) {
      std::vector<RowMajorMatrix> matrices;
      matrices.push_back(RandomMatrix(size_t{1} << log_height, width, rng));
      Digest expected = ReferenceRoot(matrices, 0, 0);
      MerkleTree tree(matrices);
      ASSERT_EQ(tree.root(), expected) << "height 2^" << log_height << " width " << width;
      MerkleVerifier verifier(Dims(tree), 0);
      for (uint64_t index : {uint64_t{0}, tree.max_height() / 3, tree.max_height() - 1}) {
        MultiOpening opening = tree.Open(index);
        EXPECT_EQ(opening.siblings.size(), log_height);
        auto row = matrices[0].row(index);
        EXPECT_EQ(opening.queries[0].rows[0], std::vector<BabyBear>(row.begin(), row.end()));
        Verdict verdict = verifier.Verify(tree.root(), index, opening);
        EXPECT_TRUE(verdict) << verdict.reason;
      }
    }
  }
}

std::vector<RowMajorMatrix> MixedMatrices(std::mt19937_64& rng) {
  std::vector<RowMajorMatrix> m;
  m.push_back(RandomMatrix(64, 5, rng));
  m.push_back(RandomMatrix(256, 3, rng));
  m.push_back(RandomMatrix(8, 1, rng));
  m.push_back(RandomMatrix(256, 10, rng));
  m.push_back(RandomMatrix(1, 2, rng));
  m.push_back(RandomMatrix(64, 17, rng));
  return m;
}

TEST(MerkleTreeTest, MixedHeightsMatchReferenceAndOpen) {
  std::mt19937_64 rng(2);
  std::vector<RowMajorMatrix> matrices = MixedMatrices(rng);
  MerkleTree tree(matrices);
  EXPECT_EQ(tree.root(), ReferenceRoot(matrices, 0, 0));
  EXPECT_EQ(tree.max_height(), 256u);
  MerkleVerifier verifier(Dims(tree), 0);
  for (uint64_t index = 0; index < 256; index += 13) {
    MultiOpening opening = tree.Open(index);
    ASSERT_EQ(opening.queries[0].rows.size(), matrices.size());
    // Shorter matrices are opened at the shifted index.
    auto row = matrices[2].row(index >> 5);
    EXPECT_EQ(opening.queries[0].rows[2], std::vector<BabyBear>(row.begin(), row.end()));
    Verdict verdict = verifier.Verify(tree.root(), index, opening);
    EXPECT_TRUE(verdict) << verdict.reason;
  }
}

TEST(MerkleTreeTest, LargeTreeUsesParallelPackedPathAndMatchesReference) {
  std::mt19937_64 rng(3);
  std::vector<RowMajorMatrix> matrices;
  matrices.push_back(RandomMatrix(4096, 11, rng));
  matrices.push_back(RandomMatrix(1024, 4, rng));
  MerkleTree tree(matrices, 4, CountingSalts(100));
  EXPECT_EQ(tree.root(), ReferenceRoot(matrices, 4, 100));
}

TEST(MerkleTreeTest, MultiOpeningSharesNodes) {
  std::mt19937_64 rng(4);
  std::vector<RowMajorMatrix> matrices = MixedMatrices(rng);
  MerkleTree tree(matrices);
  MerkleVerifier verifier(Dims(tree), 0);
  // Siblings 4 and 5 share every node above the leaves: one sibling per level above level 0.
  std::vector<uint64_t> pair = {4, 5};
  MultiOpening opening = tree.Open(pair);
  EXPECT_EQ(opening.siblings.size(), tree.log_max_height() - 1);
  EXPECT_TRUE(verifier.Verify(tree.root(), pair, opening));
  // Opening every leaf needs no sibling at all.
  std::vector<uint64_t> all(256);
  for (uint64_t i = 0; i < 256; ++i) all[i] = 255 - i;
  MultiOpening everything = tree.Open(all);
  EXPECT_TRUE(everything.siblings.empty());
  EXPECT_TRUE(verifier.Verify(tree.root(), all, everything));
  // Random query sets with duplicates, in request order.
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<uint64_t> indices;
    for (int i = 0; i < 12; ++i) indices.push_back(rng() % 256);
    indices.push_back(indices[3]);
    MultiOpening o = tree.Open(indices);
    ASSERT_EQ(o.queries.size(), indices.size());
    std::set<uint64_t> distinct(indices.begin(), indices.end());
    EXPECT_LE(o.siblings.size(), distinct.size() * tree.log_max_height());
    Verdict verdict = verifier.Verify(tree.root(), indices, o);
    EXPECT_TRUE(verdict) << verdict.reason;
  }
}

// The verifier compresses each level's nodes in packed batches (16 lanes with AVX-512, fewer than
// hash::kMinPackedBatch one at a time): every batch size, full and partial, accepts a valid
// opening, and a change in any lane of a batch, or in any query's row or salt, is caught.
TEST(MerkleTreeTest, EveryVerifierBatchSizeAcceptsAndCatchesATamperedLane) {
  std::mt19937_64 rng(11);
  MerkleTree tree(MixedMatrices(rng), 2);
  MerkleVerifier verifier(Dims(tree), 2);
  for (size_t count : {1, 2, 3, 4, 7, 15, 16, 17, 18, 31, 32, 33, 40}) {
    std::vector<uint64_t> indices;
    for (size_t i = 0; i < count; ++i) indices.push_back(rng() % tree.max_height());
    const MultiOpening opening = tree.Open(indices);
    Verdict verdict = verifier.Verify(tree.root(), indices, opening);
    ASSERT_TRUE(verdict) << count << " queries: " << verdict.reason;
    for (size_t q : {size_t{0}, count / 2, count - 1}) {
      for (size_t k = 0; k < opening.queries[q].rows.size(); ++k) {  // leaf and injected rows
        MultiOpening bad = opening;
        bad.queries[q].rows[k].front() += BabyBear::one();
        EXPECT_FALSE(verifier.Verify(tree.root(), indices, bad))
            << count << " queries, query " << q << ", matrix " << k;
      }
      MultiOpening bad_salt = opening;
      bad_salt.queries[q].salts.front().back() += BabyBear::one();
      EXPECT_FALSE(verifier.Verify(tree.root(), indices, bad_salt)) << count << " queries";
    }
    for (size_t s = 0; s < opening.siblings.size(); s += 3) {
      MultiOpening bad = opening;
      bad.siblings[s][s % hash::kDigestElements] += BabyBear::one();
      EXPECT_FALSE(verifier.Verify(tree.root(), indices, bad)) << count << " queries, node " << s;
    }
  }
}

// What leaf-only salts rest on (GroupSaltElements, verifier/hash/README.md): every digest an
// opening reveals is the tree's node at a position that is not an ancestor of any opened leaf,
// so all the leaves under it are unopened (and salted), and no injected row's hash appears on
// its own. Walked level by level as the verifier does, for random sets of indices.
TEST(MerkleTreeTest, RevealedDigestsCoverOnlyUnopenedLeaves) {
  std::mt19937_64 rng(12);
  MerkleTree tree(MixedMatrices(rng), 4);
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<uint64_t> indices;
    const size_t count = 1 + rng() % 40;
    for (size_t i = 0; i < count; ++i) indices.push_back(rng() % tree.max_height());
    const MultiOpening opening = tree.Open(indices);
    std::set<uint64_t> known(indices.begin(), indices.end());  // ancestors of opened leaves
    size_t next = 0;
    for (size_t level = 0; level < tree.log_max_height(); ++level) {
      const std::span<const Digest> nodes = tree.layer(level);
      for (uint64_t k : known) {
        const uint64_t sibling = k ^ 1;
        if (known.count(sibling) != 0) continue;
        ASSERT_LT(next, opening.siblings.size()) << "trial " << trial;
        EXPECT_EQ(opening.siblings[next++], nodes[sibling]) << "trial " << trial;
      }
      std::set<uint64_t> parents;
      for (uint64_t k : known) parents.insert(k >> 1);
      known = std::move(parents);
    }
    EXPECT_EQ(next, opening.siblings.size()) << "trial " << trial;
  }
}

TEST(MerkleTreeTest, HidingCommitmentIsSaltedAndVerifies) {
  std::mt19937_64 rng(5);
  std::vector<RowMajorMatrix> matrices = MixedMatrices(rng);
  MerkleTree plain(matrices);
  MerkleTree hiding_a(matrices, 4);
  MerkleTree hiding_b(matrices, 4);
  EXPECT_NE(hiding_a.root(), plain.root());
  EXPECT_NE(hiding_a.root(), hiding_b.root());  // fresh OS randomness each time
  MerkleVerifier verifier(Dims(hiding_a), 4);
  std::vector<uint64_t> indices = {0, 17, 200, 201};
  MultiOpening opening = hiding_a.Open(indices);
  for (const QueryOpening& q : opening.queries) {
    ASSERT_EQ(q.salts.size(), 4u);     // distinct heights 256, 64, 8, 1
    EXPECT_EQ(q.salts[0].size(), 4u);  // the leaves are salted, the injected groups not
    for (size_t g = 1; g < 4; ++g) EXPECT_TRUE(q.salts[g].empty()) << "group " << g;
  }
  EXPECT_TRUE(verifier.Verify(hiding_a.root(), indices, opening));
  EXPECT_FALSE(verifier.Verify(hiding_b.root(), indices, opening));

  // Wrong salt: any changed salt element is rejected, and so is a salt on an injected group.
  for (size_t e = 0; e < 4; ++e) {
    MultiOpening bad = opening;
    bad.queries[1].salts[0][e] += BabyBear::one();
    EXPECT_FALSE(verifier.Verify(hiding_a.root(), indices, bad)) << "element " << e;
  }
  for (size_t g = 1; g < 4; ++g) {
    MultiOpening bad = opening;
    bad.queries[1].salts[g] = opening.queries[1].salts[0];
    EXPECT_FALSE(verifier.Verify(hiding_a.root(), indices, bad)) << "group " << g;
  }
  // Missing or short salts, or a verifier expecting no salt, are rejected.
  MultiOpening no_salt = opening;
  no_salt.queries[0].salts[0].pop_back();
  EXPECT_FALSE(verifier.Verify(hiding_a.root(), indices, no_salt));
  MultiOpening missing_group = opening;
  missing_group.queries[0].salts.pop_back();
  EXPECT_FALSE(verifier.Verify(hiding_a.root(), indices, missing_group));
  EXPECT_FALSE(MerkleVerifier(Dims(hiding_a), 0).Verify(hiding_a.root(), indices, opening));
  EXPECT_FALSE(MerkleVerifier(Dims(hiding_a), 8).Verify(hiding_a.root(), indices, opening));
}

// Rows served from a stored matrix a block at a time; counts the blocks it fills.
class BlockRows : public RowSource {
 public:
  BlockRows(RowMajorMatrix m, size_t block_height) : m_(std::move(m)), block_(block_height) {}
  MatrixDimensions dimensions() const override { return m_.dimensions(); }
  size_t block_height() const override { return block_; }
  void FillBlock(size_t block, std::span<BabyBear> out) const override {
    EXPECT_EQ(out.size(), block_ * m_.width);
    std::copy_n(m_.values.begin() + block * block_ * m_.width, out.size(), out.begin());
    ++filled;
  }
  mutable size_t filled = 0;

 private:
  RowMajorMatrix m_;
  size_t block_;
};

TEST(MerkleTreeTest, RowSourcesCommitAndOpenLikeStoredMatrices) {
  std::mt19937_64 rng(7);
  std::vector<RowMajorMatrix> matrices = MixedMatrices(rng);
  matrices.push_back(RandomMatrix(128, 4, rng));  // injected at level 1, below the kept levels
  std::vector<std::shared_ptr<const RowSource>> sources;
  std::vector<const BlockRows*> blocks;
  for (const RowMajorMatrix& m : matrices) {
    auto source = std::make_shared<BlockRows>(m, std::max<size_t>(1, m.height() / 4));
    blocks.push_back(source.get());
    sources.push_back(std::move(source));
  }
  const MerkleTree stored(matrices, 3, CountingSalts(9));
  const MerkleTree streamed(sources, 3, CountingSalts(9));
  EXPECT_EQ(streamed.root(), stored.root());
  // The three lowest levels are not kept; openings recompute them from the rows.
  EXPECT_TRUE(streamed.layer(0).empty() && streamed.layer(2).empty());
  EXPECT_EQ(streamed.layer(3).size(), 32u);
  EXPECT_TRUE(streamed.matrices().empty());
  EXPECT_EQ(streamed.dimensions(), stored.dimensions());
  const std::vector<uint64_t> indices = {3, 3, 100, 255, 7};
  for (const BlockRows* b : blocks) b->filled = 0;
  const MultiOpening opening = streamed.Open(indices);
  const MultiOpening expected = stored.Open(indices);
  ASSERT_EQ(opening.queries.size(), expected.queries.size());
  for (size_t q = 0; q < indices.size(); ++q) {
    EXPECT_EQ(opening.queries[q].rows, expected.queries[q].rows);
    EXPECT_EQ(opening.queries[q].salts, expected.queries[q].salts);
  }
  EXPECT_EQ(opening.siblings, expected.siblings);
  // The 256-row matrices have blocks of 64 rows: rows 3 and 7, 100, and 255 lie in three.
  EXPECT_EQ(blocks[1]->filled, 3u);
  EXPECT_TRUE(MerkleVerifier(Dims(streamed), 3).Verify(streamed.root(), indices, opening));

  // Matrices of one height may have different block heights; each block is computed once.
  auto tall = std::make_shared<BlockRows>(matrices[1], 64);
  auto short_blocks = std::make_shared<BlockRows>(matrices[3], 32);
  ASSERT_EQ(matrices[1].height(), matrices[3].height());
  const MerkleTree mixed({tall, short_blocks}, 3, CountingSalts(5));
  EXPECT_EQ(mixed.root(), MerkleTree({matrices[1], matrices[3]}, 3, CountingSalts(5)).root());
  EXPECT_EQ(tall->filled, matrices[1].height() / 64);
  EXPECT_THROW(MerkleTree({std::make_shared<BlockRows>(matrices[1], 3)}), Error);
}

class MerkleNegativeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(6);
    tree_ = std::make_unique<MerkleTree>(MixedMatrices(rng), 2);
    verifier_ = std::make_unique<MerkleVerifier>(Dims(*tree_), 2);
    opening_ = tree_->Open(indices_);
    ASSERT_TRUE(verifier_->Verify(tree_->root(), indices_, opening_));
  }

  void ExpectRejected(const MultiOpening& opening, std::span<const uint64_t> indices,
                      const std::string& reason_part) {
    Verdict verdict = verifier_->Verify(tree_->root(), indices, opening);
    EXPECT_FALSE(verdict);
    EXPECT_NE(verdict.reason.find(reason_part), std::string::npos) << verdict.reason;
    EXPECT_THROW(verifier_->VerifyOrThrow(tree_->root(), indices, opening), Error);
  }
  void ExpectRejected(const MultiOpening& opening, const std::string& reason_part) {
    ExpectRejected(opening, indices_, reason_part);
  }

  std::unique_ptr<MerkleTree> tree_;
  std::unique_ptr<MerkleVerifier> verifier_;
  std::vector<uint64_t> indices_ = {3, 100, 101, 255};
  MultiOpening opening_;
};

TEST_F(MerkleNegativeTest, TamperedLeafRow) {
  MultiOpening bad = opening_;
  bad.queries[1].rows[3][0] += BabyBear::one();  // a tallest matrix
  ExpectRejected(bad, "root mismatch");
}

TEST_F(MerkleNegativeTest, TamperedInjectedRow) {
  for (size_t k : {0, 2, 4, 5}) {  // matrices of heights 64, 8, 1, 64
    MultiOpening bad = opening_;
    bad.queries[0].rows[k].back() += BabyBear::one();
    Verdict verdict = verifier_->Verify(tree_->root(), indices_, bad);
    EXPECT_FALSE(verdict) << "matrix " << k;
  }
}

TEST_F(MerkleNegativeTest, TamperedSibling) {
  for (size_t s = 0; s < opening_.siblings.size(); ++s) {
    MultiOpening bad = opening_;
    bad.siblings[s][s % 8] += BabyBear::one();
    EXPECT_FALSE(verifier_->Verify(tree_->root(), indices_, bad)) << "sibling " << s;
  }
}

TEST_F(MerkleNegativeTest, WrongIndex) {
  std::vector<uint64_t> shifted = {2, 100, 101, 255};
  ExpectRejected(opening_, shifted, "root mismatch");
  std::vector<uint64_t> swapped = {100, 3, 101, 255};
  EXPECT_FALSE(verifier_->Verify(tree_->root(), swapped, opening_));
}

TEST_F(MerkleNegativeTest, OutOfRangeIndex) {
  std::vector<uint64_t> too_big = {3, 100, 101, 256};
  ExpectRejected(opening_, too_big, "out of range");
  std::vector<uint64_t> huge = {3, 100, 101, ~uint64_t{0}};
  ExpectRejected(opening_, huge, "out of range");
  EXPECT_THROW(tree_->Open(256), Error);
}

TEST_F(MerkleNegativeTest, WrongRoot) {
  Digest root = tree_->root();
  root[7] += BabyBear::one();
  EXPECT_FALSE(verifier_->Verify(root, indices_, opening_));
  EXPECT_FALSE(verifier_->Verify(Digest{}, indices_, opening_));
}

TEST_F(MerkleNegativeTest, TruncatedOrExtendedPath) {
  MultiOpening truncated = opening_;
  truncated.siblings.pop_back();
  ExpectRejected(truncated, "too short");
  MultiOpening empty = opening_;
  empty.siblings.clear();
  ExpectRejected(empty, "too short");
  MultiOpening extended = opening_;
  extended.siblings.push_back(Digest{});
  ExpectRejected(extended, "too long");
}

TEST_F(MerkleNegativeTest, WrongShapeOfOpening) {
  MultiOpening missing_query = opening_;
  missing_query.queries.pop_back();
  ExpectRejected(missing_query, "query openings");
  MultiOpening missing_row = opening_;
  missing_row.queries[2].rows.pop_back();
  ExpectRejected(missing_row, "rows for");
  MultiOpening short_row = opening_;
  short_row.queries[2].rows[1].pop_back();
  ExpectRejected(short_row, "width is");
  MultiOpening long_row = opening_;
  long_row.queries[2].rows[4].push_back(BabyBear::zero());
  ExpectRejected(long_row, "width is");
  ExpectRejected(MultiOpening{}, "query openings");
  ExpectRejected(opening_, std::span<const uint64_t>(), "no index");
}

TEST_F(MerkleNegativeTest, WrongDimensions) {
  std::vector<MatrixDimensions> dims = Dims(*tree_);
  auto rejects = [&](std::vector<MatrixDimensions> d) {
    MerkleVerifier v(std::move(d), 2);
    return !v.Verify(tree_->root(), indices_, opening_);
  };
  auto wider = dims;
  wider[1].width += 1;
  EXPECT_TRUE(rejects(wider));
  auto taller = dims;
  taller[0].height *= 2;  // 128 instead of 64: a new height group
  EXPECT_TRUE(rejects(taller));
  auto shorter = dims;
  shorter[3].height = 128;  // the tallest group splits
  EXPECT_TRUE(rejects(shorter));
  auto fewer = dims;
  fewer.pop_back();
  EXPECT_TRUE(rejects(fewer));
  auto reordered = dims;
  std::swap(reordered[1], reordered[3]);  // same heights, widths 3 and 10 swapped
  EXPECT_TRUE(rejects(reordered));
  // Invalid dimensions cannot even configure a verifier.
  auto bad = dims;
  bad[2].height = 6;
  EXPECT_THROW(MerkleVerifier(bad, 2), Error);
  bad = dims;
  bad[2].width = 0;
  EXPECT_THROW(MerkleVerifier(bad, 2), Error);
  bad = dims;
  bad[2].height = 0;
  EXPECT_THROW(MerkleVerifier(bad, 2), Error);
  bad = dims;
  bad[2].height = uint64_t{1} << 41;
  EXPECT_THROW(MerkleVerifier(bad, 2), Error);
  EXPECT_THROW(MerkleVerifier({}, 2), Error);
}

TEST_F(MerkleNegativeTest, DuplicateIndexWithDifferentRows) {
  std::vector<uint64_t> twice = {7, 7};
  MultiOpening opening = tree_->Open(twice);
  ASSERT_TRUE(verifier_->Verify(tree_->root(), twice, opening));
  MultiOpening bad = opening;
  bad.queries[1].rows[1][0] += BabyBear::one();
  ExpectRejected(bad, twice, "same index");
  // Indices 8 and 9 share the row of every height-64 and shorter matrix: those must agree too.
  std::vector<uint64_t> neighbours = {8, 9};
  MultiOpening shared = tree_->Open(neighbours);
  ASSERT_TRUE(verifier_->Verify(tree_->root(), neighbours, shared));
  MultiOpening inconsistent = shared;
  inconsistent.queries[1].rows[2][0] += BabyBear::one();  // the height-8 matrix
  ExpectRejected(inconsistent, neighbours, "same index");
}

// Random structural and value mutations of a valid opening: every one is rejected, none crashes
// (this test also runs under ASan and UBSan).
TEST_F(MerkleNegativeTest, RandomMutationsAreRejected) {
  std::mt19937_64 rng(8);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int trial = 0; trial < 400; ++trial) {
    MultiOpening bad = opening_;
    std::vector<uint64_t> indices = indices_;
    QueryOpening& q = bad.queries[pick(bad.queries.size())];
    switch (pick(9)) {
      case 0:
        q.rows[pick(q.rows.size())].push_back(BabyBear::zero());
        break;
      case 1: {
        auto& row = q.rows[pick(q.rows.size())];
        row.erase(row.begin() + static_cast<ptrdiff_t>(pick(row.size())));
        break;
      }
      case 2:
        q.rows.erase(q.rows.begin() + static_cast<ptrdiff_t>(pick(q.rows.size())));
        break;
      case 3:  // the leaves' salt dropped, or a salt on a shorter group (they have none)
        if (q.salts.size() > 1 && pick(2) == 0) {
          q.salts.back().push_back(BabyBear::zero());
        } else {
          q.salts.front().clear();
        }
        break;
      case 4:
        bad.siblings.erase(bad.siblings.begin() +
                           static_cast<ptrdiff_t>(pick(bad.siblings.size())));
        break;
      case 5:
        bad.siblings.insert(
            bad.siblings.begin() + static_cast<ptrdiff_t>(pick(bad.siblings.size() + 1)),
            bad.siblings[pick(bad.siblings.size())]);
        break;
      case 6:
        indices[pick(indices.size())] = rng();
        break;
      case 7: {
        auto& row = q.rows[pick(q.rows.size())];
        row[pick(row.size())] += BabyBear::from_canonical(1 + static_cast<uint32_t>(pick(1000)));
        break;
      }
      case 8:
        bad.queries.push_back(q);
        break;
    }
    EXPECT_FALSE(verifier_->Verify(tree_->root(), indices, bad)) << "trial " << trial;
  }
}

TEST(MerkleTreeTest, RejectsInvalidMatrices) {
  std::mt19937_64 rng(7);
  EXPECT_THROW(MerkleTree(std::vector<RowMajorMatrix>{}), Error);
  std::vector<RowMajorMatrix> three_rows;
  three_rows.push_back(RandomMatrix(3, 2, rng));
  EXPECT_THROW(MerkleTree(std::move(three_rows)), Error);
  std::vector<RowMajorMatrix> ragged;
  ragged.push_back(RowMajorMatrix(std::vector<BabyBear>(7), 2));
  EXPECT_THROW(MerkleTree(std::move(ragged)), Error);
  std::vector<RowMajorMatrix> zero_width;
  zero_width.push_back(RowMajorMatrix({}, 0));
  EXPECT_THROW(MerkleTree(std::move(zero_width)), Error);
  std::vector<RowMajorMatrix> empty_rows;
  empty_rows.push_back(RowMajorMatrix({}, 4));
  EXPECT_THROW(MerkleTree(std::move(empty_rows)), Error);
  std::vector<RowMajorMatrix> ok;
  ok.push_back(RandomMatrix(4, 2, rng));
  MerkleTree tree(std::move(ok));
  EXPECT_THROW(tree.Open(std::span<const uint64_t>()), Error);
}

// A frozen root: any change to the commitment layout (order, injection, salts) shows up here.
// A frozen root over both row hashes: the taller matrix's rows and salt (5 elements, one narrow
// permutation) and the shorter one's, unsalted (21 elements, one wide permutation).
TEST(MerkleTreeTest, FrozenRoot) {
  std::vector<BabyBear> a, b;
  for (uint32_t i = 0; i < 64 * 3; ++i) a.push_back(BabyBear::from_canonical(i));
  for (uint32_t i = 0; i < 8 * 21; ++i) b.push_back(BabyBear::from_canonical(1000 + i));
  std::vector<RowMajorMatrix> matrices;
  matrices.emplace_back(a, 3);
  matrices.emplace_back(b, 21);
  // Salts 7, 8, ... for the taller group's 64 rows; the shorter group has none.
  MerkleTree tree(std::move(matrices), 2, CountingSalts(7, 64 * 2));
  const std::array<uint32_t, 8> expected = {3125028,   124319620,  1166764858, 24345904,
                                            970073388, 1606423743, 1019987926, 1594633593};
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(tree.root()[i].as_canonical(), expected[i]);
}

TEST(SystemRandomnessTest, ProducesCanonicalVaryingElements) {
  std::vector<BabyBear> a(1000), b(1000);
  FillWithSecureRandomness(a);
  FillWithSecureRandomness(b);
  EXPECT_NE(a, b);
  for (BabyBear x : a) EXPECT_LT(x.as_canonical(), BabyBear::kPrime);
}

TEST(SecretSaltsTest, AnyPartOfAGroupsSequenceIsTheSameEveryTime) {
  const SecretSalts salts;
  std::vector<BabyBear> whole(1001);
  salts.Fill(3, 0, whole);
  std::vector<BabyBear> again(whole.size());
  salts.Fill(3, 0, again);
  EXPECT_EQ(again, whole);
  // Every start parity and length, the two-element blocks' boundaries included.
  for (uint64_t first : {0u, 1u, 2u, 7u, 500u, 999u}) {
    for (size_t size : {1u, 2u, 3u, 64u}) {
      if (first + size > whole.size()) continue;
      std::vector<BabyBear> part(size);
      salts.Fill(3, first, part);
      EXPECT_TRUE(std::equal(part.begin(), part.end(), whole.begin() + first))
          << first << " + " << size;
    }
  }
  std::set<uint32_t> distinct;
  for (BabyBear x : whole) {
    EXPECT_LT(x.as_canonical(), BabyBear::kPrime);
    distinct.insert(x.as_canonical());
  }
  EXPECT_GT(distinct.size(), 995u);  // 31-bit values: a collision among 1001 is rare
  // Another group, or another source (another key), gives another sequence.
  std::vector<BabyBear> other_group(whole.size()), other_key(whole.size());
  salts.Fill(4, 0, other_group);
  SecretSalts().Fill(3, 0, other_key);
  EXPECT_NE(other_group, whole);
  EXPECT_NE(other_key, whole);
  // Far into a group (a 2^22-row table's salts): still addressable.
  std::vector<BabyBear> far(5), far_again(2);
  salts.Fill(0, (uint64_t{1} << 24) - 1, far);
  salts.Fill(0, uint64_t{1} << 24, far_again);
  EXPECT_EQ(far[1], far_again[0]);
  EXPECT_EQ(far[2], far_again[1]);
}

TEST(SecretSaltsTest, HidingTreesDrawFreshSaltsAndTheirOpeningsVerify) {
  std::mt19937_64 rng(11);
  std::vector<RowMajorMatrix> matrices;
  matrices.push_back(RandomMatrix(512, 7, rng));
  matrices.push_back(RandomMatrix(64, 3, rng));
  const MerkleTree a(matrices, 4), b(matrices, 4);
  EXPECT_NE(a.root(), b.root());
  const std::vector<uint64_t> indices = {0, 17, 300, 511};
  const MultiOpening opening = a.Open(indices);
  const MerkleVerifier verifier(Dims(a), 4);
  EXPECT_TRUE(verifier.Verify(a.root(), indices, opening));
  EXPECT_FALSE(verifier.Verify(b.root(), indices, opening));
  // The opened salts are the ones the leaves were hashed with: open again, same salts.
  EXPECT_EQ(a.Open(indices).queries[2].salts, opening.queries[2].salts);
}

TEST(UninitializedBufferTest, ResizeKeepsContentsOfTheSameSizeAndMovesLeaveEmpty) {
  UninitializedBuffer<BabyBear> buffer(5);
  ASSERT_EQ(buffer.size(), 5u);
  for (size_t i = 0; i < 5; ++i) buffer.values()[i] = BabyBear::from_canonical(10 + i);
  const BabyBear* storage = buffer.data();
  buffer.Resize(5);
  EXPECT_EQ(buffer.data(), storage);
  EXPECT_EQ(buffer.values()[4], BabyBear::from_canonical(14));

  UninitializedBuffer<BabyBear> moved(std::move(buffer));
  EXPECT_EQ(moved.data(), storage);
  EXPECT_EQ(moved.size(), 5u);
  EXPECT_TRUE(buffer.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is defined
  EXPECT_EQ(buffer.data(), nullptr);
  buffer = std::move(moved);
  EXPECT_EQ(buffer.size(), 5u);
  EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move)

  EXPECT_EQ(buffer.Resize(3).size(), 3u);
  EXPECT_TRUE(buffer.Resize(0).empty());
  EXPECT_EQ(buffer.data(), nullptr);
}

}  // namespace
}  // namespace prova::merkle
