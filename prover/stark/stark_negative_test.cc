// Soundness checks: bad traces, wrong statements, tampered, truncated and foreign proofs are all
// rejected with a reason, and hostile bytes never crash the verifier.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "prover/stark/prover.h"
#include "verifier/air/examples/byte_lookup.h"
#include "verifier/air/examples/fibonacci.h"
#include "verifier/air/examples/scaled_sequence.h"
#include "verifier/stark/layout.h"
#include "verifier/stark/verifier.h"

namespace prova::stark {
namespace {

using air::examples::ByteTableAir;
using air::examples::ByteUserAir;
using air::examples::FibonacciAir;
using air::examples::ScaledSequenceAir;

const ProverAirTable<FibonacciAir> kFibonacci{FibonacciAir{}};
const ProverAirTable<ScaledSequenceAir> kScaled{ScaledSequenceAir{16}};
const ProverAirTable<ByteTableAir> kByteTable{ByteTableAir{}};
const ProverAirTable<ByteUserAir> kByteUser{ByteUserAir{}};

// A proof exercising every region: fixed columns, LogUp auxiliary trace, two heights, zero
// knowledge (salts, mask).
struct Fixture {
  std::vector<const ProverTable*> prover_tables = {&kByteUser, &kByteTable, &kScaled};
  std::vector<const Table*> tables = {&kByteUser, &kByteTable, &kScaled};
  std::vector<TableWitness> witnesses;
  std::vector<std::vector<BabyBear>> public_values;
  ProvingKey pk;
  StarkProof proof;
  std::vector<uint8_t> bytes;

  explicit Fixture(const StarkConfig& config = TestConfig()) {
    air::RowMajorMatrix<BabyBear> user, counts;
    air::examples::GenerateByteLookupTraces(32, 5, &user, &counts);
    witnesses = {
        {user, {}}, {counts, {}}, {kScaled.air().GenerateTrace(3), {BabyBear::from_canonical(3)}}};
    for (const auto& w : witnesses) public_values.push_back(w.public_values);
    pk = Setup(config, prover_tables);
    proof = Prove(pk, prover_tables, witnesses);
    bytes = SerializeProof(proof);
  }
  VerifyResult Check(const StarkProof& p) const { return Verify(pk.vk, tables, public_values, p); }
  VerifyResult Check(std::span<const uint8_t> b) const {
    return Verify(pk.vk, tables, public_values, b);
  }
};

const Fixture& Shared() {
  static const Fixture* f = new Fixture();
  return *f;
}

TEST(StarkNegativeTest, HonestProofVerifiesAndRoundTrips) {
  const Fixture& f = Shared();
  VerifyResult r = f.Check(f.bytes);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(SerializeProof(DeserializeProof(f.bytes)), f.bytes);
  EXPECT_EQ(std::string(f.bytes.begin(), f.bytes.begin() + 4), "PRVS");
}

TEST(StarkNegativeTest, CheckedProverNamesTheBrokenConstraint) {
  BabyBear result;
  auto trace = FibonacciAir::GenerateTrace(16, BabyBear::zero(), BabyBear::one(), &result);
  trace.at(5, 0) += BabyBear::one();
  std::vector<const ProverTable*> tables = {&kFibonacci};
  ProvingKey pk = stark::Setup(TestConfig(), tables);
  std::vector<TableWitness> w = {{trace, {BabyBear::zero(), BabyBear::one(), result}}};
  ProveOptions named;
  named.name_violations = true;
  try {
    Prove(pk, tables, w, named);
    FAIL() << "a bad trace was proved";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("constraint 'shift' (#2) fails at row 4"), std::string::npos) << what;
    EXPECT_NE(what.find("constraint 'sum' (#3) fails at row 5"), std::string::npos) << what;
  }
}

// Without name_violations the prover checks each table through its quotient's degree: any
// changed cell of a small or a tall table (short randomisers) is caught, and the message says
// which table and how to name the constraint.
TEST(StarkNegativeTest, CheckedProverRejectsEveryChangedCellThroughTheQuotientDegree) {
  std::vector<const ProverTable*> tables = {&kFibonacci};
  ProvingKey pk = stark::Setup(TestConfig(), tables);
  for (size_t height : {16, 1024}) {
    BabyBear result;
    const auto honest =
        FibonacciAir::GenerateTrace(height, BabyBear::zero(), BabyBear::one(), &result);
    const std::vector<BabyBear> pv = {BabyBear::zero(), BabyBear::one(), result};
    std::vector<TableWitness> ok = {{honest, pv}};
    EXPECT_NO_THROW(Prove(pk, tables, ok));
    for (size_t row : {size_t{0}, height / 2 - 1, height - 1}) {
      for (size_t col : {0, 1}) {
        auto trace = honest;
        trace.at(row, col) += BabyBear::one();
        std::vector<TableWitness> w = {{trace, pv}};
        try {
          Prove(pk, tables, w);
          ADD_FAILURE() << "a bad trace was proved: height " << height << " row " << row;
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("table 'fibonacci' violate their constraints"),
                    std::string::npos)
              << e.what();
        }
      }
    }
  }
}

