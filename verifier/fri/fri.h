#pragma once

// FRI low-degree test over BabyBear4 (Ben-Sasson et al. 2018; Plonky3 fri/), verifier side.
//
// Codewords are evaluations on a coset s * <w_N> of the base field, s = the multiplicative
// generator, stored in bit-reversed order: position i holds f(s * w_N^rev(i)). Then the 2^a points
// of a folding coset {y * w_(2^a)^j} are 2^a consecutive positions, so a Merkle leaf is one such
// group (a row of 2^a extension elements, flattened to 4 * 2^a base elements) and a query opens
// one leaf per layer, less the value at the queried position, which the verifier knows (the
// input's value or the previous fold) and puts back before authenticating the row. Folding by arity
// r = 2^a with challenge beta maps
//   f(x) = sum_{i<r} x^i f_i(x^r)   to   sum_{i<r} beta^i f_i(y^r),
// a codeword of size N / r on the coset s^r * <w_(N/r)>, again in bit-reversed order.
//
// Several inputs of different sizes (one per table height, "mixed matrix" FRI as Plonky3): when
// the folded codeword reaches the size of a shorter input, that input is added times beta^r.
// Folding continues until the codeword has 2^(log_final_poly_len + log_blowup) points; the prover
// then sends the final polynomial's coefficients in the clear and the verifier evaluates it at each
// query's last point.
//
// Each input has a degree bound: by default |domain| / blowup, but zero knowledge commits
// polynomials of degree slightly above their trace height (docs/stark.md, section 4). A fold by r
// maps degree < D to degree < ceil(D / r), an added input raises the bound to its own, and the
// final polynomial has as many coefficients as the bound that reaches the last layer. Before the
// queries are sampled the prover grinds pow_bits of proof of work.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "verifier/field/babybear.h"
#include "verifier/field/extension.h"
#include "verifier/merkle/merkle_verifier.h"
#include "verifier/transcript/challenger.h"

namespace prova::fri {

struct FriParams {
  size_t log_blowup = 2;          // rate 1 / 2^log_blowup
  size_t log_arity = 1;           // fold 2^log_arity points per step (1 to 4)
  size_t log_final_poly_len = 3;  // final polynomial: 2^log_final_poly_len coefficients
  size_t num_queries = 50;
  size_t pow_bits = 16;  // proof-of-work bits before the queries

