#pragma once

// Verification of openings of a mixed-height matrix commitment (the Plonky3 MMCS layout):
//  - all matrices have power-of-two heights; the tallest (height 2^L) are the leaf level: leaf i is
//    the hash (RowHash) of row i of every tallest matrix (commit order), then that group's
//    salt;
//  - node j of level k+1 is Compress(node 2j, node 2j+1) of level k; when level k+1 has as many
//    nodes as a shorter group of matrices has rows, that group is injected:
//    node = Compress(node, RowHash(rows of the group at j)) (no salt: GroupSaltElements);
//  - the root is the single node of level L.
// Hiding commitments append `salt_elements` random field elements to every leaf (the tallest
// group's hashed rows; GroupSaltElements); the salts are revealed with the opening. The layout is
// documented in verifier/hash/README.md.
//
// Everything in an opening is untrusted: the verifier checks every size against the dimensions it
// was configured with and returns a rejection with a reason, never crashes.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "verifier/field/babybear.h"
#include "verifier/hash/sponge.h"

namespace prova::merkle {

using hash::Digest;

// Trees higher than this are rejected (the indices are 64-bit and no STARK domain is this large).
inline constexpr size_t kMaxLogHeight = 40;

struct MatrixDimensions {
  uint64_t width = 0;
  uint64_t height = 0;
  friend bool operator==(const MatrixDimensions&, const MatrixDimensions&) = default;
};

// How many salt elements the rows of height group g (tallest first) carry in a commitment with
// `salt_elements`: all of them for the leaves, none for the shorter groups. Salting the leaves
// hides the whole tree: a digest that an opening reveals (a sibling) is a node none of whose
// leaves is opened, so secret salts enter it, and a shorter group's row enters the tree only
// inside such nodes (compressed into the node at its level), never as a digest of its own. So
// the shorter rows need no salt, and an opening does not carry 4 elements per group per query.
inline constexpr size_t GroupSaltElements(size_t group, size_t salt_elements) {
  return group == 0 ? salt_elements : 0;
}

// What one queried index reveals.
struct QueryOpening {
  // rows[k]: the row of matrix k (commit order) at index >> (L - log2(height_k)).
  std::vector<std::vector<BabyBear>> rows;
  // salts[g]: the salt of height group g (distinct heights, tallest first) at that row index.
  // One entry per group, of GroupSaltElements(g, salt_elements) elements: only the leaves are
  // salted, and nothing is when the tree is not hiding.
  std::vector<std::vector<BabyBear>> salts;
};

// Openings of several indices sharing one set of authentication nodes: siblings the verifier
// cannot compute itself, level by level from the leaves, ascending node index within a level,
// each sent once. For a single index this is exactly its authentication path, leaf level first.
struct MultiOpening {
  std::vector<QueryOpening> queries;  // one per requested index, in request order
  std::vector<Digest> siblings;
};

// The outcome of a check of untrusted data: accepted, or rejected with a reason.
struct Verdict {
  bool ok = true;
  std::string reason;

  static Verdict Accept() { return {}; }
  static Verdict Reject(std::string why) { return {false, std::move(why)}; }
  explicit operator bool() const { return ok; }
};

// The grouping of matrices by height shared by the prover's tree and the verifier.
struct HeightGroup {
  uint64_t height = 0;
  size_t log_height = 0;
  std::vector<size_t> matrices;  // indices into the commit order
};

// Groups matrices by height, tallest first. Throws prova::Error if there is no matrix, a width or
// height is zero, a height is not a power of two or exceeds 2^kMaxLogHeight.
std::vector<HeightGroup> GroupByHeight(std::span<const MatrixDimensions> dimensions);

class MerkleVerifier {
 public:
  // Throws prova::Error on invalid dimensions (see GroupByHeight).
  MerkleVerifier(std::vector<MatrixDimensions> dimensions, size_t salt_elements);

  // Checks that `opening` opens `indices` (each < max_height(), duplicates allowed) against
  // `root`. Each index addresses a row of the tallest matrices; shorter matrices are opened at
  // the index shifted right by the difference of log-heights.
  Verdict Verify(const Digest& root, std::span<const uint64_t> indices,
                 const MultiOpening& opening) const;
  Verdict Verify(const Digest& root, uint64_t index, const MultiOpening& opening) const {
    return Verify(root, std::span<const uint64_t>(&index, 1), opening);
  }
  // Same, but throws prova::Error with the reason on rejection.
  void VerifyOrThrow(const Digest& root, std::span<const uint64_t> indices,
                     const MultiOpening& opening) const;

  const std::vector<MatrixDimensions>& dimensions() const { return dimensions_; }
  size_t salt_elements() const { return salt_elements_; }
  uint64_t max_height() const { return groups_.front().height; }
  size_t log_max_height() const { return groups_.front().log_height; }

 private:
  std::vector<MatrixDimensions> dimensions_;
  size_t salt_elements_;
  std::vector<HeightGroup> groups_;
};

}  // namespace prova::merkle