TEST(StarkNegativeTest, UncheckedProofOfABadTraceIsRejected) {
  BabyBear result;
  const auto honest = FibonacciAir::GenerateTrace(16, BabyBear::zero(), BabyBear::one(), &result);
  std::vector<const ProverTable*> tables = {&kFibonacci};
  std::vector<const Table*> vtables = {&kFibonacci};
  ProvingKey pk = stark::Setup(TestConfig(), tables);
  const std::vector<BabyBear> pv = {BabyBear::zero(), BabyBear::one(), result};
  for (size_t row : {0, 7, 15}) {
    for (size_t col : {0, 1}) {
      auto trace = honest;
      trace.at(row, col) += BabyBear::from_canonical(3);
      std::vector<TableWitness> w = {{trace, pv}};
      StarkProof proof =
          Prove(pk, tables, w, ProveOptions{.check_constraints = false, .on_progress = {}});
      VerifyResult r = Verify(pk.vk, vtables, std::vector<std::vector<BabyBear>>{pv}, proof);
      EXPECT_FALSE(r.ok) << "row " << row << " col " << col;
      EXPECT_FALSE(r.reason.empty());
    }
  }
}

// The same for a table tall enough for short zero-knowledge randomisers (TableLayout).
TEST(StarkNegativeTest, UncheckedProofOfABadTallTraceIsRejected) {
  BabyBear result;
  const auto honest = FibonacciAir::GenerateTrace(1024, BabyBear::zero(), BabyBear::one(), &result);
  std::vector<const ProverTable*> tables = {&kFibonacci};
  std::vector<const Table*> vtables = {&kFibonacci};
  ProvingKey pk = stark::Setup(TestConfig(), tables);
  ASSERT_EQ(MakeLayout(kFibonacci, 10, TestConfig()).log_lde, 10 + TestConfig().fri.log_blowup);
  const std::vector<BabyBear> pv = {BabyBear::zero(), BabyBear::one(), result};
  for (size_t row : {0, 700, 1023}) {
    auto trace = honest;
    trace.at(row, 1) += BabyBear::one();
    std::vector<TableWitness> w = {{trace, pv}};
    StarkProof proof =
        Prove(pk, tables, w, ProveOptions{.check_constraints = false, .on_progress = {}});
    VerifyResult r = Verify(pk.vk, vtables, std::vector<std::vector<BabyBear>>{pv}, proof);
    EXPECT_FALSE(r.ok) << "row " << row;
  }
}

TEST(StarkNegativeTest, UncheckedProofOfAnUnbalancedBusIsRejected) {
  air::RowMajorMatrix<BabyBear> user, counts;
  air::examples::GenerateByteLookupTraces(32, 5, &user, &counts);
  user.at(3, 0) = BabyBear::from_canonical(256);  // not a byte
  user.at(3, 2) = user.at(3, 0) + user.at(3, 1);
  std::vector<const ProverTable*> tables = {&kByteUser, &kByteTable};
  std::vector<const Table*> vtables = {&kByteUser, &kByteTable};
  ProvingKey pk = stark::Setup(TestConfig(), tables);
  std::vector<TableWitness> w = {{user, {}}, {counts, {}}};
  try {
    Prove(pk, tables, w);
    FAIL() << "an unbalanced bus was proved";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bus 1 tuple (256): net multiplicity 1"),
              std::string::npos)
        << e.what();
  }
  StarkProof proof =
      Prove(pk, tables, w, ProveOptions{.check_constraints = false, .on_progress = {}});
  VerifyResult r = Verify(pk.vk, vtables, std::vector<std::vector<BabyBear>>{{}, {}}, proof);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("LogUp"), std::string::npos) << r.reason;
}

