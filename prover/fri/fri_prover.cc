#include "prover/fri/fri_prover.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "common/error.h"
#include "prover/merkle/merkle_tree.h"
#include "verifier/field/packed_extension.h"

namespace prova::fri {
namespace {

// The inverses of the leaf points y_q = shift * w_N^rev(q) of a layer of size N = 2^log_size
// folded by arity 2^log_arity, for every leaf q.
std::vector<BabyBear> LeafPointInverses(BabyBear shift, size_t log_size, size_t log_arity) {
  const size_t leaves = size_t{1} << (log_size - log_arity);
  const BabyBear w_inv = BabyBear::two_adic_generator(static_cast<uint32_t>(log_size)).inverse();
  std::vector<BabyBear> powers(leaves);
  BabyBear p = shift.inverse();
  for (size_t j = 0; j < leaves; ++j) {
    powers[j] = p;
    p *= w_inv;
  }
  std::vector<BabyBear> out(leaves);
  const size_t bits = log_size - log_arity;
  for (size_t q = 0; q < leaves; ++q) out[q] = powers[ReverseBits(q, bits)];
  return out;
}

std::vector<BabyBear4> Fold(const std::vector<BabyBear4>& codeword, BabyBear shift, size_t log_size,
                            size_t log_arity, const BabyBear4& beta) {
  const size_t r = size_t{1} << log_arity;
  const size_t leaves = codeword.size() >> log_arity;
  const std::vector<BabyBear> y_inv = LeafPointInverses(shift, log_size, log_arity);
  std::vector<BabyBear4> out(leaves);
  const std::vector<BabyBear> twiddles = FoldTwiddlesInverse(log_arity);
  using Packed = BabyBear::Packed;
  constexpr size_t kLanes = Packed::kWidth;
  const PackedBabyBear4 packed_beta = Broadcast(beta);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, leaves, 4096), [&](const auto& range) {
    size_t q = range.begin();
    // kLanes leaves at a time, one per lane.
    std::array<PackedBabyBear4, size_t{1} << kMaxLogArity> level;
    std::array<BabyBear4, kLanes> lanes;
    for (; q + kLanes <= range.end(); q += kLanes) {
      for (size_t t = 0; t < r; ++t) {
        for (size_t l = 0; l < kLanes; ++l) lanes[l] = codeword[(q + l) * r + t];
        level[t] = PackExtension(lanes.data());
      }
      const PackedBabyBear4 folded =
          FoldLevels<PackedBabyBear4, Packed>(std::span<PackedBabyBear4>(level.data(), r),
                                              Packed::load(&y_inv[q]), packed_beta, twiddles);
      UnpackExtension(folded, &out[q]);
    }
    for (; q < range.end(); ++q) {
      std::span<const BabyBear4> leaf(codeword.data() + q * r, r);
      out[q] = FoldLeaf(leaf, y_inv[q], beta, twiddles);
    }
  });
  return out;
}

merkle::RowMajorMatrix Flatten(const std::vector<BabyBear4>& codeword, size_t log_arity) {
  std::vector<BabyBear> flat(codeword.size() * 4);
  for (size_t i = 0; i < codeword.size(); ++i) {
    for (size_t c = 0; c < 4; ++c) flat[4 * i + c] = codeword[i].coeff(c);
  }
  return merkle::RowMajorMatrix(std::move(flat), size_t{4} << log_arity);
}

}  // namespace

std::vector<BabyBear4> InterpolateCoset(const std::vector<BabyBear4>& values, BabyBear shift,
                                        size_t count) {
  const size_t n = values.size();
  const size_t log_n = static_cast<size_t>(std::countr_zero(n));
  PROVA_CHECK((n & (n - 1)) == 0 && count <= n, "interpolation size");
  const BabyBear w_inv = BabyBear::two_adic_generator(static_cast<uint32_t>(log_n)).inverse();
  const BabyBear n_inv = BabyBear::from_u64(n).inverse();
  const BabyBear shift_inv = shift.inverse();
  std::vector<BabyBear4> coeffs(count);
  BabyBear shift_power = n_inv;   // shift^-k / n
  BabyBear wk = BabyBear::one();  // w^-k
  for (size_t k = 0; k < count; ++k) {
    BabyBear4 acc = BabyBear4::zero();
    BabyBear wjk = BabyBear::one();  // w^-jk
    for (size_t j = 0; j < n; ++j) {
      acc = acc + values[ReverseBits(j, log_n)] * wjk;
      wjk *= wk;
    }
    coeffs[k] = acc * shift_power;
    shift_power *= shift_inv;
    wk *= w_inv;
  }
  return coeffs;
}

