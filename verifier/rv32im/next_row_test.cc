// The verifier opens a column at the next row only if the symbolic pass found a constraint or
// interaction reading it there (TableLayout::main_next_columns). If the pass missed a read, the
// verifier would check a different constraint than the prover proved. So for every table of the
// circuit, the constraints folded at random values must not change when every column outside
// those sets is zeroed at the next row, and must change when one inside them is altered.

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "verifier/air/logup.h"
#include "verifier/air/verifier_folder.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/stark/layout.h"

namespace prova::rv32im {
namespace {

BabyBear4 RandomExt(std::mt19937_64& rng) {
  return BabyBear4::from_coeffs({BabyBear::from_u64(rng()), BabyBear::from_u64(rng()),
                                 BabyBear::from_u64(rng()), BabyBear::from_u64(rng())});
}

std::vector<BabyBear4> RandomRow(std::mt19937_64& rng, size_t width) {
  std::vector<BabyBear4> row(width);
  for (BabyBear4& x : row) x = RandomExt(rng);
  return row;
}

struct Row {
  std::vector<BabyBear4> prep_local, prep_next, main_local, main_next, aux_local, aux_next;
};

BabyBear4 Fold(const stark::Table& table, const stark::TableLayout& l, const Row& row,
               const std::vector<BabyBear4>& public_values,
               const std::vector<BabyBear4>& challenges, const BabyBear4& zeta,
               const BabyBear4& alpha, const BabyBear4& cumulative_sum_per_row) {
  air::VerifierFolder::Inputs in;
  in.preprocessed_local = row.prep_local;
  in.preprocessed_next = row.prep_next;
  in.main_local = row.main_local;
  in.main_next = row.main_next;
  in.aux_local = row.aux_local;
  in.aux_next = row.aux_next;
  in.public_values = public_values;
  in.challenges = challenges;
  in.cumulative_sum_per_row = cumulative_sum_per_row;
  in.selectors = air::SelectorsAt(zeta, l.log_height);
  in.alpha = alpha;
  in.logup_plan = l.logup_plan;
  air::VerifierFolder folder(in);
  table.Eval(folder);
  folder.finish_interactions();
  return folder.folded();
}

// Zero every entry of `row` outside `columns`.
std::vector<BabyBear4> KeepOnly(std::vector<BabyBear4> row, const std::vector<uint32_t>& columns) {
  std::vector<BabyBear4> kept(row.size(), BabyBear4::zero());
  for (uint32_t c : columns) kept[c] = row[c];
  return kept;
}

TEST(NextRowColumnsTest, EveryCircuitTableReadsOnlyItsOpenedColumnsAtTheNextRow) {
  CircuitTables<VerifierTable, stark::Table> tables(ProgramAir{}, MemoryInitAir{});
  const stark::StarkConfig config = stark::DefaultConfig();
  std::mt19937_64 rng(7);
  size_t opened = 0, total = 0;
  for (const stark::Table* table : tables.List()) {
    const stark::TableLayout l = stark::MakeLayout(*table, 12, config);
    const std::vector<BabyBear4> public_values = RandomRow(rng, l.num_public_values);
    const std::vector<BabyBear4> challenges = RandomRow(rng, air::kLogUpChallenges);
    const BabyBear4 zeta = RandomExt(rng), alpha = RandomExt(rng), sum = RandomExt(rng);
    Row full{RandomRow(rng, l.preprocessed_width), RandomRow(rng, l.preprocessed_width),
             RandomRow(rng, l.main_width),         RandomRow(rng, l.main_width),
             RandomRow(rng, l.aux_width),          RandomRow(rng, l.aux_width)};
    Row kept = full;
    kept.prep_next = KeepOnly(full.prep_next, l.preprocessed_next_columns);
    kept.main_next = KeepOnly(full.main_next, l.main_next_columns);
    // Of the auxiliary trace only the running sum, the last extension column, is opened.
    EXPECT_EQ(l.aux_next_columns,
              (l.aux_width > 0 ? std::vector<uint32_t>{static_cast<uint32_t>(l.aux_width - 1)}
                               : std::vector<uint32_t>{}));
    kept.aux_next = KeepOnly(full.aux_next, l.aux_next_columns);
    const BabyBear4 expected = Fold(*table, l, full, public_values, challenges, zeta, alpha, sum);
    EXPECT_EQ(Fold(*table, l, kept, public_values, challenges, zeta, alpha, sum), expected)
        << table->name() << " reads a next-row column it does not open";
    // And the opened ones matter: changing one changes the fold.
    for (uint32_t c : l.main_next_columns) {
      Row changed = full;
      changed.main_next[c] = changed.main_next[c] + BabyBear4::one();
      EXPECT_NE(Fold(*table, l, changed, public_values, challenges, zeta, alpha, sum), expected)
          << table->name() << " main column " << c;
    }
    opened += l.main_next_columns.size() + l.preprocessed_next_columns.size();
    total += l.main_width + l.preprocessed_width;
  }
  // The point of tracking: most columns are never read at the next row.
  EXPECT_LT(opened * 4, total) << opened << " of " << total;
}

}  // namespace
}  // namespace prova::rv32im
