// DIV/REM table: reference semantics (division by zero, INT_MIN / -1), and tampering is caught.

#include <gtest/gtest.h>

#include "prover/rv32im/alu_test_harness.h"

namespace prova::rv32im::testing {
namespace {

std::vector<AluEvent> Events() {
  std::vector<AluEvent> events;
  uint64_t seed = 40;
  // The edge values include c = 0 (division by zero) and INT_MIN / -1 (signed overflow).
  for (Opcode op : {Opcode::kDiv, Opcode::kDivu, Opcode::kRem, Opcode::kRemu}) {
    for (const auto& e : EdgeEvents(op, 60, seed++)) events.push_back(e);
  }
  return events;
}

TEST(AluDivRemTest, SpecialCasesFollowTheSpec) {
  EXPECT_EQ(AluReference(Opcode::kDiv, 7, 0), 0xffffffffu);
  EXPECT_EQ(AluReference(Opcode::kDivu, 7, 0), 0xffffffffu);
  EXPECT_EQ(AluReference(Opcode::kRem, 7, 0), 7u);
  EXPECT_EQ(AluReference(Opcode::kRemu, 7, 0), 7u);
  EXPECT_EQ(AluReference(Opcode::kDiv, 0x80000000, 0xffffffff), 0x80000000u);
  EXPECT_EQ(AluReference(Opcode::kRem, 0x80000000, 0xffffffff), 0u);
  EXPECT_EQ(AluReference(Opcode::kDiv, static_cast<uint32_t>(-7), 2), static_cast<uint32_t>(-3));
  EXPECT_EQ(AluReference(Opcode::kRem, static_cast<uint32_t>(-7), 2), static_cast<uint32_t>(-1));
}

TEST(AluDivRemTest, HonestTraceMatchesReference) {
  auto traces = BuildTraces(Events());
  EXPECT_TRUE(RowsMatchReference(traces, kDivRem));
  EXPECT_TRUE(RowsMatchReference(traces, kLessThan));  // the remainder bounds
  CheckResult check = CheckCircuit(traces);
  EXPECT_TRUE(check.ok()) << check.ToString();
}

TEST(AluDivRemTest, HonestProofVerifies) {
  stark::VerifyResult r = ProveAndVerify(BuildTraces(Events()));
  EXPECT_TRUE(r.ok) << r.reason;
}

const std::vector<AluEvent> kSmall = {{Opcode::kDivu, 100, 7},
                                      {Opcode::kRemu, 100, 7},
                                      {Opcode::kDivu, 0x700, 7},
                                      {Opcode::kDivu, 5, 0},
                                      {Opcode::kDiv, 0x80000000, 1}};

TEST(AluDivRemTest, QuotientOffByOneIsCaught) {
  auto traces = BuildTraces(kSmall);
  RowOf<DivRemCols>(traces[kDivRem], 0).q[0] += BabyBear::one();
  SenderRow(traces, Opcode::kDivu, 100, 7).a[0] += BabyBear::one();
  ExpectCaught(traces, kDivRem, "divrem: product limb 0", true, true);
}

TEST(AluDivRemTest, RemainderNotBelowDivisorIsCaught) {
  auto traces = BuildTraces(kSmall);
  // 100 = 7 * 13 + 9: the product holds, the bound 9 < 7 is a lookup no table serves.
  auto& row = RowOf<DivRemCols>(traces[kDivRem], 1);
  row.q[0] = BabyBear::from_canonical(13);
  row.r[0] = row.r_abs[0] = BabyBear::from_canonical(9);
  SenderRow(traces, Opcode::kRemu, 100, 7).a[0] = BabyBear::from_canonical(9);
  ExpectCaught(traces, kDivRem, "", false, true);
}

TEST(AluDivRemTest, WrongCarryIsCaught) {
  auto traces = BuildTraces(kSmall);
  RowOf<DivRemCols>(traces[kDivRem], 0).carry_low[0] += BabyBear::one();
  ExpectCaught(traces, kDivRem, "divrem: product limb 0", true, true);
}

TEST(AluDivRemTest, LimbOutOfByteRangeIsCaught) {
  auto traces = BuildTraces(kSmall);
  // 0x700 / 7 = 0x100 with q as limbs (256, 0, 0, 0): the product identities still hold.
  auto& row = RowOf<DivRemCols>(traces[kDivRem], 2);
  row.q[0] = BabyBear::from_canonical(256);
  row.q[1] = BabyBear::zero();
  auto& sent = SenderRow(traces, Opcode::kDivu, 0x700, 7);
  sent.a[0] = BabyBear::from_canonical(256);
  sent.a[1] = BabyBear::zero();
  ExpectCaught(traces, kDivRem, "", true, false);
}

TEST(AluDivRemTest, DivisionByZeroQuotientIsForced) {
  auto traces = BuildTraces(kSmall);
  RowOf<DivRemCols>(traces[kDivRem], 3).q[0] = BabyBear::zero();
  SenderRow(traces, Opcode::kDivu, 5, 0).a[0] = BabyBear::zero();
  ExpectCaught(traces, kDivRem, "divrem: division by zero quotient", true, true,
               /*prove=*/false);
}

TEST(AluDivRemTest, OverflowFlagNeedsMinusOne) {
  auto traces = BuildTraces(kSmall);
  RowOf<DivRemCols>(traces[kDivRem], 4).overflow = BabyBear::one();
  ExpectCaught(traces, kDivRem, "divrem: overflow means c = -1", true, true, /*prove=*/false);
}

TEST(AluDivRemTest, BusNeedsSenderAndReceiverToAgree) {
  auto traces = BuildTraces(kSmall);
  SenderRow(traces, Opcode::kRemu, 100, 7).multiplicity += BabyBear::one();
  ExpectCaught(traces, kDivRem, "", false, true, /*prove=*/false);
}

}  // namespace
}  // namespace prova::rv32im::testing
