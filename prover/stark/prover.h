#pragma once

// The STARK prover (protocol: docs/stark.md).
//
//   ProverAirTable<FibonacciAir> fib{FibonacciAir{}};
//   std::vector<const ProverTable*> tables = {&fib};
//   ProvingKey pk = Setup(DefaultConfig(), tables);
//   StarkProof proof = Prove(pk, tables, {TableWitness{trace, public_values}});
//   VerifyResult ok = Verify(pk.vk, verifier_tables, public_values, proof);

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "prover/merkle/merkle_tree.h"
#include "prover/stark/prover_table.h"
#include "verifier/air/matrix.h"
#include "verifier/stark/config.h"
#include "verifier/stark/proof.h"
#include "verifier/stark/verifier.h"

namespace prova::stark {

struct ProvingKey {
  VerifyingKey vk;
  // Per table: its fixed columns (empty when none).
  std::vector<air::RowMajorMatrix<BabyBear>> preprocessed;
  // The commitment to all fixed columns (null when no table has any).
  std::shared_ptr<merkle::MerkleTree> preprocessed_tree;
};

// Commits the tables' fixed columns. Throws prova::Error on an invalid configuration or fixed
// columns whose height is not a power of two.
ProvingKey Setup(const StarkConfig& config, std::span<const ProverTable* const> tables);

// Setup, or the key of one of the last few calls whose configuration and fixed columns are equal
// (compared whole, not by a digest): a proving worker that proves one guest again and again (a
// model on new inputs) commits its fixed columns once. Thread-safe; a key is read-only.
std::shared_ptr<const ProvingKey> CachedSetup(const StarkConfig& config,
                                              std::span<const ProverTable* const> tables);

struct TableWitness {
  air::RowMajorMatrix<BabyBear> main;
  std::vector<BabyBear> public_values;
};

// Called as proving moves from phase to phase; `fraction` estimates the share of the work done
// (by phase, not by measurement). It may throw, for example to abandon a cancelled job: the
// exception propagates out of the prover.
using ProgressCallback = std::function<void(std::string_view phase, double fraction)>;

// 768 MiB: an RV32IM proof of up to about 2^18 cycles keeps its whole LDE and is 15 to 25 %
// faster, and one of 2^20 cycles still peaks under 4 GB (the budget adds to the peak).
inline constexpr size_t kDefaultLdeCacheBytes = size_t{768} << 20;
// The default budget: what the heap already holds free when the proof starts beyond as much as it
// holds in use (SpareHeapBytes: the proof will allocate about its witness again), up to
// kDefaultLdeCacheBytes. A kept block is only worth it in memory some earlier work has touched:
// fresh memory's first touch costs about what recomputing the block would (2 s of CPU per GB on
// the reference virtual machine), so a one-shot `prova prove` keeps nothing and a worker keeps
// more from proof to proof as its heap grows, up to the cap (docs/stark.md, section 6, "LDE
// cache").
inline constexpr size_t kLdeCacheFromSpareHeap = SIZE_MAX;

struct ProveOptions {
  // Refuse to prove traces that violate their constraints: throw prova::Error if the LogUp bus
  // does not balance or a table's quotient is not a polynomial of the expected degree (exact up
  // to the alpha combination, and nearly free: the quotient's coefficients above its degree must
  // be zero). Tests turn this off to check that the verifier rejects a proof of a bad trace.
  bool check_constraints = true;
  // With check_constraints, first run the debug checker on every row of every table (slower;
  // it names each failing constraint and row), as for tables whose quotient domain leaves no
  // coefficient to check.
  bool name_violations = false;
  ProgressCallback on_progress;
  // Bytes of low-degree-extension blocks the prover may keep after computing them once, instead
  // of recomputing them for the quotient, the DEEP quotient and the query openings (coset_lde.h).
  // The proof is the same whatever the value; the LDE of a main trace of 2^20 rows and 100
  // columns takes 1.6 GB (3.2 GB with zero knowledge).
  size_t lde_cache_bytes = kLdeCacheFromSpareHeap;
  // Tests only: grind this many proof-of-work bits instead of what the proof's shape demands
  // (ProofFriParams), to check that a proof grinding fewer is refused.
  std::optional<size_t> grinding_bits = std::nullopt;
};

StarkProof Prove(const ProvingKey& pk, std::span<const ProverTable* const> tables,
                 std::span<const TableWitness> witnesses, const ProveOptions& options = {});

// The same, consuming the witnesses: each main trace is freed as soon as the proof no longer needs
// it (right after its commitment for a table without interactions, otherwise after the LogUp
// traces and the constraint check), so that the buffers allocated later reuse its memory.
StarkProof ProveConsuming(const ProvingKey& pk, std::span<const ProverTable* const> tables,
                          std::vector<TableWitness> witnesses, const ProveOptions& options = {});

}  // namespace prova::stark
