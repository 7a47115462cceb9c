#pragma once

// Committed polynomials kept as coefficients: the Merkle tree, the quotient, the DEEP quotient and
// the query openings each need the blocks of the bit-reversed coset LDE, one coset of the trace
// domain at a time. A block is recomputed by an NTT each time it is needed, unless a shared byte
// budget lets the first computation be kept: that trades memory (blowup x 2 with zero knowledge
// times the coefficients, for a whole LDE) for three NTT passes.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "prover/merkle/merkle_tree.h"
#include "verifier/field/babybear.h"
#include "verifier/field/matrix.h"

namespace prova::stark {

// Bytes that the LDE blocks of one proof may keep, shared by all of them; first come, first kept.
class LdeCacheBudget {
 public:
  explicit LdeCacheBudget(size_t bytes) : remaining_(bytes) {}
  // Takes `bytes` from the budget if that many remain.
  bool Reserve(size_t bytes);

 private:
  std::atomic<size_t> remaining_;
};

class CosetLde final : public merkle::RowSource {
 public:
  // coefficients: one polynomial per column, row j = coefficient j (at most 2^log_lde rows).
  // Blocks of 2^log_block rows (a coset of the subgroup of that size) are produced on demand and
  // kept while `budget` (may be null: keep nothing) allows.
  CosetLde(prova::RowMajorMatrix<BabyBear> coefficients, size_t log_lde, size_t log_block,
           std::shared_ptr<LdeCacheBudget> budget = nullptr);

  merkle::MatrixDimensions dimensions() const override;
  size_t block_height() const override { return size_t{1} << log_block_; }
  size_t num_blocks() const { return size_t{1} << (log_lde_ - log_block_); }
  size_t log_lde() const { return log_lde_; }
  size_t log_block() const { return log_block_; }
  size_t width() const { return coefficients_.width(); }
  void FillBlock(size_t block, std::span<BabyBear> out) const override;
  std::span<const BabyBear> Block(size_t block, merkle::BlockScratch& scratch) const override;
  // The opened runs: copied from the blocks that are kept, and the others straight from the
  // coefficients where that costs less than recomputing the blocks that hold them: a run of 2^k
  // rows is a coset of the subgroup of order 2^k, so one pass over the coefficients serves every
  // run (coset_lde.cc).
  bool FillRuns(std::span<const uint64_t> run_starts, size_t log_run,
                std::span<BabyBear> out) const override;

  const prova::RowMajorMatrix<BabyBear>& coefficients() const { return coefficients_; }

 private:
  // The kept block, or an empty span.
  std::span<const BabyBear> Kept(size_t block) const;
  // The runs run_starts[selected[q]], from one pass over the coefficients, into their places in
  // `out` (FillRuns' layout).
  void ComputeRuns(std::span<const uint64_t> run_starts, std::span<const size_t> selected,
                   size_t log_run, std::span<BabyBear> out) const;
  // Computes the block into the kept blocks if the budget allows (and returns it there), else
  // into `scratch`.
  std::span<const BabyBear> Compute(size_t block, merkle::BlockScratch& scratch) const;

  prova::RowMajorMatrix<BabyBear> coefficients_;
  size_t log_lde_;
  size_t log_block_;
  std::shared_ptr<LdeCacheBudget> budget_;
  mutable std::mutex mutex_;
  mutable std::vector<merkle::BlockScratch> kept_;  // by block; empty when not kept
};

}  // namespace prova::stark
