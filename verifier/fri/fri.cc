#include "verifier/fri/fri.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <string>

#include "common/error.h"

namespace prova::fri {

void Validate(const FriParams& p) {
  if (p.log_blowup < 1 || p.log_blowup > 8) throw Error("FRI: log_blowup must be in [1, 8]");
  if (p.log_arity < 1 || p.log_arity > kMaxLogArity)
    throw Error("FRI: log_arity must be in [1, 4]");
  if (p.log_final_poly_len > kMaxLogFinalPolyLen) throw Error("FRI: final polynomial too long");
  if (p.num_queries < 1 || p.num_queries > kMaxQueries) {
    throw Error("FRI: number of queries must be in [1, " + std::to_string(kMaxQueries) + "]");
  }
  if (p.pow_bits > transcript::DuplexChallenger::kMaxSampleBits) {
    throw Error("FRI: too many proof-of-work bits");
  }
}

FoldingPlan PlanFolding(const FriParams& params, std::span<const size_t> log_input_sizes,
                        std::span<const size_t> degree_bounds) {
  if (log_input_sizes.empty()) throw Error("FRI: no input codeword");
  if (!degree_bounds.empty() && degree_bounds.size() != log_input_sizes.size()) {
    throw Error("FRI: one degree bound per input");
  }
  for (size_t k = 0; k < log_input_sizes.size(); ++k) {
    if (log_input_sizes[k] > kMaxLogDomain) throw Error("FRI: input codeword too large");
    if (k > 0 && log_input_sizes[k] >= log_input_sizes[k - 1]) {
      throw Error("FRI: input sizes must be strictly decreasing");
    }
  }
  if (log_input_sizes.back() < params.log_blowup) throw Error("FRI: input codeword too small");
  FoldingPlan plan;
  plan.log_final_size =
      std::min(params.log_final_poly_len + params.log_blowup, log_input_sizes.back());
  auto bound = [&](size_t k) {
    const size_t nominal = size_t{1} << (log_input_sizes[k] - params.log_blowup);
    if (degree_bounds.empty()) return nominal;
    if (degree_bounds[k] < nominal || degree_bounds[k] > (size_t{1} << log_input_sizes[k]) / 2) {
      throw Error("FRI: degree bound out of range");
    }
    return degree_bounds[k];
  };
  size_t degree = bound(0);
  size_t current = log_input_sizes[0];
  size_t next_input = 1;
  while (current > plan.log_final_size) {
    size_t target = next_input < log_input_sizes.size() ? log_input_sizes[next_input] : 0;
    target = std::max(target, plan.log_final_size);
    size_t arity = std::min(params.log_arity, current - target);
    plan.log_sizes.push_back(current);
    plan.degree_bounds.push_back(degree);
    plan.log_arities.push_back(arity);
    current -= arity;
    degree = (degree + (size_t{1} << arity) - 1) >> arity;
    if (next_input < log_input_sizes.size() && current == log_input_sizes[next_input]) {
      degree = std::max(degree, bound(next_input));
      ++next_input;
    }
  }
  PROVA_CHECK(next_input == log_input_sizes.size(), "FRI plan skipped an input");
  plan.final_poly_len = degree;
  return plan;
}

double WorstLayerRate(const FoldingPlan& plan) {
  double rate =
      std::ldexp(static_cast<double>(plan.final_poly_len), -static_cast<int>(plan.log_final_size));
  for (size_t l = 0; l < plan.log_sizes.size(); ++l) {
    rate = std::max(rate, std::ldexp(static_cast<double>(plan.degree_bounds[l]),
                                     -static_cast<int>(plan.log_sizes[l])));
  }
  return rate;
}

std::vector<BabyBear> FoldTwiddlesInverse(size_t log_r) {
  std::vector<BabyBear> out;
  for (size_t log_m = log_r; log_m >= 1; --log_m) {
    const BabyBear w_inv = BabyBear::two_adic_generator(static_cast<uint32_t>(log_m)).inverse();
    for (size_t s = 0; s < (size_t{1} << (log_m - 1)); ++s) {
      out.push_back(w_inv.pow(ReverseBits(s, log_m - 1)));
    }
  }
  return out;
}

BabyBear4 FoldLeaf(std::span<const BabyBear4> values, BabyBear y_inv, const BabyBear4& beta,
                   std::span<const BabyBear> twiddles_inv) {
  const size_t r = values.size();
  PROVA_CHECK(r >= 2 && r <= (size_t{1} << kMaxLogArity) && (r & (r - 1)) == 0 &&
                  twiddles_inv.size() == r - 1,
              "FRI leaf size must be a power of two up to the largest arity");
  std::array<BabyBear4, size_t{1} << kMaxLogArity> level;
  std::copy(values.begin(), values.end(), level.begin());
  return FoldLevels<BabyBear4, BabyBear>(std::span<BabyBear4>(level.data(), r), y_inv, beta,
                                         twiddles_inv);
}

BabyBear4 FoldLeaf(std::span<const BabyBear4> values, BabyBear y_inv, const BabyBear4& beta) {
  const size_t r = values.size();
  PROVA_CHECK(r >= 2 && (r & (r - 1)) == 0, "FRI leaf size must be a power of two");
  const size_t log_r = static_cast<size_t>(std::countr_zero(r));
  return FoldLeaf(values, y_inv, beta, FoldTwiddlesInverse(log_r));
}

BabyBear4 EvaluatePolynomial(std::span<const BabyBear4> coeffs, const BabyBear4& x) {
  BabyBear4 acc = BabyBear4::zero();
  for (size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
  return acc;
}

namespace {

std::vector<BabyBear4> LeafValues(std::span<const BabyBear> row) {
  std::vector<BabyBear4> out(row.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = BabyBear4::from_coeffs({row[4 * i], row[4 * i + 1], row[4 * i + 2], row[4 * i + 3]});
  }
  return out;
}

}  // namespace

void Verify(const FriParams& params, std::span<const size_t> log_input_sizes,
            std::span<const size_t> degree_bounds, const FriProof& proof,
            transcript::DuplexChallenger& challenger, const OpenInputs& open_inputs) {
  Validate(params);
  const FoldingPlan plan = PlanFolding(params, log_input_sizes, degree_bounds);
  const size_t layers = plan.log_arities.size();
  if (proof.commitments.size() != layers || proof.layer_openings.size() != layers) {
    throw Error("FRI: expected " + std::to_string(layers) + " layers, proof has " +
                std::to_string(proof.commitments.size()));
  }
  if (proof.final_poly.size() != plan.final_poly_len) {
    throw Error("FRI: final polynomial has the wrong length");
  }

  std::vector<BabyBear4> betas(layers);
  for (size_t l = 0; l < layers; ++l) {
    challenger.Observe(proof.commitments[l]);
    betas[l] = challenger.SampleExtension();
  }
  for (const BabyBear4& c : proof.final_poly) challenger.ObserveExtension(c);
  if (!challenger.CheckWitness(params.pow_bits, proof.pow_witness)) {
    throw Error("FRI: proof-of-work witness is invalid");
  }
  std::vector<uint64_t> indices(params.num_queries);
  for (auto& index : indices) index = challenger.SampleBits(log_input_sizes[0]);

  const std::vector<std::vector<BabyBear4>> inputs = open_inputs(indices);
  if (inputs.size() != indices.size()) throw Error("FRI: missing input openings");
  for (const auto& v : inputs) {
    if (v.size() != log_input_sizes.size()) throw Error("FRI: missing input openings");
  }

  // A layer's opened row omits the value at the queried position, which the verifier knows (the
  // input's value, or the previous layer's fold): the folding chain puts it back, then every
  // layer's completed rows are authenticated.
  // Shapes first, so that a hostile opening is refused before it is copied.
  for (size_t l = 0; l < layers; ++l) {
    const size_t row_len = 4 * ((size_t{1} << plan.log_arities[l]) - 1);
    if (proof.layer_openings[l].queries.size() != indices.size()) {
      throw Error("FRI layer " + std::to_string(l) + ": wrong number of query openings");
    }
    for (const merkle::QueryOpening& opening : proof.layer_openings[l].queries) {
      if (opening.rows.size() != 1 || opening.rows[0].size() != row_len) {
        throw Error("FRI layer " + std::to_string(l) + ": opened row has the wrong shape");
      }
    }
  }
  std::vector<merkle::MultiOpening> layer_openings = proof.layer_openings;
  std::vector<std::vector<BabyBear>> twiddles(layers);
  for (size_t l = 0; l < layers; ++l) twiddles[l] = FoldTwiddlesInverse(plan.log_arities[l]);
  for (size_t q = 0; q < indices.size(); ++q) {
    BabyBear4 folded = inputs[q][0];
    uint64_t index = indices[q];
    BabyBear shift = DomainShift();
    size_t next_input = 1;
    for (size_t l = 0; l < layers; ++l) {
      const size_t a = plan.log_arities[l];
      const size_t log_size = plan.log_sizes[l];
      std::vector<BabyBear>& row = layer_openings[l].queries[q].rows[0];
      const uint64_t position = index & ((uint64_t{1} << a) - 1);
      const std::array<BabyBear, 4> known = folded.coeffs();
      row.insert(row.begin() + static_cast<std::ptrdiff_t>(4 * position), known.begin(),
                 known.end());
      const std::vector<BabyBear4> values = LeafValues(row);
      const uint64_t leaf = index >> a;
      const BabyBear y = shift * BabyBear::two_adic_generator(static_cast<uint32_t>(log_size))
                                     .pow(ReverseBits(leaf, log_size - a));
      folded = FoldLeaf(values, y.inverse(), betas[l], twiddles[l]);
      index = leaf;
      shift = shift.pow(uint64_t{1} << a);
      if (next_input < log_input_sizes.size() && log_input_sizes[next_input] == log_size - a) {
        folded = folded + betas[l].pow(uint64_t{1} << a) * inputs[q][next_input];
        ++next_input;
      }
    }
    const BabyBear x = DomainPoint(shift, plan.log_final_size, index);
    if (EvaluatePolynomial(proof.final_poly, BabyBear4(x)) != folded) {
      throw Error("FRI: query " + std::to_string(q) + " does not match the final polynomial");
    }
  }
  for (size_t l = 0; l < layers; ++l) {
    const size_t a = plan.log_arities[l];
    std::vector<uint64_t> leaves(indices.size());
    const size_t shift = plan.log_sizes[0] - plan.log_sizes[l] + a;
    for (size_t q = 0; q < indices.size(); ++q) leaves[q] = indices[q] >> shift;
    merkle::MerkleVerifier mv({{uint64_t{4} << a, uint64_t{1} << (plan.log_sizes[l] - a)}}, 0);
    merkle::Verdict v = mv.Verify(proof.commitments[l], leaves, layer_openings[l]);
    if (!v) throw Error("FRI layer " + std::to_string(l) + ": " + v.reason);
  }
}

}  // namespace prova::fri
