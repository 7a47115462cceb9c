#pragma once

// The proof configuration: BabyBear, the quartic extension BabyBear4 = BabyBear[X]/(X^4 - 11),
// Poseidon2 (width 16) for hashing, the Merkle commitment of verifier/merkle and the FRI
// parameters. Field, extension and hash are fixed types; what varies is the PCS bundle below.

#include <cstddef>
#include <cstdint>
#include <string>

#include "verifier/fri/fri.h"

namespace prova::stark {

struct StarkConfig {
  fri::FriParams fri;
  // Zero knowledge: randomised trace polynomials (degree bound n + RevealedValues, or 2n for
  // small tables: TableLayout), masked quotient chunks, a random polynomial in the FRI batch,
  // salted (hiding) Merkle leaves. docs/stark.md.
  bool zero_knowledge = true;
  size_t salt_elements = 4;  // per Merkle leaf when zero_knowledge (4 * 31 bits of salt)

  friend bool operator==(const StarkConfig&, const StarkConfig&) = default;
};

// log_blowup 2, 42 queries, up to 20 bits of grinding (GrindingBits: what the proof's own worst
// FRI layer needs), folding arity 8 (fewer layers: smaller proofs and faster verification than
// arity 2 or 4), final polynomial of 32 coefficients: >= 100 conjectured bits (AnalyzeSecurity,
// docs/security.md). 42 queries give 80.3 query bits at the worst zero-knowledge rate (a 2048-row
// table with 100 randomiser coefficients, whose final FRI layer has 34 coefficients on 128
// points), 100.3 with 20 bits of grinding; the field term, with two
// out-of-domain points, stays above 112 bits. 20 bits of grinding take 0.05 s on two cores on
// average (hash_bench), 22 bits 0.26 s, 5 % of a 2^20-row proof, for one query less, about 3 to
// 7 KB of proof.
// Every table is opened and its constraints checked at this many independent out-of-domain
// points (zeta, zeta'): with one, the DEEP-ALI error of 14 lifted tables would cap the RV32IM
// circuit at 96.8 bits at 2^20 rows (docs/security.md).
inline constexpr size_t kOutOfDomainPoints = 2;

inline StarkConfig DefaultConfig() {
  StarkConfig c;
  c.fri.log_blowup = 2;
  c.fri.log_arity = 3;
  c.fri.log_final_poly_len = 5;
  c.fri.num_queries = 42;
  c.fri.pow_bits = 20;
  c.zero_knowledge = true;
  c.salt_elements = 4;
  return c;
}

// A fast configuration for tests only (few queries, little grinding): NOT secure.
inline StarkConfig TestConfig() {
  StarkConfig c = DefaultConfig();
  c.fri.num_queries = 16;
  c.fri.pow_bits = 2;
  c.fri.log_final_poly_len = 2;
  return c;
}

// Throws prova::Error if the configuration is outside the supported range.
void Validate(const StarkConfig& config);

// The conjectured security every proof keeps: num_queries * log2(1 / rate) + grinding bits at the
// proof's own worst FRI layer rate (fri::WorstLayerRate; docs/security.md).
inline constexpr double kTargetConjecturedBits = 100;

// The proof-of-work bits a proof whose worst FRI layer has this rate grinds: the fewest with which
// num_queries * log2(1 / rate) + bits >= kTargetConjecturedBits, at most config.fri.pow_bits (all
// of them where even those fall short, as with TestConfig). DefaultConfig's 20 are what the worst
// rate any proof can have, 34/128, needs; most RV32IM proofs' worst layer is 33/128, for 18.
size_t GrindingBits(const StarkConfig& config, double rate);

// Security of a configuration for a trace of `trace_rows` rows (the tallest table), constraints of
// degree `constraint_degree` and `num_constraints` constraints, after ethSTARK (Ben-Sasson et al.,
// "ethSTARK Documentation", IACR eprint 2021/582), section 5:
//  - conjectured: min(queries * log2(1 / rho) + grinding, field bound), under the ethSTARK
//    conjecture that FRI's query soundness is rho per query up to the list-decoding radius;
//    rho is the worst code rate of any FRI layer (WorstRate): 1 / blowup, or slightly above it
//    where zero knowledge commits polynomials of degree n + RevealedValues;
//  - provable, unique decoding: per query (1 + rho) / 2, commit phase ~ N * layers / |EF|;
//  - provable, Johnson bound (BCIKS20 as used in ethSTARK, proximity parameter m = 3): per query
//    sqrt(rho) * (1 + 1 / (2m)), commit phase ~ (m + 1/2)^7 / (3 rho^(3/2)) * N^2 / |EF|.
// The field bound counts the DEEP-ALI and batching errors:
// min(points * (log2|EF| - log2((degree + tables - 1) D)), log2|EF| - log2(constraints + tables -
// 1))
// - 1.
// The largest degree-bound-to-domain ratio of any FRI layer in a proof whose tallest table has
// 2^log_rows rows: every table is lifted into one FRI input (PlanFriInput), whose degree bound is
// at most the largest table's ratio times the domain (a test checks it for every mix of heights).
double WorstRate(const StarkConfig& config, size_t log_rows);

struct SecurityReport {
  double rate = 0;              // WorstRate
  double field_bits = 0;        // log2 |BabyBear4| ~ 123.9
  double ali_bits = 0;          // the out-of-domain identity checks, over all tables
  double field_bound_bits = 0;  // what the field size allows (DEEP-ALI, batching)
  double query_bits = 0;        // queries * log2(1 / rate)
  double grinding_bits = 0;
  double conjectured_bits = 0;
  double unique_decoding_bits = 0;
  double johnson_bits = 0;
  std::string ToString() const;
};

// num_tables: the tables of the proof. Their quotients are lifted to the largest LDE and combined
// into one, whose identity, cleared of up to num_tables lifted vanishing polynomials, has degree
// ~ (constraint_degree + num_tables - 1) D (docs/security.md), whatever their own heights.
SecurityReport AnalyzeSecurity(const StarkConfig& config, uint64_t trace_rows,
                               size_t constraint_degree = 3, size_t num_constraints = 1000,
                               size_t num_tables = 1);

}  // namespace prova::stark