TEST(StarkNegativeTest, WrongPublicValuesAreRejected) {
  BabyBear result;
  auto trace = FibonacciAir::GenerateTrace(32, BabyBear::zero(), BabyBear::one(), &result);
  std::vector<const ProverTable*> tables = {&kFibonacci};
  std::vector<const Table*> vtables = {&kFibonacci};
  ProvingKey pk = stark::Setup(TestConfig(), tables);
  const std::vector<BabyBear> pv = {BabyBear::zero(), BabyBear::one(), result};
  StarkProof proof = Prove(pk, tables, std::vector<TableWitness>{{trace, pv}});
  EXPECT_TRUE(Verify(pk.vk, vtables, std::vector<std::vector<BabyBear>>{pv}, proof).ok);
  for (size_t i = 0; i < 3; ++i) {
    auto bad = pv;
    bad[i] += BabyBear::one();
    VerifyResult r = Verify(pk.vk, vtables, std::vector<std::vector<BabyBear>>{bad}, proof);
    EXPECT_FALSE(r.ok) << i;
  }
  VerifyResult r = Verify(pk.vk, vtables, std::vector<std::vector<BabyBear>>{{pv[0]}}, proof);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("public values"), std::string::npos) << r.reason;
}

TEST(StarkNegativeTest, TamperedRegionsAreRejected) {
  const Fixture& f = Shared();
  const BabyBear one = BabyBear::one();
  const BabyBear4 ext_one = BabyBear4::one();
  std::vector<std::pair<std::string, std::function<void(StarkProof&)>>> edits = {
      {"log height", [](StarkProof& p) { p.log_heights[0] += 1; }},
      {"main root", [&](StarkProof& p) { p.main_root[0] += one; }},
      {"aux root", [&](StarkProof& p) { p.aux_root[3] += one; }},
      {"cumulative sums",
       [&](StarkProof& p) {
         p.cumulative_sums[0] += ext_one;
         p.cumulative_sums[1] -= ext_one;
       }},
      {"quotient root", [&](StarkProof& p) { p.quotient_root[7] += one; }},
      {"preprocessed opening",
       [&](StarkProof& p) { p.openings[1].preprocessed_local[0] += ext_one; }},
      {"main opening", [&](StarkProof& p) { p.openings[0].main_local[1] += ext_one; }},
      {"main next-row opening",
       [&](StarkProof& p) {
         for (TableOpenings& o : p.openings) {
           if (!o.main_next.empty()) {
             o.main_next[0] += ext_one;
             return;
           }
         }
         ADD_FAILURE() << "no table reads a main column at the next row";
       }},
      {"aux opening", [&](StarkProof& p) { p.openings[0].aux_local.at(0) += ext_one; }},
      {"aux next-row opening", [&](StarkProof& p) { p.openings[0].aux_next.at(0) += ext_one; }},
      {"quotient opening", [&](StarkProof& p) { p.quotient_opening.at(0) += ext_one; }},
      {"mask opening", [&](StarkProof& p) { p.mask_opening.at(0) += ext_one; }},
      {"second mask opening", [&](StarkProof& p) { p.mask_opening.at(1) += ext_one; }},
      {"second main opening",
       [&](StarkProof& p) { p.second_openings[0].main_local[1] += ext_one; }},
      {"second aux next-row opening",
       [&](StarkProof& p) { p.second_openings[0].aux_next.at(0) += ext_one; }},
      {"second quotient opening", [&](StarkProof& p) { p.quotient_opening.back() += ext_one; }},
      {"openings swapped", [&](StarkProof& p) { std::swap(p.openings, p.second_openings); }},
      {"FRI commitment", [&](StarkProof& p) { p.fri.commitments[0][0] += one; }},
      {"FRI layer opening",
       [&](StarkProof& p) { p.fri.layer_openings[1].queries[0].rows[0][0] += one; }},
      {"FRI final polynomial", [&](StarkProof& p) { p.fri.final_poly[0] += ext_one; }},
      {"preprocessed query",
       [&](StarkProof& p) { p.preprocessed_queries.queries[2].rows[0][0] += one; }},
      {"main query", [&](StarkProof& p) { p.main_queries.queries[0].rows[1][0] += one; }},
      {"main salt", [&](StarkProof& p) { p.main_queries.queries[0].salts[0][0] += one; }},
      {"aux query", [&](StarkProof& p) { p.aux_queries.queries[1].rows[0][2] += one; }},
      {"quotient query", [&](StarkProof& p) { p.quotient_queries.queries[3].rows[0][1] += one; }},
      {"mask query", [&](StarkProof& p) { p.quotient_queries.queries[3].rows.at(1)[0] += one; }},
      {"sibling", [&](StarkProof& p) { p.main_queries.siblings[0][0] += one; }},
      {"dropped query", [&](StarkProof& p) { p.main_queries.queries.pop_back(); }},
  };
  for (const auto& [name, edit] : edits) {
    StarkProof p = f.proof;
    edit(p);
    VerifyResult r = f.Check(p);
    EXPECT_FALSE(r.ok) << name;
    EXPECT_FALSE(r.reason.empty()) << name;
  }
}

