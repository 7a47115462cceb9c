#pragma once

// Test support for the ALU tables: a small sender table that plays the CPU (it sends the
// expected ALU tuples with their multiplicities), the whole ALU circuit (sender, ALU tables,
// byte table), a debug check of every table plus the balance of each bus, and proving/verifying
// with the test configuration.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "prover/rv32im/alu_events.h"
#include "prover/rv32im/alu_trace.h"
#include "prover/rv32im/byte_trace.h"
#include "prover/stark/prover.h"
#include "verifier/air/check.h"
#include "verifier/air/logup_trace.h"
#include "verifier/rv32im/alu_add_sub_air.h"
#include "verifier/rv32im/alu_divrem_air.h"
#include "verifier/rv32im/alu_less_than_air.h"
#include "verifier/rv32im/alu_mul_air.h"
#include "verifier/rv32im/alu_shift_air.h"
#include "verifier/rv32im/bitwise_air.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/byte_air.h"
#include "verifier/stark/verifier.h"

namespace prova::rv32im::testing {

using Matrix = air::RowMajorMatrix<BabyBear>;

template <class T>
struct AluSenderCols {
  T opcode;
  T a[4];
  T b[4];
  T c[4];
  T multiplicity;
};

// Plays the CPU: sends each row's tuple with its multiplicity. Unconstrained on purpose.
struct AluSenderAir {
  std::string_view name() const { return "alu sender (test)"; }
  size_t main_width() const { return air::kWidth<AluSenderCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }
  template <air::AirBuilder B>
  void eval(B& b) const {
    auto [row, next] = b.template rows<AluSenderCols>();
    (void)next;
    SendAlu(b, row.opcode, row.a, row.b, row.c, row.multiplicity, "sender");
  }
};

// Table order of the test circuit.
enum TableIndex : size_t {
  kSender = 0,
  kAddSub,
  kBitwise,
  kLessThan,
  kShift,
  kMul,
  kDivRem,
  kByte,
  kNumTables
};

struct Circuit {
  stark::ProverAirTable<AluSenderAir> sender{AluSenderAir{}};
  stark::ProverAirTable<AddSubAir> add_sub{AddSubAir{}};
  stark::ProverAirTable<BitwiseAir> bitwise{BitwiseAir{}};
  stark::ProverAirTable<LessThanAir> less_than{LessThanAir{}};
  stark::ProverAirTable<ShiftAir> shift{ShiftAir{}};
  stark::ProverAirTable<MulAir> mul{MulAir{}};
  stark::ProverAirTable<DivRemAir> divrem{DivRemAir{}};
  stark::ProverAirTable<ByteAir> byte{ByteAir{}};
  std::vector<const stark::ProverTable*> prover_tables = {&sender, &add_sub, &bitwise, &less_than,
                                                          &shift,  &mul,     &divrem,  &byte};
  std::vector<const stark::Table*> tables = {&sender, &add_sub, &bitwise, &less_than,
                                             &shift,  &mul,     &divrem,  &byte};
  Matrix byte_fixed = ByteAir{}.preprocessed_trace();
};

inline const Circuit& TheCircuit() {
  static const Circuit* c = new Circuit();
  return *c;
}

// Calls fn(air) with table t's AIR object.
template <class Fn>
void WithAir(size_t t, Fn fn) {
  const Circuit& c = TheCircuit();
  switch (t) {
    case kSender:
      return fn(c.sender.air());
    case kAddSub:
      return fn(c.add_sub.air());
    case kBitwise:
      return fn(c.bitwise.air());
    case kLessThan:
      return fn(c.less_than.air());
    case kShift:
      return fn(c.shift.air());
    case kMul:
      return fn(c.mul.air());
    case kDivRem:
      return fn(c.divrem.air());
    default:
      return fn(c.byte.air());
  }
}

inline const stark::ProvingKey& TheProvingKey() {
  static const stark::ProvingKey* pk =
      new stark::ProvingKey(stark::Setup(stark::TestConfig(), TheCircuit().prover_tables));
  return *pk;
}

inline void SetWord(BabyBear (&limbs)[4], uint32_t w) {
  for (int i = 0; i < 4; ++i) limbs[i] = BabyBear::from_canonical((w >> (8 * i)) & 0xff);
}

// The sender's trace: one row per distinct event, with its count.
inline Matrix SenderTrace(std::span<const AluEvent> events) {
  std::vector<AluRow> rows = CountAluRows(events);
  const size_t height = std::max<size_t>(4, std::bit_ceil(rows.size()));
  Matrix m(height, air::kWidth<AluSenderCols>);
  for (size_t r = 0; r < rows.size(); ++r) {
    auto& row = *reinterpret_cast<AluSenderCols<BabyBear>*>(m.row(r).data());
    row.opcode = BabyBear::from_canonical(OpcodeId(rows[r].op));
    SetWord(row.a, AluReference(rows[r].op, rows[r].b, rows[r].c));
    SetWord(row.b, rows[r].b);
    SetWord(row.c, rows[r].c);
    row.multiplicity = BabyBear::from_u64(rows[r].multiplicity);
  }
  return m;
}

// Main traces of the whole test circuit, in TableIndex order.
inline std::vector<Matrix> BuildTraces(std::span<const AluEvent> events) {
  ByteCounter bytes;
  AluTraces alu = GenerateAluTraces(events, &bytes);
  std::vector<Matrix> t(kNumTables);
  t[kSender] = SenderTrace(events);
  t[kAddSub] = alu.add_sub;
  t[kBitwise] = alu.bitwise;
  t[kLessThan] = alu.less_than;
  t[kShift] = alu.shift;
  t[kMul] = alu.mul;
  t[kDivRem] = alu.divrem;
  t[kByte] = bytes.Trace();
  return t;
}

// Records every interaction's concrete tuple (to recount the byte table after tampering).
class TupleRecorder : public air::BuilderBase<TupleRecorder> {
 public:
  using F = BabyBear;
  using Var = BabyBear;
  using Expr = BabyBear;
  using VarEF = BabyBear4;
  using ExprEF = BabyBear4;