  friend bool operator==(const FriParams&, const FriParams&) = default;
};

// Caps on what a proof may claim, so that hostile parameters cannot make the verifier allocate
// without bound (checked by Validate).
inline constexpr size_t kMaxLogArity = 4;
inline constexpr size_t kMaxLogFinalPolyLen = 10;
inline constexpr size_t kMaxQueries = 512;
inline constexpr size_t kMaxLogDomain = 27;  // BabyBear's two-adicity

// Throws prova::Error on parameters outside the supported range.
void Validate(const FriParams& params);

struct FriProof {
  std::vector<hash::Digest> commitments;             // one per folding layer
  std::vector<merkle::MultiOpening> layer_openings;  // one per layer, one query per FRI query
  std::vector<BabyBear4> final_poly;                 // coefficients, lowest degree first
  BabyBear pow_witness;
};

// The folding schedule, a function of public data only.
struct FoldingPlan {
  std::vector<size_t> log_sizes;      // codeword size entering each layer
  std::vector<size_t> degree_bounds;  // its degree bound
  std::vector<size_t> log_arities;    // arity of each layer's fold
  size_t log_final_size = 0;          // size of the last codeword
  size_t final_poly_len = 0;          // coefficients of the final polynomial
};

// log_input_sizes: strictly decreasing log2 sizes of the input codewords. The final size is
// clamped so that every input is folded in; each fold stops at the next input size.
// degree_bounds: one per input (each at most its domain size), or empty for |domain| / blowup.
FoldingPlan PlanFolding(const FriParams& params, std::span<const size_t> log_input_sizes,
                        std::span<const size_t> degree_bounds = {});

// The largest degree-bound-to-size ratio of the codewords a plan folds, its final polynomial's
// included: the code rate the query phase's soundness is counted at (docs/security.md). Degree
// bounds that are not powers of two round up at each fold, so the final layer's is the largest
// but for bounds that a power of two divides.
double WorstLayerRate(const FoldingPlan& plan);

// Bit reversal of the low `bits` bits.
inline uint64_t ReverseBits(uint64_t x, size_t bits) {
  if (bits == 0) return 0;
  uint64_t r = 0;
  for (size_t i = 0; i < bits; ++i) r |= ((x >> i) & 1) << (bits - 1 - i);
  return r;
}

// The coset shift of every FRI input (and of the LDE domains): the multiplicative generator.
inline BabyBear DomainShift() { return BabyBear::multiplicative_generator(); }

// The point at bit-reversed position `index` of the domain shift * <w_(2^log_size)>.
inline BabyBear DomainPoint(BabyBear shift, size_t log_size, uint64_t index) {
  return shift * BabyBear::two_adic_generator(static_cast<uint32_t>(log_size))
                     .pow(ReverseBits(index, log_size));
}

// Folds one leaf: values[t] = f(y * w_r^rev(t)) for t < r = values.size(); y_inv = 1 / y.
BabyBear4 FoldLeaf(std::span<const BabyBear4> values, BabyBear y_inv, const BabyBear4& beta);

// The same with FoldTwiddlesInverse(log2 r) precomputed.
BabyBear4 FoldLeaf(std::span<const BabyBear4> values, BabyBear y_inv, const BabyBear4& beta,
                   std::span<const BabyBear> twiddles_inv);

// FoldLeaf's arithmetic on level[0, r) in place (level[0] is the fold), over an extension type EF
// with base F: BabyBear4 and BabyBear, or their packed twins for one leaf per lane (the prover).
template <class EF, class F>
EF FoldLevels(std::span<EF> level, F y_inv, EF challenge, std::span<const BabyBear> twiddles_inv) {
  constexpr BabyBear kHalf = BabyBear::two().inverse();
  F half_y_inv = y_inv * kHalf;  // 1 / (2y) at the current level
  const BabyBear* twiddles = twiddles_inv.data();
  for (size_t m = level.size(); m >= 2; m /= 2) {
    // g(x^2) = (f(x) + f(-x)) / 2 + challenge (f(x) - f(-x)) / (2x), x = y w_m^rev(2s).
    for (size_t s = 0; s < m / 2; ++s) {
      const EF a = level[2 * s], b = level[2 * s + 1];
      level[s] = (a + b) * kHalf + challenge * ((a - b) * (half_y_inv * twiddles[s]));
    }
    twiddles += m / 2;
    challenge = challenge * challenge;
    half_y_inv = half_y_inv * y_inv;  // 1 / (2 y^2)
    y_inv = y_inv * y_inv;
  }
  return level[0];
}

// A fold by r = 2^log_r is log_r folds by 2 with challenges beta, beta^2, beta^4, ...: in the
// bit-reversed leaf, positions 2s and 2s + 1 hold f(x) and f(-x). The constants 1 / x / y of the
// pairs, level by level: for m = r, r/2, ..., 2, the entries w_m^-rev(s) for s < m/2 (rev over
// log2(m/2) bits); r - 1 in all.
std::vector<BabyBear> FoldTwiddlesInverse(size_t log_r);

// Evaluates a polynomial given by its coefficients (lowest first).
BabyBear4 EvaluatePolynomial(std::span<const BabyBear4> coeffs, const BabyBear4& x);

// The verifier. `open_inputs` receives the query indices (into the largest input's domain) and
// must return, for each query, the value of every input codeword at that query (input k at index
// >> (log_input_sizes[0] - log_input_sizes[k])), after checking the openings it relies on; it
// throws prova::Error to reject. Verify throws prova::Error with the reason on rejection.
using OpenInputs = std::function<std::vector<std::vector<BabyBear4>>(std::span<const uint64_t>)>;

void Verify(const FriParams& params, std::span<const size_t> log_input_sizes,
            std::span<const size_t> degree_bounds, const FriProof& proof,
            transcript::DuplexChallenger& challenger, const OpenInputs& open_inputs);

}  // namespace prova::fri