#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kFlippedPositions = 120;  // the sanitizer build is ~20x slower
#else
constexpr size_t kFlippedPositions = 400;
#endif

TEST(StarkNegativeTest, FlippedBytesAreRejected) {
  const Fixture& f = Shared();
  const size_t stride = std::max<size_t>(1, f.bytes.size() / kFlippedPositions);
  size_t tested = 0;
  for (size_t i = 0; i < f.bytes.size(); i += (i < 64 ? 1 : stride)) {
    std::vector<uint8_t> b = f.bytes;
    b[i] ^= static_cast<uint8_t>(1u << (i % 8));
    VerifyResult r = f.Check(b);
    EXPECT_FALSE(r.ok) << "byte " << i;
    EXPECT_FALSE(r.reason.empty());
    ++tested;
  }
  EXPECT_GT(tested, kFlippedPositions / 2);
}

TEST(StarkNegativeTest, TruncatedAndExtendedProofsAreRejected) {
  const Fixture& f = Shared();
  const size_t stride = std::max<size_t>(1, f.bytes.size() / 200);
  for (size_t len = 0; len < f.bytes.size(); len += stride) {
    VerifyResult r = f.Check(std::span<const uint8_t>(f.bytes.data(), len));
    EXPECT_FALSE(r.ok) << len;
  }
  VerifyResult r = f.Check(std::span<const uint8_t>(f.bytes.data(), f.bytes.size() - 1));
  EXPECT_FALSE(r.ok);
  std::vector<uint8_t> longer = f.bytes;
  longer.push_back(0);
  r = f.Check(longer);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("trailing"), std::string::npos) << r.reason;
}

// A batched opening states its row and salt lengths once, then the queries' values. Rows of no
// columns, or more salt groups than rows, would let a few bytes of lengths make the decoder
// allocate a vector per query for nothing (512 queries x 512 empty parts per opening): refused.
TEST(StarkNegativeTest, OpeningsOfEmptyRowsAreRefusedWhenDecoded) {
  const Fixture& f = Shared();
  const size_t queries = f.proof.main_queries.queries.size();
  ASSERT_GT(queries, 0u);
  StarkProof empty_rows = f.proof;
  for (merkle::QueryOpening& q : empty_rows.main_queries.queries) {
    q.rows.insert(q.rows.end(), 200, {});
  }
  auto refusal = [](const StarkProof& p) {
    try {
      DeserializeProof(SerializeProof(p));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("decoded");
  };
  EXPECT_EQ(refusal(empty_rows), "proof: an empty row in main openings");
  StarkProof extra_salts = f.proof;
  for (merkle::QueryOpening& q : extra_salts.main_queries.queries) {
    q.salts.resize(q.rows.size() + 1);
  }
  EXPECT_EQ(refusal(extra_salts), "proof: more salt groups than rows in main openings");
  // The honest proof's openings have a column in every row and a salt group per height at most.
  EXPECT_NO_THROW(DeserializeProof(f.bytes));
}

TEST(StarkNegativeTest, HostileBytesNeverCrash) {
  std::mt19937_64 rng(9);
  const Fixture& f = Shared();
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint8_t> b(rng() % 2048);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (trial % 2 == 0 && b.size() >= 8) std::copy(f.bytes.begin(), f.bytes.begin() + 8, b.begin());
    EXPECT_FALSE(f.Check(b).ok);
  }
  // Huge counts right after the header.
  std::vector<uint8_t> b(f.bytes.begin(), f.bytes.begin() + 8);
  for (int i = 0; i < 4; ++i) b.push_back(0xff);
  EXPECT_FALSE(f.Check(b).ok);
  // A wrong version.
  std::vector<uint8_t> v = f.bytes;
  v[4] ^= 1;
  VerifyResult r = f.Check(v);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("version"), std::string::npos) << r.reason;
}

