#include "verifier/merkle/merkle_verifier.h"

#include <algorithm>
#include <bit>
#include <map>
#include <optional>
#include <utility>

#include "common/error.h"
#include "verifier/hash/row_hash.h"

namespace prova::merkle {

std::vector<HeightGroup> GroupByHeight(std::span<const MatrixDimensions> dimensions) {
  if (dimensions.empty()) throw Error("Merkle commitment: no matrix");
  std::map<uint64_t, HeightGroup, std::greater<>> by_height;
  for (size_t k = 0; k < dimensions.size(); ++k) {
    const MatrixDimensions& d = dimensions[k];
    if (d.width == 0)
      throw Error("Merkle commitment: matrix " + std::to_string(k) + " has width 0");
    if (d.height == 0 || !std::has_single_bit(d.height)) {
      throw Error("Merkle commitment: matrix " + std::to_string(k) + " has height " +
                  std::to_string(d.height) + ", not a power of two");
    }
    size_t log_height = static_cast<size_t>(std::countr_zero(d.height));
    if (log_height > kMaxLogHeight) {
      throw Error("Merkle commitment: matrix " + std::to_string(k) + " is taller than 2^" +
                  std::to_string(kMaxLogHeight));
    }
    HeightGroup& group = by_height[d.height];
    group.height = d.height;
    group.log_height = log_height;
    group.matrices.push_back(k);
  }
  std::vector<HeightGroup> groups;
  for (auto& [height, group] : by_height) groups.push_back(std::move(group));
  return groups;
}

namespace {

// The hash (RowHash) of one row group for every query: the rows of the group's matrices in commit
// order, then the group's salt.
std::vector<Digest> HashRowGroups(const HeightGroup& group, std::span<const QueryOpening> queries,
                                  size_t group_index) {
  hash::RowHasher hasher;
  std::vector<Digest> digests;
  digests.reserve(queries.size());
  for (const QueryOpening& query : queries) {
    for (size_t k : group.matrices) hasher.Absorb(std::span<const BabyBear>(query.rows[k]));
    hasher.Absorb(std::span<const BabyBear>(query.salts[group_index]));
    digests.push_back(hasher.Finalize());
  }
  return digests;
}

}  // namespace

MerkleVerifier::MerkleVerifier(std::vector<MatrixDimensions> dimensions, size_t salt_elements)
    : dimensions_(std::move(dimensions)),
      salt_elements_(salt_elements),
      groups_(GroupByHeight(dimensions_)) {}

namespace {

// Nodes of one level known to the verifier, sorted by index, unique.
using Level = std::vector<std::pair<uint64_t, Digest>>;

// Sorts the per-query nodes and merges queries that reached the same node; they must agree
// (a query that opens different rows at an index another query opens is rejected).
std::optional<Level> MergeQueries(std::vector<std::pair<uint64_t, Digest>> nodes) {
  std::sort(nodes.begin(), nodes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Level merged;
  for (auto& node : nodes) {
    if (!merged.empty() && merged.back().first == node.first) {
      if (merged.back().second != node.second) return std::nullopt;
      continue;
    }
    merged.push_back(node);
  }
  return merged;
}

}  // namespace

Verdict MerkleVerifier::Verify(const Digest& root, std::span<const uint64_t> indices,
                               const MultiOpening& opening) const {
  const size_t log_max = log_max_height();
  if (indices.empty()) return Verdict::Reject("Merkle opening: no index to verify");
  if (opening.queries.size() != indices.size()) {
    return Verdict::Reject("Merkle opening: " + std::to_string(opening.queries.size()) +
                           " query openings for " + std::to_string(indices.size()) + " indices");
  }
  for (size_t q = 0; q < indices.size(); ++q) {
    if (indices[q] >= max_height()) {
      return Verdict::Reject("Merkle opening: index " + std::to_string(indices[q]) +
                             " out of range (height " + std::to_string(max_height()) + ")");
    }
    const QueryOpening& query = opening.queries[q];
    if (query.rows.size() != dimensions_.size()) {
      return Verdict::Reject("Merkle opening: query " + std::to_string(q) + " opens " +
                             std::to_string(query.rows.size()) + " rows for " +
                             std::to_string(dimensions_.size()) + " matrices");
    }
    for (size_t k = 0; k < dimensions_.size(); ++k) {
      if (query.rows[k].size() != dimensions_[k].width) {
        return Verdict::Reject("Merkle opening: query " + std::to_string(q) + ", matrix " +
                               std::to_string(k) + ": row of " +
                               std::to_string(query.rows[k].size()) + " elements, width is " +
                               std::to_string(dimensions_[k].width));
      }
    }
    if (query.salts.size() != groups_.size()) {
      return Verdict::Reject("Merkle opening: query " + std::to_string(q) + " has " +
                             std::to_string(query.salts.size()) + " salts for " +
                             std::to_string(groups_.size()) + " height groups");
    }
    for (size_t g = 0; g < groups_.size(); ++g) {
      const size_t expected = GroupSaltElements(g, salt_elements_);
      if (query.salts[g].size() != expected) {
        return Verdict::Reject("Merkle opening: query " + std::to_string(q) + ", height group " +
                               std::to_string(g) + ": salt of " +
                               std::to_string(query.salts[g].size()) + " elements, expected " +
                               std::to_string(expected));
      }
    }
  }

  // Leaves.
  std::vector<std::pair<uint64_t, Digest>> per_query;
  per_query.reserve(indices.size());
  {
    const std::vector<Digest> leaves = HashRowGroups(groups_[0], opening.queries, 0);
    for (size_t q = 0; q < indices.size(); ++q) per_query.emplace_back(indices[q], leaves[q]);
  }
  std::optional<Level> level = MergeQueries(std::move(per_query));
  if (!level) return Verdict::Reject("Merkle opening: different rows opened at the same index");

  size_t next_sibling = 0;
  size_t next_group = 1;
  std::vector<Digest> lefts, rights, nodes;
  for (size_t depth = 0; depth < log_max; ++depth) {
    // Compress each known node with its sibling (known, or taken from the opening), all of the
    // level's pairs in one batch.
    lefts.clear();
    rights.clear();
    Level parents;
    parents.reserve(level->size());
    for (size_t i = 0; i < level->size(); ++i) {
      auto [index, digest] = (*level)[i];
      Digest sibling;
      if (i + 1 < level->size() && (*level)[i + 1].first == (index ^ 1)) {
        sibling = (*level)[i + 1].second;  // index is even and both children are known
        ++i;
      } else {
        if (next_sibling >= opening.siblings.size()) {
          return Verdict::Reject("Merkle opening: authentication path too short");
        }
        sibling = opening.siblings[next_sibling++];
      }
      lefts.push_back((index & 1) == 0 ? digest : sibling);
      rights.push_back((index & 1) == 0 ? sibling : digest);
      parents.emplace_back(index >> 1, Digest{});
    }
    nodes.resize(parents.size());
    hash::CompressBatch(lefts, rights, nodes);
    for (size_t j = 0; j < parents.size(); ++j) parents[j].second = nodes[j];
    // Inject the group whose height is the number of nodes at the new level.
    const size_t parent_log = log_max - depth - 1;
    if (next_group < groups_.size() && groups_[next_group].log_height == parent_log) {
      const HeightGroup& group = groups_[next_group++];
      const std::vector<Digest> rows = HashRowGroups(group, opening.queries, next_group - 1);
      lefts.clear();
      for (size_t q = 0; q < indices.size(); ++q) {
        uint64_t index = indices[q] >> (depth + 1);
        auto it = std::lower_bound(parents.begin(), parents.end(), index,
                                   [](const auto& node, uint64_t i) { return node.first < i; });
        PROVA_CHECK(it != parents.end() && it->first == index, "every query reaches its parent");
        lefts.push_back(it->second);
      }
      nodes.resize(indices.size());
      hash::CompressBatch(lefts, rows, nodes);
      per_query.clear();
      for (size_t q = 0; q < indices.size(); ++q) {
        per_query.emplace_back(indices[q] >> (depth + 1), nodes[q]);
      }
      level = MergeQueries(std::move(per_query));
      if (!level) {
        return Verdict::Reject("Merkle opening: different rows of a height-" +
                               std::to_string(group.height) + " matrix opened at the same index");
      }
    } else {
      level = std::move(parents);
    }
  }
  PROVA_CHECK(next_group == groups_.size(), "every height group is injected");
  PROVA_CHECK(level->size() == 1 && level->front().first == 0, "the walk ends at the root");
  if (next_sibling != opening.siblings.size()) {
    return Verdict::Reject("Merkle opening: authentication path too long (" +
                           std::to_string(opening.siblings.size() - next_sibling) +
                           " unused nodes)");
  }
  if (level->front().second != root) return Verdict::Reject("Merkle opening: root mismatch");
  return Verdict::Accept();
}

void MerkleVerifier::VerifyOrThrow(const Digest& root, std::span<const uint64_t> indices,
                                   const MultiOpening& opening) const {
  Verdict verdict = Verify(root, indices, opening);
  if (!verdict) throw Error(verdict.reason);
}

}  // namespace prova::merkle
