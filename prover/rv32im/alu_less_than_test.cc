// Less-than table (SLT, SLTU): reference semantics, and tampering is caught.

#include <gtest/gtest.h>

#include "prover/rv32im/alu_test_harness.h"

namespace prova::rv32im::testing {
namespace {

std::vector<AluEvent> Events() {
  auto events = EdgeEvents(Opcode::kSlt, 100, 20);
  for (const auto& e : EdgeEvents(Opcode::kSltu, 100, 21)) events.push_back(e);
  return events;
}

TEST(AluLessThanTest, HonestTraceMatchesReference) {
  auto traces = BuildTraces(Events());
  EXPECT_TRUE(RowsMatchReference(traces, kLessThan));
  CheckResult check = CheckCircuit(traces);
  EXPECT_TRUE(check.ok()) << check.ToString();
}

TEST(AluLessThanTest, HonestProofVerifies) {
  stark::VerifyResult r = ProveAndVerify(BuildTraces(Events()));
  EXPECT_TRUE(r.ok) << r.reason;
}

// -1 < 1 signed, not unsigned.
const std::vector<AluEvent> kSmall = {
    {Opcode::kSlt, 0xffffffff, 1}, {Opcode::kSltu, 0xffffffff, 1}, {Opcode::kSltu, 3, 0x300}};

TEST(AluLessThanTest, FlippedResultIsCaught) {
  for (size_t r : {0, 1}) {
    auto traces = BuildTraces(kSmall);
    auto& row = RowOf<LessThanCols>(traces[kLessThan], r);
    row.lt = BabyBear::one() - row.lt;
    auto& sent = SenderRow(traces, kSmall[r].op, kSmall[r].b, kSmall[r].c);
    sent.a[0] = BabyBear::one() - sent.a[0];
    ExpectCaught(traces, kLessThan, "less-than: high half", true, true);
  }
}

TEST(AluLessThanTest, WrongSignBitIsCaught) {
  auto traces = BuildTraces(kSmall);
  // Claim that -1 is non-negative, hence not below 1: with msb_b = 0 the subtraction
  // 0x17fff... - 0x8000... works out with lt = 0 and d = 0xfffffffe, so only the sign-bit byte
  // lookup (2 * 0xff - 0 = 510) objects.
  auto& row = RowOf<LessThanCols>(traces[kLessThan], 0);
  row.msb_b = BabyBear::zero();
  row.lt = BabyBear::zero();
  row.diff_lo = BabyBear::from_canonical(0xfffe);
  row.diff_hi = BabyBear::from_canonical(0xffff);
  SenderRow(traces, Opcode::kSlt, 0xffffffff, 1).a[0] = BabyBear::zero();
  ExpectCaught(traces, kLessThan, "", true, false);
}

TEST(AluLessThanTest, DiffOutOfRangeIsCaught) {
  auto traces = BuildTraces(kSmall);
  // Claim 3 >= 0x300 with a "negative" low difference 3 - 0x300 and no borrow: every identity
  // holds, only the 16-bit range check of the difference objects.
  auto& row = RowOf<LessThanCols>(traces[kLessThan], 2);
  row.diff_lo = BabyBear::from_i64(3 - 0x300);
  row.diff_hi = BabyBear::zero();
  row.lt = BabyBear::zero();
  SenderRow(traces, Opcode::kSltu, 3, 0x300).a[0] = BabyBear::zero();
  ExpectCaught(traces, kLessThan, "", true, false);
}

TEST(AluLessThanTest, BusNeedsSenderAndReceiverToAgree) {
  auto traces = BuildTraces(kSmall);
  SenderRow(traces, Opcode::kSltu, 3, 0x300).multiplicity += BabyBear::one();
  ExpectCaught(traces, kLessThan, "", false, true, /*prove=*/false);
}

}  // namespace
}  // namespace prova::rv32im::testing
