#include "prover/merkle/merkle_tree.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "common/error.h"
#include "verifier/field/packed_babybear.h"
#include "verifier/hash/row_hash.h"

namespace prova::merkle {

using hash::Digest;
using hash::kDigestElements;
using Packed = BabyBear::Packed;
constexpr size_t kLanes = Packed::kWidth;
// Rows (or nodes) per TBB task: enough work to amortise scheduling, small enough to balance.
constexpr size_t kGrain = 16 * kLanes;

void FillWithSecureRandomness(std::span<BabyBear> out) {
  // OpenSSL's private DRBG (seeded by the OS, one instance per thread) in parallel chunks: the
  // zero-knowledge randomisers of a large trace are hundreds of megabytes, which getrandom's
  // small requests would produce several times slower.
  constexpr size_t kChunk = size_t{1} << 16;
  const size_t chunks = (out.size() + kChunk - 1) / kChunk;
  std::atomic<bool> failed{false};
  tbb::parallel_for(size_t{0}, chunks, [&](size_t c) {
    std::span<BabyBear> part = out.subspan(c * kChunk, std::min(kChunk, out.size() - c * kChunk));
    std::vector<uint32_t> words;
    size_t i = 0;
    while (i < part.size() && !failed) {
      // About 6 % of 31-bit values are rejected; ask for a little more than what is missing.
      words.resize(part.size() - i + (part.size() - i) / 8 + 8);
      if (RAND_priv_bytes(reinterpret_cast<unsigned char*>(words.data()),
                          static_cast<int>(words.size() * sizeof(uint32_t))) != 1) {
        failed = true;
        return;
      }
      // Rejection sampling: a uniform 31-bit value is kept only if it is below p.
      for (size_t k = 0; k < words.size() && i < part.size(); ++k) {
        const uint32_t candidate = words[k] & 0x7fffffffu;
        if (candidate < BabyBear::kPrime) part[i++] = BabyBear::from_canonical(candidate);
      }
    }
  });
  if (failed) throw Error("the OpenSSL random generator failed");
}

SecretSalts::SecretSalts()
    : cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr), EVP_CIPHER_free) {
  if (RAND_priv_bytes(key_.data(), static_cast<int>(key_.size())) != 1) {
    throw Error("the OpenSSL random generator failed");
  }
  if (cipher_ == nullptr) throw Error("OpenSSL has no AES-256-CTR");
}

void SecretSalts::Fill(size_t group, uint64_t first, std::span<BabyBear> out) const {
  if (out.empty()) return;
  // Two elements per 16-byte block: the blocks that hold elements [first, first + size).
  const uint64_t first_block = first / 2;
  const size_t blocks = static_cast<size_t>((first + out.size() + 1) / 2 - first_block);
  std::array<unsigned char, 16> counter;
  for (size_t i = 0; i < 8; ++i) {
    counter[i] = static_cast<unsigned char>(uint64_t{group} >> (56 - 8 * i));
    counter[8 + i] = static_cast<unsigned char>(first_block >> (56 - 8 * i));
  }
  // The keystream is the encryption of zeros; a group's block index never reaches 2^64, so the
  // counter's carry never runs into the group half.
  std::vector<unsigned char> stream(16 * blocks, 0);
  const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> context(
      EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int written = 0;
  if (context == nullptr ||
      EVP_EncryptInit_ex(context.get(), cipher_.get(), nullptr, key_.data(), counter.data()) != 1 ||
      EVP_EncryptUpdate(context.get(), stream.data(), &written, stream.data(),
                        static_cast<int>(stream.size())) != 1 ||
      static_cast<size_t>(written) != stream.size()) {
    throw Error("AES-256-CTR (OpenSSL) failed to produce the Merkle salts");
  }
  const size_t skip = static_cast<size_t>(first % 2);
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t word;
    std::memcpy(&word, stream.data() + 8 * (skip + i), sizeof(word));
    out[i] = BabyBear::from_u64(word);
  }
}

