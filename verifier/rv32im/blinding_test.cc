// Which tables of the circuit blind their LogUp sums (air/blinding.h): every table that the
// prover marks blinded (IsBlinded) sends exactly one tuple on the blinding bus (from its last
// kBlindingWidth columns: each row struct static_asserts it), and the blinding table receives
// one; no other table touches the bus.
// A new table that forgets its blinding columns would state its sum in the clear: this test
// names it.

#include "verifier/air/blinding.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "verifier/air/logup.h"
#include "verifier/air/symbolic_builder.h"
#include "verifier/rv32im/circuit.h"

namespace prova::rv32im {
namespace {

TEST(BlindingTest, EveryTableButTheJournalSendsOneBlindingTuple) {
  CircuitTables<VerifierTable, stark::Table> tables(ProgramAir{}, MemoryInitAir{});
  const std::vector<const stark::Table*> list = tables.List();
  ASSERT_EQ(list.size(), size_t{kNumTables});
  size_t blinded = 0;
  for (size_t t = 0; t < list.size(); ++t) {
    const stark::Table& table = *list[t];
    air::SymbolicBuilder s(table.preprocessed_width(), table.main_width(),
                           table.num_public_values(), air::kLogUpChallenges);
    table.Eval(s);
    size_t sends = 0, receives = 0, others = 0;
    for (const air::InteractionInfo& i : s.interactions()) {
      if (i.bus != air::kBlindingBus) {
        ++others;
      } else if (i.direction == air::Direction::kSend) {
        ++sends;
      } else {
        ++receives;
      }
    }
    const auto index = static_cast<TableIndex>(t);
    if (index == kBlindingTable) {
      EXPECT_EQ(sends, 0u);
      EXPECT_EQ(receives, 1u);
      EXPECT_EQ(others, 0u);
      continue;
    }
    EXPECT_GT(others, 0u) << table.name() << " has no interactions to blind";
    EXPECT_EQ(receives, 0u) << table.name();
    EXPECT_EQ(sends, IsBlinded(index) ? 1u : 0u) << table.name();
    if (IsBlinded(index)) {
      EXPECT_GE(table.main_width(), air::kBlindingWidth) << table.name();
    }
    blinded += sends;
  }
  // All but the journal table, whose sum the verifier recomputes from the public journal.
  EXPECT_EQ(blinded, size_t{kNumTables} - 2);
  EXPECT_FALSE(IsBlinded(kJournalTable));
}

}  // namespace
}  // namespace prova::rv32im
