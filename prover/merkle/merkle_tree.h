#pragma once

// Commitment to the rows of one or several row-major matrices of BabyBear with power-of-two
// heights (the Plonky3 MMCS layout, described in verifier/merkle/merkle_verifier.h): the tallest
// matrices form the leaves, shorter ones are injected at the level with as many nodes as they have
// rows. Leaves and nodes are hashed Packed::kWidth at a time with the packed Poseidon2, in parallel
// with TBB. Openings are checked by merkle::MerkleVerifier.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "verifier/field/babybear.h"
#include "verifier/hash/sponge.h"
#include "verifier/merkle/merkle_verifier.h"

namespace prova::merkle {

// A dense row-major matrix: row i is values[i * width, (i + 1) * width).
struct RowMajorMatrix {
  std::vector<BabyBear> values;
  size_t width = 0;

  RowMajorMatrix() = default;
  RowMajorMatrix(std::vector<BabyBear> v, size_t w) : values(std::move(v)), width(w) {}

  size_t height() const { return width == 0 ? 0 : values.size() / width; }
  std::span<const BabyBear> row(size_t i) const {
    return std::span<const BabyBear>(values).subspan(i * width, width);
  }
  MatrixDimensions dimensions() const { return {width, height()}; }
};

// Fills its argument with uniformly random field elements (the salts of a hiding commitment).
using SaltSource = std::function<void(std::span<BabyBear>)>;

// Uniform field elements from the operating system's CSPRNG (getrandom), by rejection sampling
// of 31-bit values. Throws prova::Error if the OS source fails.
void FillWithSystemRandomness(std::span<BabyBear> out);

class MerkleTree {
 public:
  // Commits to `matrices`. salt_elements = 0: a plain (binding) commitment. salt_elements > 0:
  // a hiding commitment; every hashed row group gets that many random elements from `salts`.
  // Throws prova::Error if there is no matrix, a width is 0, values.size() is not a multiple of
  // the width, or a height is not a power of two.
  explicit MerkleTree(std::vector<RowMajorMatrix> matrices, size_t salt_elements = 0,
                      const SaltSource& salts = FillWithSystemRandomness);

  const hash::Digest& root() const { return layers_.back().front(); }
  const std::vector<RowMajorMatrix>& matrices() const { return matrices_; }
  std::vector<MatrixDimensions> dimensions() const;
  size_t salt_elements() const { return salt_elements_; }
  uint64_t max_height() const { return groups_.front().height; }
  size_t log_max_height() const { return groups_.front().log_height; }

  // Opens every index (each < max_height(), duplicates allowed) with shared authentication
  // nodes. Throws prova::Error if an index is out of range or `indices` is empty.
  MultiOpening Open(std::span<const uint64_t> indices) const;
  MultiOpening Open(uint64_t index) const { return Open(std::span<const uint64_t>(&index, 1)); }

  // The digests of one level (0 = leaves), for tests and debugging.
  const std::vector<hash::Digest>& layer(size_t level) const { return layers_.at(level); }

 private:
  QueryOpening OpenQuery(uint64_t index) const;

  std::vector<RowMajorMatrix> matrices_;
  size_t salt_elements_;
  std::vector<HeightGroup> groups_;
  // salts_[g]: height(g) * salt_elements_ elements, row-major.
  std::vector<std::vector<BabyBear>> salts_;
  std::vector<std::vector<hash::Digest>> layers_;
};

}  // namespace prova::merkle
