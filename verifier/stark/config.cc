#include "verifier/stark/config.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "common/error.h"
#include "verifier/field/babybear.h"
#include "verifier/stark/layout.h"

namespace prova::stark {

void Validate(const StarkConfig& config) {
  fri::Validate(config.fri);
  if (config.salt_elements > 16) throw Error("config: at most 16 salt elements");
  if (config.zero_knowledge && config.salt_elements == 0) {
    throw Error("config: zero knowledge needs salted (hiding) commitments");
  }
}

size_t GrindingBits(const StarkConfig& config, double rate) {
  const double query_bits = static_cast<double>(config.fri.num_queries) * -std::log2(rate);
  const double missing = std::ceil(kTargetConjecturedBits - query_bits);
  if (missing <= 0) return 0;
  return std::min(config.fri.pow_bits, static_cast<size_t>(missing));
}

double WorstRate(const StarkConfig& config, size_t log_rows) {
  const double blowup = std::ldexp(1.0, static_cast<int>(config.fri.log_blowup));
  // Short randomisers start at the smallest height that takes them, where h / n is largest.
  size_t log_short = 1;
  while (log_short <= log_rows && RandomizerLength(log_short, config) == (size_t{1} << log_short))
    ++log_short;
  if (!config.zero_knowledge || log_short > log_rows) return 1 / blowup;
  const double n = std::ldexp(1.0, static_cast<int>(log_short));
  const double h = static_cast<double>(RandomizerLength(log_short, config));
  // The final layer: a table of n rows reaches 2^log_final_poly_len coefficients plus
  // ceil(h 2^log_final_poly_len / n) (fri::PlanFolding).
  const double final_len = std::ldexp(1.0, static_cast<int>(config.fri.log_final_poly_len));
  const double final_excess = std::ceil(h * final_len / n);
  return std::max((n + h) / n, (final_len + final_excess) / final_len) / blowup;
}

SecurityReport AnalyzeSecurity(const StarkConfig& config, uint64_t trace_rows,
                               size_t constraint_degree, size_t num_constraints,
                               size_t num_tables) {
  SecurityReport r;
  const double log_p = std::log2(static_cast<double>(BabyBear::kPrime));
  r.field_bits = 4 * log_p;
  const size_t log_rows =
      static_cast<size_t>(std::bit_width(std::bit_ceil(std::max<uint64_t>(trace_rows, 2))) - 1);
  // The largest LDE size N, and a bound on the degree D of every committed polynomial once
  // lifted to it (docs/stark.md, section 2): at most the worst rate times N.
  const double log_n = static_cast<double>(LogDegree(log_rows, config) + config.fri.log_blowup);
  r.rate = WorstRate(config, log_rows);
  const double log_d = log_n + std::log2(r.rate);
  // DEEP-ALI: the verifier checks sum_t beta^t C_t(c_t X^(2^k_t)) / Z_t(c_t X^(2^k_t)) = Q(X),
  // every table lifted to the largest LDE (QuotientPlan). A false identity, once multiplied by
  // the tables' lifted vanishing polynomials (degree ~ D each, at most T distinct ones), has a
  // numerator of degree ~ (d + T - 1) D, so it holds at an out-of-domain point with probability
  // (d + T - 1) D / |EF|, and must hold at each of the kOutOfDomainPoints independent points.
  // The random combinations (alpha powers over the constraints, beta powers over the tables,
  // gamma powers over the columns) fail with probability ~ count / |EF|. The larger error
  // dominates; one bit for the union bound.
  const size_t tables = std::max<size_t>(num_tables, 1);
  const double log_identity =
      std::log2(static_cast<double>(std::max<size_t>(constraint_degree, 1) + tables - 1));
  r.ali_bits = static_cast<double>(kOutOfDomainPoints) * (r.field_bits - log_identity - log_d);
  const double combos =
      std::log2(static_cast<double>(std::max<size_t>(num_constraints, 1) + tables - 1));
  r.field_bound_bits = std::min(r.ali_bits, r.field_bits - combos) - 1;
  const double rho = r.rate;
  const double queries = static_cast<double>(config.fri.num_queries);
  // What a proof at this rate grinds (ProofFriParams), not the configured maximum.
  r.grinding_bits = static_cast<double>(GrindingBits(config, rho));
  r.query_bits = queries * -std::log2(rho);
  r.conjectured_bits = std::min(r.query_bits + r.grinding_bits, r.field_bound_bits);

  const double layers = std::max(1.0, log_n);  // at most one fold per bit of the domain
  const double unique_query = queries * -std::log2((1 + rho) / 2) + r.grinding_bits;
  const double unique_commit = r.field_bits - (log_n + std::log2(layers));
  r.unique_decoding_bits = std::min({unique_query, unique_commit, r.field_bound_bits});

  const double m = 3;
  const double johnson_query =
      queries * -std::log2(std::sqrt(rho) * (1 + 1 / (2 * m))) + r.grinding_bits;
  const double johnson_commit =
      r.field_bits - (std::log2(std::pow(m + 0.5, 7) / (3 * std::pow(rho, 1.5))) + 2 * log_n);
  // The list size (m + 1/2) / sqrt(rho) multiplies the DEEP error.
  const double johnson_deep = r.field_bound_bits - std::log2((m + 0.5) / std::sqrt(rho));
  r.johnson_bits = std::min({johnson_query, johnson_commit, johnson_deep});
  return r;
}

std::string SecurityReport::ToString() const {
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "worst code rate: %.4f\n"
                "conjectured: %.1f bits (queries %.1f + grinding %.1f, field bound %.1f)\n"
                "provable (unique decoding): %.1f bits\n"
                "provable (Johnson bound): %.1f bits\n",
                rate, conjectured_bits, query_bits, grinding_bits, field_bound_bits,
                unique_decoding_bits, johnson_bits);
  return buf;
}

}  // namespace prova::stark