namespace {

// One block of a height group's rows: per matrix (commit order) the block's first row and the
// width, then the salts of the same rows.
struct BlockRows {
  std::vector<std::pair<const BabyBear*, size_t>> matrices;
  const BabyBear* salts = nullptr;
  size_t salt_elements = 0;
};

// RowHash of row `row` of a block: its row of every matrix, then its salt. `values` is scratch
// for the row's canonical values.
Digest HashRow(const BlockRows& block, size_t row, hash::RowHasher& hasher,
               std::vector<uint32_t>& values) {
  size_t length = block.salt_elements;
  for (const auto& [base, width] : block.matrices) length += width;
  values.resize(length);
  size_t at = 0;
  auto convert = [&](const BabyBear* base, size_t width) {
    hash::CanonicalValues(std::span<const BabyBear>(base + row * width, width),
                          std::span<uint32_t>(values).subspan(at, width));
    at += width;
  };
  for (const auto& [base, width] : block.matrices) convert(base, width);
  convert(block.salts, block.salt_elements);
  hasher.AbsorbCanonical(values);
  return hasher.Finalize();
}

// Runs body(begin, end) over [0, count) in parallel chunks that are multiples of kLanes (count is
// a power of two, so either count < kLanes or every chunk is whole).
template <typename Body>
void ParallelChunks(size_t count, const Body& body) {
  if (count < kGrain) {
    body(size_t{0}, count);
    return;
  }
  tbb::parallel_for(
      tbb::blocked_range<size_t>(0, count / kGrain),
      [&](const tbb::blocked_range<size_t>& r) { body(r.begin() * kGrain, r.end() * kGrain); });
}

}  // namespace

MerkleTree::MerkleTree(std::vector<RowMajorMatrix> matrices, size_t salt_elements,
                       std::shared_ptr<const SaltSource> salts)
    : matrices_(std::move(matrices)), salt_elements_(salt_elements) {
  for (size_t k = 0; k < matrices_.size(); ++k) {
    const RowMajorMatrix& m = matrices_[k];
    if (m.width != 0 && m.values.size() % m.width != 0) {
      throw Error("Merkle commitment: matrix " + std::to_string(k) + " has " +
                  std::to_string(m.values.size()) + " values, not a multiple of its width " +
                  std::to_string(m.width));
    }
  }
  Build(std::move(salts));
}

MerkleTree::MerkleTree(std::vector<std::shared_ptr<const RowSource>> sources, size_t salt_elements,
                       std::shared_ptr<const SaltSource> salts)
    : sources_(std::move(sources)), salt_elements_(salt_elements) {
  for (size_t k = 0; k < sources_.size(); ++k) {
    if (sources_[k] == nullptr)
      throw Error("Merkle commitment: matrix " + std::to_string(k) + " has no rows");
    const uint64_t block = sources_[k]->block_height();
    const uint64_t height = sources_[k]->dimensions().height;
    if (block == 0 || !std::has_single_bit(block) || height % block != 0) {
      throw Error("Merkle commitment: matrix " + std::to_string(k) + " has block height " +
                  std::to_string(block) + ", not a power of two dividing its height");
    }
  }
  Build(std::move(salts));
}

