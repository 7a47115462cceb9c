#include "verifier/stark/layout.h"

#include <algorithm>
#include <bit>
#include <string>

#include "common/error.h"
#include "verifier/air/logup.h"

namespace prova::stark {

TableLayout MakeLayout(const Table& table, size_t log_height, const StarkConfig& config) {
  const std::string name(table.name());
  if (log_height < 1 || log_height > kMaxLogHeight) {
    throw Error("table '" + name + "': log height " + std::to_string(log_height) +
                " out of range [1, " + std::to_string(kMaxLogHeight) + "]");
  }
  TableLayout l;
  l.log_height = log_height;
  l.log_degree = log_height + (config.zero_knowledge ? 1 : 0);
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
  l.num_constraints = s.constraints().size();
  l.max_degree = s.max_degree();
  const size_t d = static_cast<size_t>(std::max(l.max_degree, 1));
  // Quotient degree: with trace degree < D and the transition selector of degree 1,
  // deg Q <= 1 + d (D - 1) - n. Chunks of n coefficients (docs/stark.md).
  l.num_chunks =
      config.zero_knowledge ? std::max<size_t>(2 * d - 1, 2) : std::max<size_t>(d - 1, 1);
  l.log_quotient =
      log_height + static_cast<size_t>(std::bit_width(std::bit_ceil(l.num_chunks)) - 1);
  if (l.log_quotient > l.log_lde) {
    throw Error("table '" + name + "': constraint degree " + std::to_string(l.max_degree) +
                " too high for log_blowup " + std::to_string(config.fri.log_blowup));
  }
  return l;
}

}  // namespace prova::stark
