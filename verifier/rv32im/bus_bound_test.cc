// LogUp over a field of characteristic p: a tuple that no receiver holds still balances its bus
// if it is sent a multiple of p times. Every sending interaction of the circuit counts 0 or 1 per
// row (is_real, a flag or a sum of exclusive flags), so no tuple is sent p times as long as, on
// each bus, the interactions of all tables at the verifier's largest height (2^kMaxLogHeight rows)
// number fewer than p. This test counts them from the tables' symbolic pass, so adding
// interactions or raising the height limit cannot silently break the bound.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>

#include "verifier/air/logup.h"
#include "verifier/air/symbolic_builder.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/stark/layout.h"

namespace prova::rv32im {
namespace {

TEST(BusBoundTest, NoBusCarriesPInteractionsAtTheLargestHeights) {
  CircuitTables<VerifierTable, stark::Table> tables(ProgramAir{}, MemoryInitAir{});
  std::map<uint32_t, uint64_t> per_row;  // bus -> interactions per row, summed over the tables
  for (const stark::Table* table : tables.List()) {
    air::SymbolicBuilder s(table->preprocessed_width(), table->main_width(),
                           table->num_public_values(), air::kLogUpChallenges);
    table->Eval(s);
    for (const air::InteractionInfo& i : s.interactions()) ++per_row[i.bus];
  }
  ASSERT_FALSE(per_row.empty());
  const uint64_t rows = uint64_t{1} << stark::kMaxLogHeight;
  for (const auto& [bus, count] : per_row) {
    EXPECT_LT(count * rows, uint64_t{BabyBear::kPrime}) << "bus " << bus << ": " << count;
  }
  // The byte bus is the busiest (range checks in every table): today 93 interactions per row
  // (81 sends and the byte table's 12 receives, three for each of its four pairs a row), so the
  // bound holds with a factor of about 1.3.
  EXPECT_GE(per_row.at(kByteBus), 80u);
}

// The memory argument's timestamps (memory_air.h, TimedAccess): an access at ts = 4c + k (k < 4,
// clock c at most the 2^kMaxLogHeight-row limit) receives its previous timestamp as
// ts - 1 - diff with diff < 2^24. If diff >= ts that wraps to at least p - 2^24, which must lie
// above every timestamp a table sends, or a forged previous access could match a real one.
TEST(BusBoundTest, AWrappedPreviousTimestampIsNoTimestamp) {
  const uint64_t largest_timestamp = 4 * (uint64_t{1} << stark::kMaxLogHeight) + 3;
  const uint64_t smallest_wrapped = uint64_t{BabyBear::kPrime} - (uint64_t{1} << 24);
  EXPECT_LT(largest_timestamp, smallest_wrapped);
}

}  // namespace
}  // namespace prova::rv32im
