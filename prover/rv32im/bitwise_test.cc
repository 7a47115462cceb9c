// Bitwise table (AND, OR, XOR): reference semantics, and tampering is caught.

#include <gtest/gtest.h>

#include "prover/rv32im/alu_test_harness.h"

namespace prova::rv32im::testing {
namespace {

std::vector<AluEvent> Events() {
  std::vector<AluEvent> events;
  uint64_t seed = 10;
  for (Opcode op : {Opcode::kAnd, Opcode::kOr, Opcode::kXor}) {
    for (const auto& e : EdgeEvents(op, 60, seed++)) events.push_back(e);
  }
  return events;
}

TEST(AluBitwiseTest, HonestTraceMatchesReference) {
  auto traces = BuildTraces(Events());
  EXPECT_TRUE(RowsMatchReference(traces, kBitwise));
  CheckResult check = CheckCircuit(traces);
  EXPECT_TRUE(check.ok()) << check.ToString();
}

TEST(AluBitwiseTest, HonestProofVerifies) {
  stark::VerifyResult r = ProveAndVerify(BuildTraces(Events()));
  EXPECT_TRUE(r.ok) << r.reason;
}

const std::vector<AluEvent> kSmall = {{Opcode::kXor, 0xf0f0a5a5, 0x0ff05a5a},
                                      {Opcode::kOr, 0x12, 0x30},
                                      {Opcode::kAnd, 0x1ff, 0x1ff}};

TEST(AluBitwiseTest, ResultOffByOneIsCaught) {
  auto traces = BuildTraces(kSmall);
  // The AND byte is what the result is made of: a wrong one is not in the byte table.
  RowOf<BitwiseCols>(traces[kBitwise], 1).b_and_c[0] += BabyBear::one();  // OR = b + c - and
  SenderRow(traces, Opcode::kOr, 0x12, 0x30).a[0] -= BabyBear::one();
  ExpectCaught(traces, kBitwise, "", true, false);
}

TEST(AluBitwiseTest, WrongOperationFlagIsCaught) {
  auto traces = BuildTraces(kSmall);
  auto& row = RowOf<BitwiseCols>(traces[kBitwise], 0);
  row.is_or = BabyBear::one();  // both flags set
  ExpectCaught(traces, kBitwise, "bitwise: one operation", false, true, /*prove=*/false);
}

TEST(AluBitwiseTest, LimbOutOfByteRangeIsCaught) {
  auto traces = BuildTraces(kSmall);
  // AND(0x1ff, 0x1ff) with b and c as limbs (255 + 256, 0, ...): the AND lookup rejects them.
  auto& row = RowOf<BitwiseCols>(traces[kBitwise], 2);
  row.b[0] = row.c[0] = row.b_and_c[0] = BabyBear::from_canonical(511);
  row.b[1] = row.c[1] = row.b_and_c[1] = BabyBear::zero();
  auto& sent = SenderRow(traces, Opcode::kAnd, 0x1ff, 0x1ff);
  sent.a[0] = sent.b[0] = sent.c[0] = BabyBear::from_canonical(511);
  sent.a[1] = sent.b[1] = sent.c[1] = BabyBear::zero();
  ExpectCaught(traces, kBitwise, "", true, false);
}

TEST(AluBitwiseTest, BusNeedsSenderAndReceiverToAgree) {
  auto traces = BuildTraces(kSmall);
  SenderRow(traces, Opcode::kXor, 0xf0f0a5a5, 0x0ff05a5a).a[3] += BabyBear::one();
  ExpectCaught(traces, kBitwise, "", false, true, /*prove=*/false);
}

}  // namespace
}  // namespace prova::rv32im::testing