MerkleTree::DigestBuffer MerkleTree::HashGroup(size_t g, std::vector<BlockScratch>& scratch) const {
  const HeightGroup& group = groups_[g];
  // Sources of one height may produce blocks of different heights: hash in steps of the smallest,
  // and take the taller sources' rows from the block that holds them, computed once.
  size_t block_height = group.height;
  if (!sources_.empty()) {
    for (size_t k : group.matrices)
      block_height = std::min(block_height, sources_[k]->block_height());
  }
  // The digests are allocated after the first blocks, for the same reason as in Build.
  DigestBuffer digest_buffer;
  Digest* digests = nullptr;
  scratch.resize(group.matrices.size());
  std::vector<std::span<const BabyBear>> loaded(group.matrices.size());
  std::vector<size_t> loaded_block(group.matrices.size(), SIZE_MAX);
  for (size_t block = 0; block < group.height / block_height; ++block) {
    const size_t first = block * block_height;
    BlockRows rows;
    for (size_t j = 0; j < group.matrices.size(); ++j) {
      const size_t k = group.matrices[j];
      if (sources_.empty()) {
        rows.matrices.emplace_back(matrices_[k].values.data() + first * matrices_[k].width,
                                   matrices_[k].width);
      } else {
        const size_t width = sources_[k]->dimensions().width;
        const size_t source_block = first / sources_[k]->block_height();
        if (loaded_block[j] != source_block) {
          loaded[j] = sources_[k]->Block(source_block, scratch[j]);
          loaded_block[j] = source_block;
        }
        const size_t offset = first - source_block * sources_[k]->block_height();
        rows.matrices.emplace_back(loaded[j].data() + offset * width, width);
      }
    }
    if (digests == nullptr) digests = digest_buffer.Resize(group.height).data();
    ParallelChunks(block_height, [&](size_t begin, size_t end) {
      // A few hundred rows at a time, with their salts computed here rather than kept.
      std::vector<BabyBear> salts;
      std::vector<uint32_t> values;
      hash::RowHasher hasher;
      for (size_t part = begin; part < end; part += kGrain) {
        const size_t count = std::min(kGrain, end - part);
        BlockRows chunk;
        for (const auto& [base, width] : rows.matrices) {
          chunk.matrices.emplace_back(base + part * width, width);
        }
        salts.resize(count * GroupSalt(g));
        FillSalts(g, first + part, salts);
        chunk.salts = salts.data();
        chunk.salt_elements = GroupSalt(g);
        for (size_t i = 0; i < count; ++i) {
          digests[first + part + i] = HashRow(chunk, i, hasher, values);
        }
      }
    });
  }
  return digest_buffer;
}

void MerkleTree::FillSalts(size_t group, uint64_t first_row, std::span<BabyBear> out) const {
  if (GroupSalt(group) != 0) salts_->Fill(group, first_row * GroupSalt(group), out);
}