  struct Interaction {
    uint32_t bus;
    std::vector<BabyBear> values;
    BabyBear multiplicity;
    air::Direction direction;
  };

  void set_row(std::span<const F> fixed, std::span<const F> main) {
    fixed_ = fixed;
    main_ = main;
  }
  void assert_zero(const Expr&, std::string_view = {}) {}
  void assert_zero_ext(const ExprEF&, std::string_view = {}) {}
  Expr is_first_row() const { return F::zero(); }
  Expr is_last_row() const { return F::zero(); }
  Expr is_transition() const { return F::one(); }
  std::span<const Var> main_local() const { return main_; }
  std::span<const Var> main_next() const { return main_; }
  std::span<const Var> preprocessed_local() const { return fixed_; }
  std::span<const Var> preprocessed_next() const { return fixed_; }
  std::span<const Expr> public_values() const { return {}; }
  std::span<const ExprEF> challenges() const { return {}; }
  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                air::Direction direction, std::string_view) {
    interactions.push_back({bus, std::vector<BabyBear>(values), multiplicity, direction});
  }
  void offset_logup_sum(std::initializer_list<Expr>) {}  // no interaction: nothing to recount

  std::vector<Interaction> interactions;

 private:
  std::span<const F> fixed_, main_;
};

// Recomputes the byte table's multiplicities from the BYTE-bus sends of every other table, so
// that a test can tamper with a table and keep the byte table consistent with it. Sends of
// values the byte table does not hold are skipped (they leave the bus unbalanced).
inline void RecountBytes(std::vector<Matrix>& traces) {
  ByteCounter bytes;
  for (size_t t = 0; t < kNumTables; ++t) {
    if (t == kByte) continue;
    for (size_t r = 0; r < traces[t].height(); ++r) {
      TupleRecorder rec;
      rec.set_row({}, traces[t].row(r));
      WithAir(t, [&](const auto& air) { air.eval(rec); });
      for (const auto& i : rec.interactions) {
        if (i.bus != kByteBus || i.direction != air::Direction::kSend) continue;
        const uint32_t op = i.values[0].as_canonical(), x = i.values[1].as_canonical(),
                       y = i.values[2].as_canonical(), z = i.values[3].as_canonical();
        const uint64_t m = i.multiplicity.as_canonical();
        if (op == static_cast<uint32_t>(ByteOp::kRange) && x < 256 && y < 256 && z == 0) {
          bytes.Range(x, y, m);
        } else if (op == static_cast<uint32_t>(ByteOp::kAnd) && x < 256 && y < 256 &&
                   z == (x & y)) {
          bytes.And(x, y, m);
        } else if (op == static_cast<uint32_t>(ByteOp::kU16) && x < 65536 && y == 0 && z == 0) {
          bytes.U16(x, m);
        }
      }
    }
  }
  traces[kByte] = bytes.Trace();
}

inline std::vector<BabyBear4> RandomChallenges(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<BabyBear4> ch;
  for (size_t i = 0; i < air::kLogUpChallenges; ++i) {
    std::array<BabyBear, 4> c;
    for (auto& x : c) x = BabyBear::from_u64(rng());
    ch.push_back(BabyBear4::from_coeffs(c));
  }
  return ch;
}

