// ADD/SUB table: reference semantics, and every kind of tampering is caught.

#include <gtest/gtest.h>

#include "prover/rv32im/alu_test_harness.h"

namespace prova::rv32im::testing {
namespace {

std::vector<AluEvent> Events() {
  auto events = EdgeEvents(Opcode::kAdd, 100, 1);
  for (const auto& e : EdgeEvents(Opcode::kSub, 100, 2)) events.push_back(e);
  return events;
}

TEST(AluAddSubTest, HonestTraceMatchesReference) {
  auto traces = BuildTraces(Events());
  EXPECT_TRUE(RowsMatchReference(traces, kAddSub));
  CheckResult check = CheckCircuit(traces);
  EXPECT_TRUE(check.ok()) << check.ToString();
}

TEST(AluAddSubTest, HonestProofVerifies) {
  auto traces = BuildTraces(Events());
  stark::VerifyResult r = ProveAndVerify(traces);
  EXPECT_TRUE(r.ok) << r.reason;
}

// The first rows of the table are these events, in order.
const std::vector<AluEvent> kSmall = {
    {Opcode::kAdd, 0x0000ffff, 1}, {Opcode::kSub, 5, 7}, {Opcode::kAdd, 0x100, 0}};

TEST(AluAddSubTest, ResultOffByOneIsCaught) {
  auto traces = BuildTraces(kSmall);
  // Table and sender agree on the wrong sum: only the carry constraint can object.
  RowOf<AddSubCols>(traces[kAddSub], 0).x[0] += BabyBear::one();
  SenderRow(traces, Opcode::kAdd, 0x0000ffff, 1).a[0] += BabyBear::one();
  ExpectCaught(traces, kAddSub, "add/sub: carry 0 boolean", true, true);
}

TEST(AluAddSubTest, SubResultOffByOneIsCaught) {
  auto traces = BuildTraces(kSmall);
  RowOf<AddSubCols>(traces[kAddSub], 1).y[3] -= BabyBear::one();  // 5 - 7 = 0xfffffffe
  SenderRow(traces, Opcode::kSub, 5, 7).a[3] -= BabyBear::one();
  ExpectCaught(traces, kAddSub, "add/sub: carry 1 boolean", true, true, /*prove=*/false);
}

TEST(AluAddSubTest, DroppedCarryIsCaught) {
  auto traces = BuildTraces(kSmall);
  // 0xffff + 1 = 0x10000; claim 0 (the carry into the high half dropped).
  RowOf<AddSubCols>(traces[kAddSub], 0).x[2] = BabyBear::zero();
  SenderRow(traces, Opcode::kAdd, 0x0000ffff, 1).a[2] = BabyBear::zero();
  ExpectCaught(traces, kAddSub, "add/sub: carry 1 boolean", true, true);
}

TEST(AluAddSubTest, LimbOutOfByteRangeIsCaught) {
  auto traces = BuildTraces(kSmall);
  // 0x100 as limbs (256, 0, 0, 0): the same value, so only the byte lookups object.
  auto& row = RowOf<AddSubCols>(traces[kAddSub], 2);
  row.x[0] = BabyBear::from_canonical(256);
  row.x[1] = BabyBear::zero();
  auto& sent = SenderRow(traces, Opcode::kAdd, 0x100, 0);
  sent.a[0] = BabyBear::from_canonical(256);
  sent.a[1] = BabyBear::zero();
  ExpectCaught(traces, kAddSub, "", true, false);
}

TEST(AluAddSubTest, BusNeedsSenderAndReceiverToAgree) {
  auto traces = BuildTraces(kSmall);
  {
    auto t = traces;
    SenderRow(t, Opcode::kSub, 5, 7).multiplicity += BabyBear::one();  // one lookup too many
    ExpectCaught(t, kAddSub, "", false, true);
  }
  {
    auto t = traces;
    SenderRow(t, Opcode::kSub, 5, 7).a[0] += BabyBear::one();  // a result no table proves
    ExpectCaught(t, kAddSub, "", false, true, /*prove=*/false);
  }
  {
    auto t = traces;
    RowOf<AddSubCols>(t[kAddSub], 1).multiplicity = BabyBear::zero();  // nobody receives
    ExpectCaught(t, kAddSub, "", false, true, /*prove=*/false);
  }
}

}  // namespace
}  // namespace prova::rv32im::testing