TEST(StarkNegativeTest, ProofWithOtherParametersIsRejected) {
  const Fixture& f = Shared();
  std::vector<StarkConfig> others;
  for (int i = 0; i < 5; ++i) others.push_back(TestConfig());
  others[0].fri.num_queries += 1;
  others[1].fri.log_blowup = 3;
  others[2].zero_knowledge = false;
  others[3].fri.pow_bits += 1;
  others[4].fri.log_arity = 1;
  for (const StarkConfig& c : others) {
    VerifyingKey vk = f.pk.vk;
    vk.config = c;
    VerifyResult r = Verify(vk, f.tables, f.public_values, f.bytes);
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.reason.empty());
  }
  // And a different set of tables.
  std::vector<const Table*> swapped = {&kByteTable, &kByteUser, &kScaled};
  EXPECT_FALSE(Verify(f.pk.vk, swapped, f.public_values, f.bytes).ok);
}

// The verifier demands the proof-of-work bits of the proof's shape (ProofFriParams), which the
// prover cannot lower: tables this small take randomisers as long as themselves, so the worst FRI
// layer has rate 1/4 and the proof grinds 100 - 42 * 2 = 16 bits. A proof grinding one bit fewer
// is refused unless its witness happens to have the 16th zero bit too (half the time: the
// smallest candidate with 15 is taken), so among a few proofs, each with fresh randomisers and so
// a fresh transcript, one is refused in all but 2^-16 of runs; the honest proof verifies.
TEST(StarkNegativeTest, ProofGrindingFewerBitsThanItsShapeDemandsIsRejected) {
  const Fixture f(DefaultConfig());
  std::vector<TableLayout> layouts;
  for (size_t t = 0; t < f.tables.size(); ++t) {
    layouts.push_back(MakeLayout(*f.tables[t], f.proof.log_heights[t], DefaultConfig()));
  }
  const size_t bits = ProofFriParams(DefaultConfig(), PlanFriInput(layouts)).pow_bits;
  EXPECT_EQ(bits, 16u);
  VerifyResult honest = f.Check(f.proof);
  EXPECT_TRUE(honest.ok) << honest.reason;
  ProveOptions options;
  options.grinding_bits = bits - 1;
  size_t refused = 0;
  for (int attempt = 0; attempt < 16 && refused == 0; ++attempt) {
    const VerifyResult r = f.Check(Prove(f.pk, f.prover_tables, f.witnesses, options));
    if (r.ok) continue;
    EXPECT_NE(r.reason.find("proof-of-work"), std::string::npos) << r.reason;
    ++refused;
  }
  EXPECT_EQ(refused, 1u);
}

// Grinding makes up what the proof's worst FRI layer leaves of 100 conjectured bits, and no more.
TEST(StarkSecurityTest, GrindingFollowsTheWorstLayer) {
  const StarkConfig c = DefaultConfig();
  EXPECT_EQ(GrindingBits(c, 34.0 / 128), 20u);  // a 2048-row table with short randomisers
  EXPECT_EQ(GrindingBits(c, 33.0 / 128), 18u);  // its shortest such table has 4096 rows or more
  EXPECT_EQ(GrindingBits(c, 0.25), 16u);        // none has short randomisers
  for (double rate : {34.0 / 128, 33.0 / 128, 0.25, 2148.0 / 8192, 1031.0 / 4096}) {
    const double query_bits = static_cast<double>(c.fri.num_queries) * -std::log2(rate);
    const auto bits = static_cast<double>(GrindingBits(c, rate));
    EXPECT_GE(query_bits + bits, kTargetConjecturedBits) << rate;
    EXPECT_LT(query_bits + bits - 1, kTargetConjecturedBits) << rate;
  }
  EXPECT_EQ(GrindingBits(TestConfig(), 0.25), TestConfig().fri.pow_bits);  // falls short anyway
  // FRI inputs of RV32IM proofs of 2^16 cycles (2^18-point LDE): tables of 2^14 rows with 100
  // randomiser coefficients, lifted four times, set the degree bound; the final layer holds
  // ceil(65 936 / 2^11) = 33 coefficients over 128 points. A 2048-row table lifted 32 times makes
  // it 34; a power-of-two bound keeps every layer at 1/4.
  const std::vector<size_t> log_sizes = {18};
  for (const auto& [degree_bound, rate, bits] :
       {std::tuple<size_t, double, size_t>{65936, 33.0 / 128, 18},
        {68736, 34.0 / 128, 20},
        {65536, 0.25, 16}}) {
    const std::vector<size_t> bounds = {degree_bound};
    EXPECT_DOUBLE_EQ(fri::WorstLayerRate(fri::PlanFolding(c.fri, log_sizes, bounds)), rate);
    EXPECT_EQ(ProofFriParams(c, FriInput{18, degree_bound, 7}).pow_bits, bits);
  }
  // Every pair of heights: no layer is worse than WorstRate assumes, so the configured 20 bits
  // always suffice, and every shape keeps 100 bits.
  auto layout = [&](size_t log_height) { return MakeLayout(kFibonacci, log_height, c); };
  for (size_t tall = 1; tall <= 24; ++tall) {
    for (size_t small = 1; small <= tall; ++small) {
      const std::vector<TableLayout> layouts = {layout(tall), layout(small)};
      const FriInput input = PlanFriInput(layouts);
      const std::vector<size_t> sizes = {input.log_size}, bounds = {input.degree_bound};
      const double rate = fri::WorstLayerRate(fri::PlanFolding(c.fri, sizes, bounds));
      EXPECT_LE(rate, WorstRate(c, tall)) << tall << " " << small;
      const size_t bits = ProofFriParams(c, input).pow_bits;
      EXPECT_LE(bits, c.fri.pow_bits);
      EXPECT_GE(
          static_cast<double>(c.fri.num_queries) * -std::log2(rate) + static_cast<double>(bits),
          kTargetConjecturedBits)
          << tall << " " << small;
    }
  }
}