struct CheckResult {
  std::vector<air::DebugReport> reports;  // per table
  std::map<uint32_t, BabyBear4> bus_sum;  // per bus id, summed over all tables
  bool constraints_ok() const {
    for (const auto& r : reports)
      if (!r.ok()) return false;
    return true;
  }
  bool balanced(uint32_t bus) const {
    auto it = bus_sum.find(bus);
    return it == bus_sum.end() || it->second == BabyBear4::zero();
  }
  bool all_balanced() const {
    for (const auto& [bus, s] : bus_sum)
      if (!(s == BabyBear4::zero())) return false;
    return true;
  }
  bool ok() const { return constraints_ok() && all_balanced(); }
  // Does table t's report name the constraint?
  bool Fails(size_t t, std::string_view name) const { return reports[t].Fails(name); }
  std::string ToString() const {
    std::string out;
    for (size_t t = 0; t < reports.size(); ++t) {
      if (!reports[t].ok()) out += "table " + std::to_string(t) + ":\n" + reports[t].ToString();
    }
    for (const auto& [bus, sum] : bus_sum) {
      if (!balanced(bus)) out += "bus " + std::to_string(bus) + " does not balance\n";
    }
    return out;
  }
};

// The debug checker over every table, and each bus's balance.
inline CheckResult CheckCircuit(const std::vector<Matrix>& traces, uint64_t seed = 7) {
  const Circuit& circuit = TheCircuit();
  const std::vector<BabyBear4> challenges = RandomChallenges(seed);
  CheckResult result;
  for (size_t t = 0; t < kNumTables; ++t) {
    const stark::Table& table = *circuit.tables[t];
    const Matrix* fixed = t == kByte ? &circuit.byte_fixed : nullptr;
    BabyBear4 cumulative;
    auto aux = air::GenerateAuxTrace<BabyBear, BabyBear4>(table, fixed, traces[t], {}, challenges,
                                                          &cumulative);
    air::TableTraces<BabyBear, BabyBear4> tr{fixed, &traces[t], &aux, {}};
    result.reports.push_back(
        air::CheckTable(table, tr, std::span<const BabyBear4>(challenges), cumulative));
    // Per-bus sums from the interaction collector.
    air::SymbolicBuilder s = air::RunSymbolic(table);
    air::InteractionCollector<BabyBear, BabyBear4> c({}, challenges);
    const size_t height = traces[t].height();
    for (size_t r = 0; r < height; ++r) {
      std::span<const BabyBear> pl, pn;
      if (fixed != nullptr) {
        pl = fixed->row(r);
        pn = fixed->row((r + 1) % height);
      }
      c.set_row(pl, pn, traces[t].row(r), traces[t].row((r + 1) % height), r, height);
      table.eval(c);
    }
    const size_t k = s.interactions().size();
    for (size_t i = 0; i < c.denominators.size(); ++i) {
      const uint32_t bus = s.interactions()[i % k].bus;
      result.bus_sum[bus] =
          result.bus_sum[bus] + BabyBear4(c.multiplicities[i]) * c.denominators[i].inverse();
    }
  }
  return result;
}

inline std::vector<stark::TableWitness> Witnesses(const std::vector<Matrix>& traces) {
  std::vector<stark::TableWitness> w;
  for (const auto& t : traces) w.push_back({t, {}});
  return w;
}

// Proves the traces (without the prover's own check when `checked` is false) and verifies.
inline stark::VerifyResult ProveAndVerify(const std::vector<Matrix>& traces, bool checked = true) {
  const Circuit& circuit = TheCircuit();
  const stark::ProvingKey& pk = TheProvingKey();
  stark::StarkProof proof =
      stark::Prove(pk, circuit.prover_tables, Witnesses(traces),
                   stark::ProveOptions{.check_constraints = checked, .on_progress = {}});
  std::vector<std::vector<BabyBear>> public_values(kNumTables);
  return stark::Verify(pk.vk, circuit.tables, public_values, stark::SerializeProof(proof));
}

template <template <class> class Cols>
Cols<BabyBear>& RowOf(Matrix& m, size_t r) {
  return *reinterpret_cast<Cols<BabyBear>*>(m.row(r).data());
}

