#pragma once

// The shape of one table inside a proof, derived by prover and verifier alike from public data
// (the AIR, its height and the configuration), so that both agree on every size.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "verifier/stark/config.h"
#include "verifier/stark/table.h"

namespace prova::stark {

// The largest table height a proof may claim (so the LDE stays within BabyBear's two-adicity).
inline constexpr size_t kMaxLogHeight = 24;
inline constexpr size_t kMaxTables = 64;

// With zero knowledge a committed trace column is t + Z_H r, r uniformly random with
// `randomizer_len` coefficients (docs/stark.md, section 4): RevealedValues(config) for tables of
// at least kRandomizerMargin times that many rows, whose LDE then stays blowup * n, at a rate of
// at most (1 + 1 / kRandomizerMargin) / blowup; n for smaller tables, whose LDE doubles. With 42
// queries (h = 100) a margin of 16 gives every table of 2048 rows or more short randomisers.
inline constexpr size_t kRandomizerMargin = 16;

struct TableLayout {
  size_t log_height = 0;      // n = 2^log_height trace rows
  size_t randomizer_len = 0;  // coefficients of each trace randomiser r (0 without zero knowledge)
  size_t degree_bound = 0;    // D = n + randomizer_len: committed polynomials have degree < D
  size_t log_degree = 0;      // the LDE domain is 2^log_degree * blowup, 2^log_degree ~ D
  size_t log_lde = 0;         // log2 of that domain's size
  size_t preprocessed_width = 0;
  size_t main_width = 0;
  size_t num_public_values = 0;
  size_t aux_width = 0;              // extension columns of the auxiliary (LogUp) trace
  std::vector<uint32_t> logup_plan;  // the auxiliary column of each interaction (air/logup.h)
  // The columns opened at the next row: those the constraints read there (the symbolic pass),
  // and of the auxiliary trace the running sum (extension-column indices; BaseColumnsOf gives
  // their base columns).
  std::vector<uint32_t> preprocessed_next_columns, main_next_columns, aux_next_columns;
  size_t num_constraints = 0;
  int max_degree = 0;
  // The table's own quotient Q_t (its constraints over Z_H), before the tables are combined
  // (QuotientPlan): its coefficient count d (D - 1) + 2 - n, and the size of the domain it is
  // evaluated on (a prefix of the bit-reversed LDE, at least quotient_len points).
  size_t quotient_len = 0;
  size_t log_quotient = 0;

  size_t aux_base_width() const { return 4 * aux_width; }
};

// The base columns 4j .. 4j + 3 of each extension column j.
std::vector<uint32_t> BaseColumnsOf(std::span<const uint32_t> ext_columns);

// Throws prova::Error if the table cannot be proved with this configuration and height (height
// out of range, constraint degree too high for the blowup, preprocessed height mismatch).
TableLayout MakeLayout(const Table& table, size_t log_height, const StarkConfig& config);

// How many base-field values of one committed polynomial a proof determines: its value at each
// query point (the opened row), at the next row of each query point (the quotient's value there,
// which the verifier computes from the opened quotient chunks, reads the columns the constraints
// read at the next row), and at zeta, zeta g, zeta' and zeta' g, four base-field coordinates
// each (an extension-field point gives four linear equations in r's base-field coefficients).
// A randomiser of at least this many coefficients makes all of them uniform and independent of
// the trace (docs/stark.md, section 4).
size_t RevealedValues(const StarkConfig& config);

// The randomiser length and LDE degree of a table of 2^log_height rows (see TableLayout).
size_t RandomizerLength(size_t log_height, const StarkConfig& config);
size_t LogDegree(size_t log_height, const StarkConfig& config);

// FRI's one input: every table's DEEP quotient lifted to the largest LDE (docs/stark.md,
// section 2). A table whose LDE is 2^k times smaller contributes its polynomials p as
// p(c X^(2^k)) (its row at index >> k), of degree below 2^k times its own degree bound.
struct FriInput {
  size_t log_size = 0;      // the largest LDE
  size_t degree_bound = 0;  // the largest lifted degree bound
  size_t max_log_lift = 0;  // the largest LogLift of a table
};
FriInput PlanFriInput(std::span<const TableLayout> layouts);

// The FRI parameters of a proof with this input: the configuration's, grinding GrindingBits at the
// worst rate of the input's folding plan. A function of the proof's shape, which the verifier
// reads before any challenge, so a prover gains nothing by choosing its tables' heights: every
// shape keeps kTargetConjecturedBits.
fri::FriParams ProofFriParams(const StarkConfig& config, const FriInput& input);

// log2 of the factor by which a table's polynomials are lifted: log_size - log_lde.
inline size_t LogLift(const FriInput& fri, const TableLayout& l) {
  return fri.log_size - l.log_lde;
}

// The one committed quotient of all tables (docs/stark.md, section 3):
//   Q(X) = sum_t beta^t Q_t(c_t X^(2^k_t)),
// each table's quotient lifted to the largest LDE as its columns are, so that a table's point
// c_t zeta^(2^k_t) is where the verifier checks its constraints. Q is committed as num_chunks
// polynomials q_i of chunk_len coefficients, Q = sum_i X^(i chunk_len) q_i, on the largest LDE;
// zero knowledge masks them against each other with randomizer_len coefficients each.
struct QuotientPlan {
  size_t log_chunk_len = 0;  // the largest lifted trace height
  size_t randomizer_len = 0;
  size_t degree_bound = 0;  // of each committed chunk: chunk_len + randomizer_len
  size_t quotient_len = 0;  // coefficients of Q: the largest lifted quotient length
  size_t num_chunks = 0;

  size_t chunk_len() const { return size_t{1} << log_chunk_len; }
  size_t base_width() const { return 4 * num_chunks; }
};
QuotientPlan PlanQuotient(const FriInput& fri, std::span<const TableLayout> layouts,
                          const StarkConfig& config);

// log2 of the order of the root w that takes a lifted table to its next row (P(zeta w), see
// NextRowRoot in verifier.h): tables with the same order share the DEEP denominator x - zeta w.
inline size_t NextRowLogOrder(const FriInput& fri, const TableLayout& l) {
  return l.log_height + LogLift(fri, l);
}

}  // namespace prova::stark