TEST(StarkSecurityTest, DefaultConfigReachesOneHundredBits) {
  SecurityReport r = AnalyzeSecurity(DefaultConfig(), uint64_t{1} << 20, 3);
  EXPECT_GE(r.conjectured_bits, 100.0) << r.ToString();
  EXPECT_LT(r.unique_decoding_bits, r.conjectured_bits);
  EXPECT_LT(r.johnson_bits, r.conjectured_bits);
  EXPECT_GT(r.johnson_bits, r.unique_decoding_bits);
  EXPECT_NEAR(r.field_bits, 123.6, 0.1);  // 4 log2(p)
  // Zero knowledge's short randomisers (100 coefficients from 2048 rows) and the final layer's
  // two extra coefficients (34 over 128 points) raise the rate a little above 1/4.
  EXPECT_DOUBLE_EQ(r.rate, 34.0 / 128);
  StarkConfig no_zk = DefaultConfig();
  no_zk.zero_knowledge = false;
  EXPECT_DOUBLE_EQ(AnalyzeSecurity(no_zk, uint64_t{1} << 20, 3).rate, 0.25);
  EXPECT_DOUBLE_EQ(AnalyzeSecurity(DefaultConfig(), 1024, 3).rate, 0.25);  // all doubled
  std::cout << r.ToString();
  SecurityReport weak = AnalyzeSecurity(TestConfig(), 1024);
  EXPECT_LT(weak.conjectured_bits, 50.0);
}

// Every table's quotient is lifted to the tallest's degree, and its vanishing polynomial adds
// about D to the degree of the combined identity: (d + T - 1) D for T tables of degree d. Two
// out-of-domain points square the error, so the field term stays above the query terms even for
// the RV32IM circuit at 2^24 rows.
TEST(StarkSecurityTest, EveryTableCountsInTheFieldTerm) {
  const SecurityReport one = AnalyzeSecurity(DefaultConfig(), uint64_t{1} << 20, 4, 1000, 1);
  const SecurityReport many = AnalyzeSecurity(DefaultConfig(), uint64_t{1} << 20, 4, 1000, 14);
  EXPECT_NEAR(one.ali_bits - many.ali_bits, kOutOfDomainPoints * std::log2(17.0 / 4), 1e-9);
  // One point would give field_bits - log2(17 D) - 1 = 98.5 bits: below 100.
  EXPECT_NEAR(many.ali_bits / kOutOfDomainPoints - 1, 98.5, 0.05);
  const SecurityReport huge = AnalyzeSecurity(DefaultConfig(), uint64_t{1} << 24, 4, 1000, 14);
  EXPECT_GE(huge.conjectured_bits, 100.0);
  EXPECT_DOUBLE_EQ(huge.conjectured_bits, huge.query_bits + huge.grinding_bits);
}

}  // namespace
}  // namespace prova::stark
