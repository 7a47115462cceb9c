#include "verifier/stark/layout.h"

#include <algorithm>
#include <bit>
#include <string>

#include "common/error.h"
#include "verifier/air/logup.h"

namespace prova::stark {

size_t RevealedValues(const StarkConfig& config) {
  return 2 * config.fri.num_queries + 2 * kOutOfDomainPoints * BabyBear4::kDegree;
}

size_t RandomizerLength(size_t log_height, const StarkConfig& config) {
  if (!config.zero_knowledge) return 0;
  const size_t n = size_t{1} << log_height;
  const size_t short_len = RevealedValues(config);
  return n >= kRandomizerMargin * short_len ? short_len : n;
}

size_t LogDegree(size_t log_height, const StarkConfig& config) {
  return RandomizerLength(log_height, config) == (size_t{1} << log_height) ? log_height + 1
                                                                           : log_height;
}

FriInput PlanFriInput(std::span<const TableLayout> layouts) {
  FriInput f;
  for (const TableLayout& l : layouts) f.log_size = std::max(f.log_size, l.log_lde);
  for (const TableLayout& l : layouts) {
    f.degree_bound = std::max(f.degree_bound, l.degree_bound << LogLift(f, l));
    f.max_log_lift = std::max(f.max_log_lift, LogLift(f, l));
  }
  return f;
}

fri::FriParams ProofFriParams(const StarkConfig& config, const FriInput& input) {
  fri::FriParams params = config.fri;
  const std::vector<size_t> log_sizes = {input.log_size}, degree_bounds = {input.degree_bound};
  params.pow_bits = GrindingBits(
      config, fri::WorstLayerRate(fri::PlanFolding(config.fri, log_sizes, degree_bounds)));
  return params;
}

QuotientPlan PlanQuotient(const FriInput& fri, std::span<const TableLayout> layouts,
                          const StarkConfig& config) {
  QuotientPlan q;
  for (const TableLayout& l : layouts) {
    const size_t k = LogLift(fri, l);
    q.log_chunk_len = std::max(q.log_chunk_len, l.log_height + k);
    // Q_t(c Y^(2^k)) has its coefficients at multiples of 2^k.
    q.quotient_len = std::max(q.quotient_len, ((l.quotient_len - 1) << k) + 1);
  }
  q.randomizer_len = RandomizerLength(q.log_chunk_len, config);
  q.degree_bound = q.chunk_len() + q.randomizer_len;
  // The table of the largest lifted height has at least this lifted degree bound (its randomiser,
  // lifted, is at least RandomizerLength of the lifted height); checked, not assumed, since the
  // heights come from the proof.
  if (q.degree_bound > fri.degree_bound) {
    throw Error("quotient chunks above FRI's degree bound");
  }
  q.num_chunks = std::max<size_t>((q.quotient_len + q.chunk_len() - 1) / q.chunk_len(),
                                  config.zero_knowledge ? 2 : 1);
  return q;
}

std::vector<uint32_t> BaseColumnsOf(std::span<const uint32_t> ext_columns) {
  std::vector<uint32_t> base;
  for (const uint32_t j : ext_columns) {
    for (uint32_t c = 0; c < 4; ++c) base.push_back(4 * j + c);
  }
  return base;
}

TableLayout MakeLayout(const Table& table, size_t log_height, const StarkConfig& config) {
  const std::string name(table.name());
  if (log_height < 1 || log_height > kMaxLogHeight) {
    throw Error("table '" + name + "': log height " + std::to_string(log_height) +
                " out of range [1, " + std::to_string(kMaxLogHeight) + "]");
  }
  TableLayout l;
  l.log_height = log_height;
  l.randomizer_len = RandomizerLength(log_height, config);
  l.degree_bound = (size_t{1} << log_height) + l.randomizer_len;
  l.log_degree = LogDegree(log_height, config);
  l.log_lde = l.log_degree + config.fri.log_blowup;
  if (l.log_lde > fri::kMaxLogDomain) throw Error("table '" + name + "': domain too large");
  l.preprocessed_width = table.preprocessed_width();
  l.main_width = table.main_width();
  l.num_public_values = table.num_public_values();
  air::SymbolicBuilder s(l.preprocessed_width, l.main_width, l.num_public_values,
                         air::kLogUpChallenges);
  table.Eval(s);
  s.finish_interactions();
  l.logup_plan = s.logup_plan();
  l.aux_width = air::LogUpAuxWidth(l.logup_plan);
  l.preprocessed_next_columns = s.preprocessed_next_columns();
  l.main_next_columns = s.main_next_columns();
  if (l.aux_width > 0) l.aux_next_columns = {static_cast<uint32_t>(l.aux_width - 1)};
  l.num_constraints = s.constraints().size();
  l.max_degree = s.max_degree();
  const size_t d = static_cast<size_t>(std::max(l.max_degree, 1));
  // Quotient degree: with trace degree < D and the transition selector of degree 1,
  // deg Q <= 1 + d (D - 1) - n (docs/stark.md), evaluated on cosets of H_n.
  const size_t n = size_t{1} << log_height;
  l.quotient_len = d * (l.degree_bound - 1) + 2 - n;
  const size_t cosets = (l.quotient_len + n - 1) / n;
  l.log_quotient = log_height + static_cast<size_t>(std::bit_width(std::bit_ceil(cosets)) - 1);
  if (l.log_quotient > l.log_lde) {
    throw Error("table '" + name + "': constraint degree " + std::to_string(l.max_degree) +
                " too high for log_blowup " + std::to_string(config.fri.log_blowup));
  }
  return l;
}

}  // namespace prova::stark
