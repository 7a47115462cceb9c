#pragma once

// Committed polynomials kept as coefficients: the Merkle tree, the quotient, the DEEP quotient and
// the query openings each recompute the blocks of the bit-reversed coset LDE they need, one coset
// of the trace domain at a time. The whole LDE (blowup x 2 with zero knowledge times the
// coefficients) is never in memory; what that costs is three more NTT passes per proof.

#include <cstddef>
#include <span>

#include "prover/merkle/merkle_tree.h"
#include "verifier/field/babybear.h"
#include "verifier/field/matrix.h"

namespace prova::stark {

class CosetLde final : public merkle::RowSource {
 public:
  // coefficients: one polynomial per column, row j = coefficient j (at most 2^log_lde rows).
  // Blocks of 2^log_block rows (a coset of the subgroup of that size) are produced on demand.
  CosetLde(prova::RowMajorMatrix<BabyBear> coefficients, size_t log_lde, size_t log_block);

  merkle::MatrixDimensions dimensions() const override;
  size_t block_height() const override { return size_t{1} << log_block_; }
  size_t num_blocks() const { return size_t{1} << (log_lde_ - log_block_); }
  size_t width() const { return coefficients_.width(); }
  void FillBlock(size_t block, std::span<BabyBear> out) const override;

  const prova::RowMajorMatrix<BabyBear>& coefficients() const { return coefficients_; }

 private:
  prova::RowMajorMatrix<BabyBear> coefficients_;
  size_t log_lde_;
  size_t log_block_;
};

}  // namespace prova::stark
