#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "prover/stark/coset_lde.h"
#include "prover/stark/prover.h"
#include "verifier/air/examples/byte_lookup.h"
#include "verifier/air/examples/fibonacci.h"
#include "verifier/air/examples/range_counter.h"
#include "verifier/air/examples/scaled_sequence.h"
#include "verifier/stark/layout.h"
#include "verifier/stark/verifier.h"

namespace prova::stark {
namespace {

using air::examples::ByteTableAir;
using air::examples::ByteUserAir;
using air::examples::FibonacciAir;
using air::examples::RangeCounterAir;
using air::examples::ScaledSequenceAir;

struct Instance {
  std::vector<const ProverTable*> prover_tables;
  std::vector<const Table*> tables;
  std::vector<TableWitness> witnesses;
  std::vector<std::vector<BabyBear>> public_values() const {
    std::vector<std::vector<BabyBear>> out;
    for (const auto& w : witnesses) out.push_back(w.public_values);
    return out;
  }
};

const ProverAirTable<FibonacciAir> kFibonacci{FibonacciAir{}};
const ProverAirTable<RangeCounterAir> kCounter{RangeCounterAir{}};
const ProverAirTable<ScaledSequenceAir> kScaled{ScaledSequenceAir{32}};
const ProverAirTable<ByteTableAir> kByteTable{ByteTableAir{}};
const ProverAirTable<ByteUserAir> kByteUser{ByteUserAir{}};

Instance Fibonacci(size_t rows) {
  Instance in;
  in.prover_tables = {&kFibonacci};
  in.tables = {&kFibonacci};
  BabyBear result;
  auto trace = FibonacciAir::GenerateTrace(rows, BabyBear::zero(), BabyBear::one(), &result);
  in.witnesses.push_back({trace, {BabyBear::zero(), BabyBear::one(), result}});
  return in;
}

Instance Lookup(size_t user_rows) {
  Instance in;
  in.prover_tables = {&kByteUser, &kByteTable};
  in.tables = {&kByteUser, &kByteTable};
  air::RowMajorMatrix<BabyBear> user, counts;
  air::examples::GenerateByteLookupTraces(user_rows, 7, &user, &counts);
  in.witnesses.push_back({user, {}});
  in.witnesses.push_back({counts, {}});
  return in;
}

VerifyResult ProveAndVerify(const StarkConfig& config, const Instance& in,
                            std::vector<uint8_t>* bytes_out = nullptr,
                            const ProveOptions& options = {}) {
  ProvingKey pk = Setup(config, in.prover_tables);
  StarkProof proof = Prove(pk, in.prover_tables, in.witnesses, options);
  std::vector<uint8_t> bytes = SerializeProof(proof);
  if (bytes_out != nullptr) *bytes_out = bytes;
  return Verify(pk.vk, in.tables, in.public_values(), bytes);
}

StarkConfig NoZk() {
  StarkConfig c = TestConfig();
  c.zero_knowledge = false;
  return c;
}

TEST(StarkTest, FibonacciProvesAndVerifies) {
  VerifyResult r = ProveAndVerify(TestConfig(), Fibonacci(64));
  EXPECT_TRUE(r.ok) << r.reason << "\n";
  r = ProveAndVerify(NoZk(), Fibonacci(64));
  EXPECT_TRUE(r.ok) << r.reason << "\n";
}

// Traces shorter than a vector of lanes leave the DEEP quotient's blocks under kLanes rows (the
// packed divisions then fill spare lanes), with and without zero knowledge.
TEST(StarkTest, TinyTracesProveAndVerify) {
  for (const size_t rows : {2, 4, 8}) {
    VerifyResult r = ProveAndVerify(NoZk(), Fibonacci(rows));
    EXPECT_TRUE(r.ok) << rows << ": " << r.reason << "\n";
    r = ProveAndVerify(TestConfig(), Fibonacci(rows));
    EXPECT_TRUE(r.ok) << rows << ": " << r.reason << "\n";
  }
}

TEST(StarkTest, RangeCounterProvesAndVerifies) {
  Instance in;
  in.prover_tables = {&kCounter};
  in.tables = {&kCounter};
  in.witnesses.push_back(
      {RangeCounterAir::GenerateTrace(32, 1000), {BabyBear::from_canonical(1000)}});
  VerifyResult r = ProveAndVerify(TestConfig(), in);
  EXPECT_TRUE(r.ok) << r.reason << "\n";
}

TEST(StarkTest, PreprocessedColumnsProveAndVerify) {
  Instance in;
  in.prover_tables = {&kScaled};
  in.tables = {&kScaled};
  in.witnesses.push_back({kScaled.air().GenerateTrace(9), {BabyBear::from_canonical(9)}});
  VerifyResult r = ProveAndVerify(TestConfig(), in);
  EXPECT_TRUE(r.ok) << r.reason << "\n";
  r = ProveAndVerify(NoZk(), in);
  EXPECT_TRUE(r.ok) << r.reason << "\n";
}

TEST(StarkTest, CachedSetupSharesAKeyOnlyForTheSameFixedColumnsAndConfig) {
  const std::vector<const ProverTable*> tables = {&kScaled};
  const std::shared_ptr<const ProvingKey> key = CachedSetup(TestConfig(), tables);
  EXPECT_EQ(CachedSetup(TestConfig(), tables).get(), key.get());
  EXPECT_EQ(key->vk.preprocessed_root, stark::Setup(TestConfig(), tables).vk.preprocessed_root);
  // Another configuration, or other fixed columns (a taller table), get their own key.
  const std::shared_ptr<const ProvingKey> no_zk = CachedSetup(NoZk(), tables);
  EXPECT_NE(no_zk.get(), key.get());
  EXPECT_EQ(no_zk->vk.config, NoZk());
  const ProverAirTable<ScaledSequenceAir> taller{ScaledSequenceAir{64}};
  const std::vector<const ProverTable*> other = {&taller};
  const std::shared_ptr<const ProvingKey> other_key = CachedSetup(TestConfig(), other);
  EXPECT_NE(other_key.get(), key.get());
  EXPECT_NE(other_key->vk.preprocessed_root, key->vk.preprocessed_root);
  // The shared key proves and verifies.
  const std::vector<TableWitness> witnesses = {
      {kScaled.air().GenerateTrace(9), {BabyBear::from_canonical(9)}}};
  const std::vector<const Table*> verifier_tables = {&kScaled};
  const std::vector<std::vector<BabyBear>> public_values = {{BabyBear::from_canonical(9)}};
  const VerifyResult r =
      Verify(key->vk, verifier_tables, public_values,
             SerializeProof(Prove(*CachedSetup(TestConfig(), tables), tables, witnesses)));
  EXPECT_TRUE(r.ok) << r.reason;
}

TEST(StarkTest, LookupAcrossTablesOfDifferentHeights) {
  VerifyResult r = ProveAndVerify(TestConfig(), Lookup(64));
  EXPECT_TRUE(r.ok) << r.reason << "\n";
  r = ProveAndVerify(NoZk(), Lookup(1024));
  EXPECT_TRUE(r.ok) << r.reason << "\n";
}

// The lookup pair of tables and a 512-row Fibonacci table: three tables, three heights.
Instance LookupAndFibonacci(size_t user_rows) {
  Instance in = Lookup(user_rows);
  in.prover_tables.push_back(&kFibonacci);
  in.tables.push_back(&kFibonacci);
  in.witnesses.push_back(Fibonacci(512).witnesses[0]);
  return in;
}

TEST(StarkTest, MixedTablesInOneProof) {
  VerifyResult r = ProveAndVerify(TestConfig(), LookupAndFibonacci(32));
  EXPECT_TRUE(r.ok) << r.reason << "\n";
}

// With zero knowledge, tables of kRandomizerMargin * RevealedValues rows or more take
// randomisers of RevealedValues = 2 num_queries + 16 coefficients and keep the LDE domain of a
// proof without zero knowledge; smaller tables double theirs. Both kinds in one proof, and in one
// Merkle height group: the 1024-row lookup user and the 512-row Fibonacci table both have
// 2^12-point LDEs.
TEST(StarkTest, ShortRandomizersForTallTables) {
  const StarkConfig config = TestConfig();
  const TableLayout tall = MakeLayout(kFibonacci, 10, config);
  EXPECT_EQ(tall.randomizer_len, 2 * config.fri.num_queries + 16);
  EXPECT_EQ(tall.degree_bound, 1024 + 2 * config.fri.num_queries + 16);
  EXPECT_EQ(tall.log_lde, 10 + config.fri.log_blowup);
  const TableLayout small = MakeLayout(kFibonacci, 9, config);
  EXPECT_EQ(small.randomizer_len, 512u);
  EXPECT_EQ(small.log_lde, 9 + 1 + config.fri.log_blowup);
  EXPECT_EQ(tall.log_lde, MakeLayout(kByteUser, 10, config).log_lde);

  VerifyResult r = ProveAndVerify(config, Fibonacci(1024));
  EXPECT_TRUE(r.ok) << r.reason << "\n";
  r = ProveAndVerify(config, LookupAndFibonacci(1024));
  EXPECT_TRUE(r.ok) << r.reason << "\n";
}

TEST(StarkTest, KeptLdeBlocksGiveTheSameProof) {
  // Without zero knowledge the proof is deterministic: keeping no block, some blocks (a budget
  // that runs out part way) or every block must give the same bytes.
  const Instance in = LookupAndFibonacci(1024);
  std::vector<std::vector<uint8_t>> proofs;
  for (size_t budget : {size_t{0}, size_t{20000}, SIZE_MAX}) {
    ProveOptions options;
    options.lde_cache_bytes = budget;
    std::vector<uint8_t> bytes;
    VerifyResult r = ProveAndVerify(NoZk(), in, &bytes, options);
    EXPECT_TRUE(r.ok) << r.reason << "\n";
    proofs.push_back(bytes);
  }
  EXPECT_EQ(proofs[0], proofs[1]);
  EXPECT_EQ(proofs[0], proofs[2]);
}

// ProveConsuming frees each main trace once nothing reads it any more: a table without
// interactions right after its commitment, the others after the LogUp round and the constraint
// checks. The proof must not change (without zero knowledge it is deterministic), with or without
// the debug checker reading every table.
TEST(StarkTest, ConsumingTheWitnessesGivesTheSameProof) {
  const Instance in = LookupAndFibonacci(1024);
  ProvingKey pk = stark::Setup(NoZk(), in.prover_tables);
  for (bool name_violations : {false, true}) {
    ProveOptions options;
    options.name_violations = name_violations;
    const std::vector<uint8_t> kept =
        SerializeProof(Prove(pk, in.prover_tables, in.witnesses, options));
    const std::vector<uint8_t> consumed =
        SerializeProof(ProveConsuming(pk, in.prover_tables, in.witnesses, options));
    EXPECT_EQ(kept, consumed) << "name_violations " << name_violations;
    VerifyResult r = Verify(pk.vk, in.tables, in.public_values(), consumed);
    EXPECT_TRUE(r.ok) << r.reason << "\n";
  }
}

// A consumed witness that violates its constraints is still refused, in a table whose trace was
// freed early (the quotient's degree check) and in the LogUp bus (whose report reads the traces
// of the tables with interactions only).
TEST(StarkTest, ConsumingProverRefusesBrokenTraces) {
  const Instance in = LookupAndFibonacci(1024);
  ProvingKey pk = stark::Setup(NoZk(), in.prover_tables);
  std::vector<TableWitness> broken_fibonacci = in.witnesses;
  broken_fibonacci[2].main.values[10 * broken_fibonacci[2].main.width] += BabyBear::one();
  EXPECT_THROW(ProveConsuming(pk, in.prover_tables, broken_fibonacci), Error);
  std::vector<TableWitness> broken_bus = in.witnesses;
  broken_bus[1].main.values[0] += BabyBear::one();  // a byte's multiplicity
  try {
    ProveConsuming(pk, in.prover_tables, broken_bus);
    ADD_FAILURE() << "a trace whose bus does not balance was proved";
  } catch (const Error& e) {
    EXPECT_NE(std::string_view(e.what()).find("does not balance"), std::string_view::npos)
        << e.what();
  }
}

TEST(CosetLdeTest, KeepsBlocksWhileItsBudgetLasts) {
  prova::RowMajorMatrix<BabyBear> coefficients(16, 3);
  for (size_t i = 0; i < coefficients.values().size(); ++i) {
    coefficients.values()[i] = BabyBear::from_u64(7 * i + 1);
  }
  const CosetLde plain(coefficients, 6, 4);
  // Four blocks of 16 x 3 elements (192 bytes each): the budget keeps the first two computed.
  const CosetLde kept(coefficients, 6, 4, std::make_shared<LdeCacheBudget>(400));
  for (size_t pass = 0; pass < 2; ++pass) {
    for (size_t block = 0; block < 4; ++block) {
      std::vector<BabyBear> expected(48), filled(48);
      merkle::BlockScratch scratch;
      plain.FillBlock(block, expected);
      const std::span<const BabyBear> got = kept.Block(block, scratch);
      EXPECT_TRUE(std::equal(got.begin(), got.end(), expected.begin(), expected.end()));
      kept.FillBlock(block, filled);
      EXPECT_EQ(filled, expected);
      // Kept blocks are computed once, into their own storage, not into the scratch buffer.
      EXPECT_EQ(got.data() != scratch.values().data(), block < 2) << pass << " " << block;
    }
  }
}

TEST(CosetLdeTest, OpenedRunsFromTheCoefficientsEqualTheBlocksRows) {
  // Two coefficient chunks of the pass, a partial pack of columns, runs of 1, 2 and 8 rows in
  // every block.
  const size_t width = BabyBear::Packed::kWidth + 3, log_block = 14, log_lde = 16;
  prova::RowMajorMatrix<BabyBear> coefficients(size_t{1} << log_block, width);
  for (size_t i = 0; i < coefficients.values().size(); ++i) {
    coefficients.values()[i] = BabyBear::from_u64(i * i + 5);
  }
  const CosetLde lde(coefficients, log_lde, log_block);
  std::vector<std::vector<BabyBear>> blocks(
      4, std::vector<BabyBear>((size_t{1} << log_block) * width));
  for (size_t b = 0; b < 4; ++b) lde.FillBlock(b, blocks[b]);
  for (size_t log_run : {0, 1, 3}) {
    std::vector<uint64_t> starts;
    for (uint64_t row : {0, 8, 4096, 16384 + 24, 40000, 65528}) {
      starts.push_back((row >> log_run) << log_run);
    }
    std::vector<BabyBear> runs((starts.size() << log_run) * width);
    ASSERT_TRUE(lde.FillRuns(starts, log_run, runs)) << log_run;
    for (size_t k = 0; k < (starts.size() << log_run); ++k) {
      const uint64_t row = starts[k >> log_run] + (k & ((size_t{1} << log_run) - 1));
      const BabyBear* expected =
          blocks[row >> log_block].data() + (row & ((size_t{1} << log_block) - 1)) * width;
      for (size_t c = 0; c < width; ++c) {
        ASSERT_EQ(runs[k * width + c], expected[c]) << log_run << " " << row << " " << c;
      }
    }
  }
  // Coefficients fewer than four runs: every row takes the one-row-at-a-time path.
  {
    prova::RowMajorMatrix<BabyBear> few(16, width);
    for (size_t i = 0; i < few.values().size(); ++i) few.values()[i] = BabyBear::from_u64(7 * i);
    const CosetLde small(few, 6, 4);
    std::vector<BabyBear> block(16 * width);
    small.FillBlock(2, block);
    const std::vector<uint64_t> start = {32 + 8};
    std::vector<BabyBear> run(8 * width);
    ASSERT_TRUE(small.FillRuns(start, 3, run));
    EXPECT_TRUE(std::equal(run.begin(), run.end(), block.begin() + 8 * width));
  }
  // Runs in a kept block are copied from it, the others computed: a budget of one block keeps
  // block 0 only.
  const size_t block_bytes = (size_t{1} << log_block) * width * sizeof(BabyBear);
  const CosetLde kept(coefficients, log_lde, log_block,
                      std::make_shared<LdeCacheBudget>(block_bytes));
  merkle::BlockScratch scratch;
  (void)kept.Block(0, scratch);
  (void)kept.Block(2, scratch);
  const std::vector<uint64_t> mixed = {8, 16, 2 * 16384 + 40};
  std::vector<BabyBear> out(mixed.size() * 8 * width);
  ASSERT_TRUE(kept.FillRuns(mixed, 3, out));
  for (size_t k = 0; k < mixed.size() * 8; ++k) {
    const uint64_t row = mixed[k / 8] + k % 8;
    const BabyBear* expected =
        blocks[row >> log_block].data() + (row & ((size_t{1} << log_block) - 1)) * width;
    for (size_t c = 0; c < width; ++c) ASSERT_EQ(out[k * width + c], expected[c]) << row;
  }
}

TEST(StarkTest, ProgressIsReportedInOrderAndCanAbandonTheProof) {
  std::vector<double> fractions;
  ProveOptions options;
  options.on_progress = [&](std::string_view, double fraction) { fractions.push_back(fraction); };
  VerifyResult r = ProveAndVerify(TestConfig(), Lookup(64), nullptr, options);
  EXPECT_TRUE(r.ok) << r.reason << "\n";
  ASSERT_GE(fractions.size(), 5u);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.front(), 0.0);
  EXPECT_EQ(fractions.back(), 1.0);

  // A callback that throws stops the prover: the exception comes out unchanged.
  options.on_progress = [](std::string_view phase, double) {
    if (phase == "quotient") throw Error("cancelled");
  };
  EXPECT_THROW(ProveAndVerify(TestConfig(), Lookup(64), nullptr, options), Error);
}

}  // namespace
}  // namespace prova::stark