// The proof of work of DuplexChallenger::Grind on every core: every thread takes the next range of
// candidates in order from a shared counter until a range holding a witness is known and every
// range before it has been searched; the witness is that range's smallest, so it is Grind's,
// whatever the number of cores or the scheduling. No thread waits for the others between ranges
// (rounds with a barrier each kept two cores about 70 % busy).
BabyBear ParallelGrind(transcript::DuplexChallenger& challenger, size_t bits) {
  constexpr uint64_t kRange = uint64_t{1} << 13;
  const uint64_t ranges = (uint64_t{BabyBear::kPrime} + kRange - 1) / kRange;
  std::atomic<uint64_t> next_range{0};
  std::atomic<uint64_t> first_found{ranges};  // the smallest range known to hold a witness
  std::mutex mutex;
  std::optional<BabyBear> witness;
  const size_t threads = static_cast<size_t>(tbb::this_task_arena::max_concurrency());
  tbb::parallel_for(size_t{0}, threads, [&](size_t) {
    for (uint64_t r = next_range++; r < first_found.load(); r = next_range++) {
      const std::optional<BabyBear> found = challenger.FindWitness(bits, r * kRange, kRange);
      if (!found) continue;
      std::lock_guard<std::mutex> lock(mutex);
      if (r < first_found.load()) {
        first_found = r;
        witness = found;
      }
    }
  });
  PROVA_CHECK(witness.has_value(), "grinding: no witness in the whole field");
  const bool ok = challenger.CheckWitness(bits, *witness);
  PROVA_CHECK(ok, "grinding: the search disagrees with CheckWitness");
  return *witness;
}

FriProof Prove(const FriParams& params, std::vector<std::vector<BabyBear4>> inputs,
               std::span<const size_t> degree_bounds, transcript::DuplexChallenger& challenger,
               std::vector<uint64_t>* query_indices) {
  Validate(params);
  std::vector<size_t> log_sizes;
  for (const auto& in : inputs) {
    PROVA_CHECK(!in.empty() && (in.size() & (in.size() - 1)) == 0, "FRI input size");
    log_sizes.push_back(static_cast<size_t>(std::countr_zero(in.size())));
  }
  const FoldingPlan plan = PlanFolding(params, log_sizes, degree_bounds);

  FriProof proof;
  std::vector<merkle::MerkleTree> trees;
  std::vector<BabyBear4> current = std::move(inputs[0]);
  BabyBear shift = DomainShift();
  size_t next_input = 1;
  for (size_t l = 0; l < plan.log_arities.size(); ++l) {
    const size_t a = plan.log_arities[l];
    // Moved in, not listed in braces: an initializer list's elements are const and would be
    // copied (64 MB for the first layer of a 2^20-row proof).
    std::vector<merkle::RowMajorMatrix> layer;
    layer.push_back(Flatten(current, a));
    trees.emplace_back(std::move(layer), 0);
    proof.commitments.push_back(trees.back().root());
    challenger.Observe(trees.back().root());
    const BabyBear4 beta = challenger.SampleExtension();
    current = Fold(current, shift, plan.log_sizes[l], a, beta);
    shift = shift.pow(uint64_t{1} << a);
    if (next_input < inputs.size() && inputs[next_input].size() == current.size()) {
      const BabyBear4 beta_r = beta.pow(uint64_t{1} << a);
      const auto& in = inputs[next_input];
      tbb::parallel_for(size_t{0}, current.size(),
                        [&](size_t i) { current[i] = current[i] + beta_r * in[i]; });
      ++next_input;
    }
  }
  proof.final_poly = InterpolateCoset(current, shift, plan.final_poly_len);
  for (const BabyBear4& c : proof.final_poly) challenger.ObserveExtension(c);
  proof.pow_witness = ParallelGrind(challenger, params.pow_bits);

  query_indices->assign(params.num_queries, 0);
  for (auto& index : *query_indices) index = challenger.SampleBits(log_sizes[0]);
  for (size_t l = 0; l < trees.size(); ++l) {
    const size_t shift_bits = plan.log_sizes[0] - plan.log_sizes[l] + plan.log_arities[l];
    std::vector<uint64_t> leaves(query_indices->size());
    for (size_t q = 0; q < leaves.size(); ++q) leaves[q] = (*query_indices)[q] >> shift_bits;
    merkle::MultiOpening opening = trees[l].Open(leaves);
    // The verifier knows the value at the queried position (the input's, or the previous fold),
    // so the row omits it.
    const size_t position_bits = plan.log_sizes[0] - plan.log_sizes[l];
    const uint64_t position_mask = (uint64_t{1} << plan.log_arities[l]) - 1;
    for (size_t q = 0; q < leaves.size(); ++q) {
      std::vector<BabyBear>& row = opening.queries[q].rows[0];
      const size_t position = ((*query_indices)[q] >> position_bits) & position_mask;
      row.erase(row.begin() + 4 * position, row.begin() + 4 * (position + 1));
    }
    proof.layer_openings.push_back(std::move(opening));
  }
  return proof;
}

}  // namespace prova::fri