void MerkleTree::Build(std::shared_ptr<const SaltSource> salts) {
  groups_ = GroupByHeight(dimensions());
  if (salt_elements_ != 0) {
    salts_ = salts != nullptr ? std::move(salts) : std::make_shared<SecretSalts>();
  }

  // Leaves: the rows of the tallest matrices.
  const HeightGroup& tallest = groups_.front();
  std::vector<BlockScratch> leaf_blocks;
  layers_.push_back(HashGroup(0, leaf_blocks));
  // Every inner level is allocated before the leaves' blocks are released, and the leaf digests
  // after the first blocks (HashGroup): a block is usually the process's largest buffer, its
  // chunk of the heap is often a just-freed trace of the same size, and the next phase wants a
  // block of that size again. A smaller buffer allocated while that chunk is free splits it, and
  // the next block takes fresh memory, first touched again (2^20 x 100 with zero knowledge:
  // 1.26 GB peak instead of 1.11).
  std::vector<DigestBuffer> levels;
  for (size_t count = tallest.height / 2; count >= 1; count /= 2) levels.emplace_back(count);
  leaf_blocks.clear();

  // Inner levels, injecting each shorter group where the level has as many nodes as it has rows.
  size_t next_group = 1;
  for (size_t depth = 0; depth < tallest.log_height; ++depth) {
    const Digest* children = layers_.back().data();
    const size_t count = layers_.back().size() / 2;
    DigestBuffer injected;
    if (next_group < groups_.size() && groups_[next_group].height == count) {
      std::vector<BlockScratch> blocks;
      injected = HashGroup(next_group++, blocks);
    }
    const bool inject = !injected.empty();
    DigestBuffer parent_buffer = std::move(levels[depth]);
    Digest* parents = parent_buffer.data();
    ParallelChunks(count, [&](size_t begin, size_t end) {
      size_t i = begin;
      if (end - begin >= kLanes) {
        for (; i + kLanes <= end; i += kLanes) {
          hash::PackedDigest node = hash::Compress<Packed>(
              hash::PackDigests(&children[2 * i], 2), hash::PackDigests(&children[2 * i + 1], 2));
          if (inject)
            node = hash::Compress<Packed>(node, hash::PackDigests(injected.data() + i, 1));
          hash::UnpackDigests(node, &parents[i]);
        }
      }
      for (; i < end; ++i) {
        Digest node = hash::Compress(children[2 * i], children[2 * i + 1]);
        if (inject) node = hash::Compress(node, injected.data()[i]);
        parents[i] = node;
      }
    });
    layers_.push_back(std::move(parent_buffer));
  }
  PROVA_CHECK(next_group == groups_.size(), "every height group is injected");
  PROVA_CHECK(layers_.back().size() == 1, "the last level is the root");
  // Row sources recompute the blocks of opened rows anyway, so the lowest levels (7/8 of the
  // tree) need not be kept: Open rehashes the sibling subtrees it needs from those blocks.
  if (!sources_.empty()) {
    // A group injected at level s below the first kept level L is rehashed from aligned runs of
    // 2^(L - s) of its rows, which must lie in one block.
    auto fits = [&](size_t levels) {
      for (size_t g = 0; g < groups_.size(); ++g) {
        const size_t level = log_max_height() - groups_[g].log_height;
        for (size_t k : groups_[g].matrices) {
          if (level < levels && sources_[k]->block_height() < (size_t{1} << (levels - level))) {
            return false;
          }
        }
      }
      return true;
    };
    dropped_levels_ = std::min(kMaxDroppedLevels, layers_.size() - 1);
    while (dropped_levels_ > 0 && !fits(dropped_levels_)) --dropped_levels_;
    for (size_t level = 0; level < dropped_levels_; ++level) {
      layers_[level] = DigestBuffer();
    }
  }
}

Digest MerkleTree::GroupRowDigest(size_t group, uint64_t row, const OpenedRows& opened) const {
  hash::RowHasher hasher;
  for (size_t k : groups_[group].matrices) {
    hasher.Absorb(std::span<const BabyBear>(opened[k].at(row)));
  }
  std::vector<BabyBear> salt(GroupSalt(group));
  FillSalts(group, row, salt);
  hasher.Absorb(std::span<const BabyBear>(salt));
  return hasher.Finalize();
}

Digest MerkleTree::NodeDigest(size_t level, uint64_t node, const OpenedRows& opened) const {
  if (level >= dropped_levels_) return layers_[level].data()[node];
  if (level == 0) return GroupRowDigest(0, node, opened);
  Digest digest = hash::Compress(NodeDigest(level - 1, 2 * node, opened),
                                 NodeDigest(level - 1, 2 * node + 1, opened));
  // The group injected at this level, as in Build.
  for (size_t g = 1; g < groups_.size(); ++g) {
    if (groups_[g].log_height + level == log_max_height()) {
      digest = hash::Compress(digest, GroupRowDigest(g, node, opened));
    }
  }
  return digest;
}

std::vector<MatrixDimensions> MerkleTree::dimensions() const {
  std::vector<MatrixDimensions> dims;
  for (const RowMajorMatrix& m : matrices_) dims.push_back(m.dimensions());
  for (const auto& source : sources_) dims.push_back(source->dimensions());
  return dims;
}

