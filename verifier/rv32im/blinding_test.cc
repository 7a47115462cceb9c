// Which tables of the circuit blind their LogUp sums (air/blinding.h): exactly the tables the
// prover fills blinding cells in (IsBlinded) give a sum offset (from the columns BlindingColumns
// names, which both the tables' eval() and the prover read). A new table that forgot its
// blinding would state its sum in the clear: this test names it.

#include "verifier/air/blinding.h"

#include <gtest/gtest.h>

#include <cstddef>

#include "verifier/air/logup.h"
#include "verifier/air/symbolic_builder.h"
#include "verifier/rv32im/circuit.h"

namespace prova::rv32im {
namespace {

TEST(BlindingTest, EveryTableButTheJournalOffsetsItsLogUpSum) {
  CircuitTables<VerifierTable, stark::Table> tables(ProgramAir{}, MemoryInitAir{});
  const std::vector<const stark::Table*> list = tables.List();
  ASSERT_EQ(list.size(), size_t{kNumTables});
  size_t blinded = 0;
  for (size_t t = 0; t < list.size(); ++t) {
    const stark::Table& table = *list[t];
    air::SymbolicBuilder s(table.preprocessed_width(), table.main_width(),
                           table.num_public_values(), air::kLogUpChallenges);
    table.Eval(s);
    s.finish_interactions();
    EXPECT_FALSE(s.interactions().empty()) << table.name();
    const bool expected = IsBlinded(static_cast<TableIndex>(t));
    EXPECT_EQ(s.has_logup_offset(), expected) << table.name();
    if (expected) {
      for (size_t c : BlindingColumns(static_cast<TableIndex>(t), table.main_width())) {
        EXPECT_LT(c, table.main_width()) << table.name();
      }
    }
    blinded += s.has_logup_offset() ? 1 : 0;
  }
  // All but the journal table, whose sum the verifier recomputes from the public journal.
  EXPECT_EQ(blinded, size_t{kNumTables} - 1);
  EXPECT_FALSE(IsBlinded(kJournalTable));
}

}  // namespace
}  // namespace prova::rv32im
