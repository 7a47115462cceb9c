#pragma once

// Commitment to the rows of one or several row-major matrices of BabyBear with power-of-two
// heights (the Plonky3 MMCS layout, described in verifier/merkle/merkle_verifier.h): the tallest
// matrices form the leaves, shorter ones are injected at the level with as many nodes as they have
// rows. Rows are hashed with SHA-256 (hash::RowHash), nodes Packed::kWidth at a time with the
// packed Poseidon2, both in parallel with TBB. Openings are checked by merkle::MerkleVerifier.

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
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

// Storage for `size` values of an implicit-lifetime type, left uninitialised: the producers write
// every element, in parallel, so that the first touches of its pages (slow, and serial in a
// value-initialised vector) are spread over the threads. Plain malloc storage, unlike the
// huge-page-aligned matrices, reuses the freed blocks of earlier buffers.
template <class T>
class UninitializedBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  UninitializedBuffer() = default;
  explicit UninitializedBuffer(size_t size) { Resize(size); }
  UninitializedBuffer(UninitializedBuffer&& other) noexcept
      : storage_(std::move(other.storage_)), size_(std::exchange(other.size_, 0)) {}
  UninitializedBuffer& operator=(UninitializedBuffer&& other) noexcept {
    storage_ = std::move(other.storage_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  // Storage for `size` elements (the previous contents when the size is unchanged).
  std::span<T> Resize(size_t size) {
    if (size_ != size) {
      storage_.reset();
      size_ = 0;
      if (size != 0) {
        if (size > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
        storage_.reset(static_cast<T*>(std::malloc(size * sizeof(T))));
        if (storage_ == nullptr) throw std::bad_alloc();
        size_ = size;
      }
    }
    return values();
  }
  std::span<T> values() { return {storage_.get(), size_}; }
  std::span<const T> values() const { return {storage_.get(), size_}; }
  T* data() { return storage_.get(); }
  const T* data() const { return storage_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T[], Free> storage_;
  size_t size_ = 0;
};

// One block of rows, reused from block to block.
using BlockScratch = UninitializedBuffer<BabyBear>;

// The rows of a committed matrix, produced a block of consecutive rows at a time: a prover can
// commit to a low-degree extension without keeping it in memory, and recompute the blocks that
// hold the rows it opens.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual MatrixDimensions dimensions() const = 0;
  // A power of two that divides the height.
  virtual size_t block_height() const = 0;
  // Rows [block * block_height(), (block + 1) * block_height()), row-major, into `out` of
  // block_height() * width elements.
  virtual void FillBlock(size_t block, std::span<BabyBear> out) const = 0;
  // The same rows, either kept by the source or filled into `scratch` (resized as needed); valid
  // until the next use of `scratch`.
  virtual std::span<const BabyBear> Block(size_t block, BlockScratch& scratch) const {
    const std::span<BabyBear> out = scratch.Resize(block_height() * dimensions().width);
    FillBlock(block, out);
    return out;
  }
  // The rows of the aligned runs [s, s + 2^log_run) for s in run_starts (ascending, distinct,
  // multiples of 2^log_run, each run inside one block), run after run, row-major, into `out` of
  // run_starts.size() << log_run rows. Returns false, writing nothing, where the source would
  // rather hand out whole blocks (the default); the Merkle openings then read blocks.
  virtual bool FillRuns(std::span<const uint64_t> /*run_starts*/, size_t /*log_run*/,
                        std::span<BabyBear> /*out*/) const {
    return false;
  }
};

// Uniform field elements from OpenSSL's private DRBG (a CSPRNG seeded by the operating system), by
// rejection sampling of 31-bit values, in parallel. Throws prova::Error if the generator fails.
void FillWithSecureRandomness(std::span<BabyBear> out);

// The salts of a hiding commitment, addressable: height group g's salts are one sequence of
// elements (row r's are elements [r s, (r + 1) s) for s salt elements per row), and any part of it,
// asked for in any order and as often as wanted, is always the same. A tree keeps its source, not
// the salts (those of a 2^20-cycle proof's three trees would take 0.3 GB), and recomputes the
// salts of the rows it hashes and opens.
class SaltSource {
 public:
  virtual ~SaltSource() = default;
  // Elements [first, first + out.size()) of height group `group`'s sequence.
  virtual void Fill(size_t group, uint64_t first, std::span<BabyBear> out) const = 0;
};

// Salts that only the prover knows: AES-256 in counter mode (OpenSSL) under a key drawn from the
// private DRBG for this source alone. Element e of group g is the 64-bit word e of the keystream
// whose 128-bit counter blocks are (g, block index), reduced mod p. Its min-entropy for anyone
// without the key is log2 p minus 2^-33 bits, which is what a hiding leaf needs (docs/stark.md,
// section 4); the DRBG itself is AES-256 in counter mode too, so this asks nothing new of AES.
// Throws prova::Error if the generator or the cipher fails.
class SecretSalts final : public SaltSource {
 public:
  SecretSalts();
  void Fill(size_t group, uint64_t first, std::span<BabyBear> out) const override;

 private:
  std::array<unsigned char, 32> key_;
  // Fetched once: OpenSSL 3 would otherwise look the cipher up at every call.
  std::shared_ptr<EVP_CIPHER> cipher_;
};

class MerkleTree {
 public:
  // Commits to `matrices`. salt_elements = 0: a plain (binding) commitment. salt_elements > 0:
  // a hiding commitment; every leaf (a row of the tallest matrices) gets that many elements from
  // `salts` (a fresh SecretSalts when null), the shorter groups' rows none (GroupSaltElements).
  // Throws prova::Error if there is no matrix, a width is 0, values.size() is not a multiple of
  // the width, or a height is not a power of two.
  explicit MerkleTree(std::vector<RowMajorMatrix> matrices, size_t salt_elements = 0,
                      std::shared_ptr<const SaltSource> salts = nullptr);
  // The same commitment to matrices that are not kept: their rows are hashed a block at a time
  // and recomputed when opened. Matrices of one height must have one block height.
  explicit MerkleTree(std::vector<std::shared_ptr<const RowSource>> sources,
                      size_t salt_elements = 0, std::shared_ptr<const SaltSource> salts = nullptr);

  const hash::Digest& root() const { return layers_.back().values().front(); }
  // The committed matrices, when they were given as matrices (empty for row sources).
  const std::vector<RowMajorMatrix>& matrices() const { return matrices_; }
  std::vector<MatrixDimensions> dimensions() const;
  size_t salt_elements() const { return salt_elements_; }
  uint64_t max_height() const { return groups_.front().height; }
  size_t log_max_height() const { return groups_.front().log_height; }

  // Opens every index (each < max_height(), duplicates allowed) with shared authentication
  // nodes. Throws prova::Error if an index is out of range or `indices` is empty.
  MultiOpening Open(std::span<const uint64_t> indices) const;
  MultiOpening Open(uint64_t index) const { return Open(std::span<const uint64_t>(&index, 1)); }

  // The digests of one level (0 = leaves; the lowest levels are empty for row sources), for tests
  // and debugging.
  std::span<const hash::Digest> layer(size_t level) const { return layers_.at(level).values(); }

 private:
  using DigestBuffer = UninitializedBuffer<hash::Digest>;

  // Rows of row-source matrices that queries open: rows[matrix][row].
  using OpenedRows = std::vector<std::map<uint64_t, std::vector<BabyBear>>>;

  void Build(std::shared_ptr<const SaltSource> salts);
  // Salt elements per row of a height group (GroupSaltElements).
  size_t GroupSalt(size_t group) const { return GroupSaltElements(group, salt_elements_); }
  // The salts of rows [first_row, first_row + out.size() / GroupSalt(group)) of a height group.
  void FillSalts(size_t group, uint64_t first_row, std::span<BabyBear> out) const;
  // The digests of every row of a height group (matrices in commit order, then the salt).
  // `scratch` holds the blocks of row sources (one buffer per matrix of the group).
  DigestBuffer HashGroup(size_t group, std::vector<BlockScratch>& scratch) const;
  QueryOpening OpenQuery(uint64_t index, const OpenedRows& opened) const;
  // The hash of one row of a height group, and a node of the tree (possibly of a dropped level),
  // from opened rows.
  hash::Digest GroupRowDigest(size_t group, uint64_t row, const OpenedRows& opened) const;
  hash::Digest NodeDigest(size_t level, uint64_t node, const OpenedRows& opened) const;

  // Exactly one of the two holds the matrices.
  std::vector<RowMajorMatrix> matrices_;
  std::vector<std::shared_ptr<const RowSource>> sources_;
  size_t salt_elements_;
  std::vector<HeightGroup> groups_;
  std::shared_ptr<const SaltSource> salts_;  // null for a plain commitment
  std::vector<DigestBuffer> layers_;
  // Levels below this one are not kept (row sources only): NodeDigest recomputes them.
  static constexpr size_t kMaxDroppedLevels = 3;
  size_t dropped_levels_ = 0;
};

}  // namespace prova::merkle
