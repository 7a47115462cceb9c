#pragma once

// The STARK verifier (protocol: docs/stark.md). It accepts or rejects with a reason and never
// aborts, whatever the proof bytes: every size is checked against the layout derived from the
// tables, the configuration and the verifying key before it is used.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/hash/sponge.h"
#include "verifier/stark/config.h"
#include "verifier/stark/layout.h"
#include "verifier/stark/proof.h"
#include "verifier/stark/table.h"
#include "verifier/transcript/challenger.h"

namespace prova::stark {

// What the verifier must know besides the statement: the configuration and the commitment to the
// tables' fixed columns, computed once by the prover's Setup().
struct VerifyingKey {
  StarkConfig config;
  // Per table: log2 of its fixed height when it has preprocessed columns, else 0.
  std::vector<size_t> preprocessed_log_heights;
  std::optional<hash::Digest> preprocessed_root;
};

struct VerifyResult {
  bool ok = false;
  std::string reason;  // why the proof was rejected
  explicit operator bool() const { return ok; }
};

// tables[t] and public_values[t] describe table t; the proof states each table's height.
VerifyResult Verify(const VerifyingKey& vk, std::span<const Table* const> tables,
                    std::span<const std::vector<BabyBear>> public_values,
                    std::span<const uint8_t> proof_bytes);
VerifyResult Verify(const VerifyingKey& vk, std::span<const Table* const> tables,
                    std::span<const std::vector<BabyBear>> public_values, const StarkProof& proof);

// Shared with the prover: binds the configuration, the table shapes and the public values into
// the transcript before anything else.
void ObserveInstance(transcript::DuplexChallenger& challenger, const StarkConfig& config,
                     std::span<const TableLayout> layouts,
                     std::span<const std::vector<BabyBear>> public_values);

// The out-of-domain point zeta: sampled until zeta^(2^k) is outside the base field for every
// k <= max_log_lift, so that every table's point (TablePoint) is outside every trace domain and
// every LDE coset; both sides do the same.
BabyBear4 SampleOutOfDomainPoint(transcript::DuplexChallenger& challenger, size_t max_log_lift);

// Where a table lifted by 2^log_lift (LogLift) is opened: its polynomials p enter FRI as
// P(X) = p(c X^(2^log_lift)), c = s^(1 - 2^log_lift) for the LDE shift s (which maps the largest
// LDE onto the table's, row index >> log_lift), so P(zeta) = p(c zeta^(2^log_lift)).
BabyBear4 TablePoint(const BabyBear4& zeta, size_t log_lift);

// The next-row point of such a table is zeta times this root of unity, whose 2^log_lift-th power
// is the generator of the table's trace domain: P(zeta w) = p(TablePoint(zeta) g).
BabyBear NextRowRoot(size_t log_height, size_t log_lift);

// An extension element from its 4 base-column openings: sum_c X^c * values[c].
BabyBear4 FromBaseColumns(std::span<const BabyBear4> values);

// Extension columns (auxiliary, quotient chunks, the FRI mask) are committed as 4 base columns
// each and opened as one extension value: FromBaseColumns of their base columns' values. These
// are the opened values of consecutive groups of 4 base columns.
std::vector<BabyBear4> ExtColumnValues(std::span<const BabyBear4> base_values);

// In the DEEP combination an extension column of weight w gives its base column c the weight
// w X^c, so that a query row's base columns sum to w times the extension column's value there.
// Appends those weights, 4 per entry of ext_weights.
void AppendBaseWeights(std::span<const BabyBear4> ext_weights, std::vector<BabyBear4>* weights);

}  // namespace prova::stark
