#pragma once

// The shape of one table inside a proof, derived by prover and verifier alike from public data
// (the AIR, its height and the configuration), so that both agree on every size.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "verifier/stark/config.h"
#include "verifier/stark/table.h"

namespace prova::stark {

// The largest table height a proof may claim (so the LDE stays within BabyBear's two-adicity).
inline constexpr size_t kMaxLogHeight = 24;
inline constexpr size_t kMaxTables = 64;

struct TableLayout {
  size_t log_height = 0;  // n = 2^log_height trace rows
  size_t log_degree = 0;  // D: committed polynomials have degree < D (2n with zero knowledge)
  size_t log_lde = 0;     // N = D * blowup: the committed evaluation domain
  size_t preprocessed_width = 0;
  size_t main_width = 0;
  size_t num_public_values = 0;
  size_t aux_width = 0;              // extension columns of the auxiliary (LogUp) trace
  std::vector<uint32_t> logup_plan;  // the auxiliary column of each interaction (air/logup.h)
  size_t num_constraints = 0;
  int max_degree = 0;
  size_t num_chunks = 0;    // quotient chunks, each of degree < D
  size_t log_quotient = 0;  // quotient domain size (a prefix of the bit-reversed LDE)

  size_t aux_base_width() const { return 4 * aux_width; }
  size_t quotient_base_width() const { return 4 * num_chunks; }
};

// Throws prova::Error if the table cannot be proved with this configuration and height (height
// out of range, constraint degree too high for the blowup, preprocessed height mismatch).
TableLayout MakeLayout(const Table& table, size_t log_height, const StarkConfig& config);

}  // namespace prova::stark