QueryOpening MerkleTree::OpenQuery(uint64_t index, const OpenedRows& opened) const {
  QueryOpening query;
  const size_t log_max = log_max_height();
  const std::vector<MatrixDimensions> dims = dimensions();
  for (size_t k = 0; k < dims.size(); ++k) {
    const uint64_t row = index >> (log_max - static_cast<size_t>(std::countr_zero(dims[k].height)));
    if (sources_.empty()) {
      std::span<const BabyBear> values = matrices_[k].row(row);
      query.rows.emplace_back(values.begin(), values.end());
    } else {
      query.rows.push_back(opened[k].at(row));
    }
  }
  for (size_t g = 0; g < groups_.size(); ++g) {
    uint64_t row = index >> (log_max - groups_[g].log_height);
    std::vector<BabyBear>& salt = query.salts.emplace_back(GroupSalt(g));
    FillSalts(g, row, salt);
  }
  return query;
}

MultiOpening MerkleTree::Open(std::span<const uint64_t> indices) const {
  if (indices.empty()) throw Error("Merkle opening: no index to open");
  MultiOpening opening;
  for (uint64_t index : indices) {
    if (index >= max_height()) {
      throw Error("Merkle opening: index " + std::to_string(index) + " out of range (height " +
                  std::to_string(max_height()) + ")");
    }
  }
  // Rows of row sources: the source computes the opened runs itself (FillRuns), or each block
  // that holds an opened row is recomputed once.
  OpenedRows opened(sources_.size());
  for (size_t k = 0; k < sources_.size(); ++k) {
    const MatrixDimensions dims = sources_[k]->dimensions();
    const size_t shift = log_max_height() - static_cast<size_t>(std::countr_zero(dims.height));
    const size_t block_height = sources_[k]->block_height();
    // Dropped levels are rehashed from every row under the opened node at the first kept level
    // (rows of one aligned run, so of one block).
    const size_t span = shift < dropped_levels_ ? dropped_levels_ - shift : 0;
    std::vector<uint64_t> run_starts;
    for (uint64_t index : indices) run_starts.push_back(((index >> shift) >> span) << span);
    std::sort(run_starts.begin(), run_starts.end());
    run_starts.erase(std::unique(run_starts.begin(), run_starts.end()), run_starts.end());
    std::vector<BabyBear> runs((run_starts.size() << span) * dims.width);
    if (sources_[k]->FillRuns(run_starts, span, runs)) {
      for (size_t i = 0; i < (run_starts.size() << span); ++i) {
        const BabyBear* values = runs.data() + i * dims.width;
        opened[k][run_starts[i >> span] + (i & ((size_t{1} << span) - 1))].assign(
            values, values + dims.width);
      }
      continue;
    }
    std::map<size_t, std::vector<uint64_t>> rows_by_block;
    for (uint64_t first : run_starts) {
      for (uint64_t r = first; r < first + (uint64_t{1} << span); ++r) {
        rows_by_block[r / block_height].push_back(r);
      }
    }
    BlockScratch scratch;
    for (const auto& [b, rows] : rows_by_block) {
      const std::span<const BabyBear> block = sources_[k]->Block(b, scratch);
      for (uint64_t row : rows) {
        const BabyBear* values = block.data() + (row - b * block_height) * dims.width;
        opened[k][row].assign(values, values + dims.width);
      }
    }
  }
  for (uint64_t index : indices) opening.queries.push_back(OpenQuery(index, opened));
  // The siblings the verifier cannot compute, in the order MerkleVerifier consumes them.
  std::vector<uint64_t> known(indices.begin(), indices.end());
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  for (size_t depth = 0; depth < log_max_height(); ++depth) {
    std::vector<uint64_t> parents;
    for (size_t i = 0; i < known.size(); ++i) {
      uint64_t index = known[i];
      if (i + 1 < known.size() && known[i + 1] == (index ^ 1)) {
        ++i;
      } else {
        opening.siblings.push_back(NodeDigest(depth, index ^ 1, opened));
      }
      parents.push_back(index >> 1);
    }
    known = std::move(parents);
  }
  return opening;
}

}  // namespace prova::merkle