// The sender row that sends (op, b, c) (CHECK-fails if none).
inline AluSenderCols<BabyBear>& SenderRow(std::vector<Matrix>& traces, Opcode op, uint32_t b,
                                          uint32_t c) {
  Matrix& m = traces[kSender];
  for (size_t r = 0; r < m.height(); ++r) {
    auto& row = RowOf<AluSenderCols>(m, r);
    uint32_t rb = 0, rc = 0;
    for (int i = 0; i < 4; ++i) {
      rb |= row.b[i].as_canonical() << (8 * i);
      rc |= row.c[i].as_canonical() << (8 * i);
    }
    if (row.opcode == BabyBear::from_canonical(OpcodeId(op)) && rb == b && rc == c &&
        !(row.multiplicity == BabyBear::zero())) {
      return row;
    }
  }
  PROVA_CHECK(false, "no sender row for the operation");
  return RowOf<AluSenderCols>(m, 0);
}

// Events of one opcode over edge and random operands.
inline std::vector<AluEvent> EdgeEvents(Opcode op, size_t random_count, uint64_t seed) {
  static constexpr uint32_t kEdges[] = {0,          1,          2,          3,          31,
                                        32,         33,         0x7f,       0x80,       0xff,
                                        0x100,      0x7fff,     0x8000,     0xffff,     0x10000,
                                        0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff};
  std::vector<AluEvent> events;
  for (uint32_t b : kEdges)
    for (uint32_t c : kEdges) events.push_back({op, b, c});
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < random_count; ++i) {
    uint32_t b = static_cast<uint32_t>(rng()), c = static_cast<uint32_t>(rng());
    // Small magnitudes too, so that carries, borrows and signs vary.
    if (i % 4 == 1) c &= 0xff;
    if (i % 4 == 2) b = static_cast<uint32_t>(-(static_cast<int32_t>(b & 0xffff)));
    events.push_back({op, b, c});
  }
  return events;
}

}  // namespace prova::rv32im::testing

namespace prova::rv32im::testing {

// Every row of `table` with a non-zero multiplicity receives (op, AluReference(op, b, c), b, c).
inline ::testing::AssertionResult RowsMatchReference(const std::vector<Matrix>& traces,
                                                     size_t table) {
  size_t checked = 0;
  for (size_t r = 0; r < traces[table].height(); ++r) {
    TupleRecorder rec;
    rec.set_row({}, traces[table].row(r));
    WithAir(table, [&](const auto& air) { air.eval(rec); });
    for (const auto& i : rec.interactions) {
      if (i.bus != kAluBus || i.direction != air::Direction::kReceive) continue;
      if (i.multiplicity == BabyBear::zero()) continue;
      uint32_t w[3] = {0, 0, 0};
      for (int k = 0; k < 12; ++k) {
        const uint32_t limb = i.values[1 + k].as_canonical();
        if (limb > 255) return ::testing::AssertionFailure() << "row " << r << ": limb not a byte";
        w[k / 4] |= limb << (8 * (k % 4));
      }
      const auto op = static_cast<Opcode>(i.values[0].as_canonical());
      if (!IsAluOpcode(op) || AluReference(op, w[1], w[2]) != w[0]) {
        return ::testing::AssertionFailure()
               << "row " << r << ": " << OpcodeName(op) << "(" << w[1] << ", " << w[2]
               << ") = " << w[0] << ", expected " << AluReference(op, w[1], w[2]);
      }
      ++checked;
    }
  }
  if (checked == 0) return ::testing::AssertionFailure() << "no rows checked";
  return ::testing::AssertionSuccess();
}

// After `traces` were tampered with: recounts the byte table, then expects the debug checker to
// name `constraint` in `table` (when not empty), each bus to balance or not as stated, and an
// unchecked proof to be rejected by the verifier.
// Proving is the slow part (the byte table has 2^14 rows of four pairs): `prove` = false checks the
// debug report only.
inline void ExpectCaught(std::vector<Matrix> traces, size_t table, std::string_view constraint,
                         bool alu_balances, bool byte_balances, bool prove = true) {
  RecountBytes(traces);
  CheckResult check = CheckCircuit(traces);
  if (!constraint.empty()) {
    EXPECT_TRUE(check.Fails(table, constraint)) << check.ToString();
  } else {
    EXPECT_TRUE(check.constraints_ok()) << check.ToString();
  }
  EXPECT_EQ(check.balanced(kAluBus), alu_balances) << check.ToString();
  EXPECT_EQ(check.balanced(kByteBus), byte_balances) << check.ToString();
  EXPECT_FALSE(check.ok());
  if (!prove) return;
  stark::VerifyResult result = ProveAndVerify(traces, /*checked=*/false);
  EXPECT_FALSE(result.ok) << "a tampered trace was proved and verified";
}

}  // namespace prova::rv32im::testing
