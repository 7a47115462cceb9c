// MUL table (MUL, MULH, MULHSU, MULHU): reference semantics, and tampering is caught.

#include <gtest/gtest.h>

#include "prover/rv32im/alu_test_harness.h"

namespace prova::rv32im::testing {
namespace {

std::vector<AluEvent> Events() {
  std::vector<AluEvent> events;
  uint64_t seed = 30;
  // Every sign combination of the operands is among the edge values (0x7fffffff, 0x80000000,
  // 0xffffffff, small positives).
  for (Opcode op : {Opcode::kMul, Opcode::kMulh, Opcode::kMulhsu, Opcode::kMulhu}) {
    for (const auto& e : EdgeEvents(op, 60, seed++)) events.push_back(e);
  }
  return events;
}

TEST(AluMulTest, HonestTraceMatchesReference) {
  auto traces = BuildTraces(Events());
  EXPECT_TRUE(RowsMatchReference(traces, kMul));
  CheckResult check = CheckCircuit(traces);
  EXPECT_TRUE(check.ok()) << check.ToString();
}

TEST(AluMulTest, HonestProofVerifies) {
  stark::VerifyResult r = ProveAndVerify(BuildTraces(Events()));
  EXPECT_TRUE(r.ok) << r.reason;
}

const std::vector<AluEvent> kSmall = {{Opcode::kMulhu, 0xffffffff, 0xffffffff},
                                      {Opcode::kMul, 0x100, 1},
                                      {Opcode::kMulhu, 0xffffffff, 1}};

TEST(AluMulTest, ResultOffByOneIsCaught) {
  auto traces = BuildTraces(kSmall);
  RowOf<MulCols>(traces[kMul], 0).hi[0] += BabyBear::one();
  SenderRow(traces, Opcode::kMulhu, 0xffffffff, 0xffffffff).a[0] += BabyBear::one();
  ExpectCaught(traces, kMul, "mul: product limb 2", true, true);
}

TEST(AluMulTest, WrongCarryIsCaught) {
  auto traces = BuildTraces(kSmall);
  RowOf<MulCols>(traces[kMul], 0).carry_low[1] += BabyBear::one();
  ExpectCaught(traces, kMul, "mul: product limb 1", true, true);
}

TEST(AluMulTest, LimbOutOfByteRangeIsCaught) {
  auto traces = BuildTraces(kSmall);
  // 0x100 * 1 with the low word as limbs (256, 0, 0, 0): every product identity still holds.
  auto& row = RowOf<MulCols>(traces[kMul], 1);
  row.lo[0] = BabyBear::from_canonical(256);
  row.lo[1] = BabyBear::zero();
  auto& sent = SenderRow(traces, Opcode::kMul, 0x100, 1);
  sent.a[0] = BabyBear::from_canonical(256);
  sent.a[1] = BabyBear::zero();
  ExpectCaught(traces, kMul, "", true, false);
}

TEST(AluMulTest, MissingSignExtensionIsCaught) {
  auto traces = BuildTraces(kSmall);
  // MULHU(-1, 1) = 0 relabelled as MULH(-1, 1) (which is -1): b treated as unsigned although
  // MULH makes it signed; only the sign-bit lookup (2 * 0xff - 0 = 510) objects.
  auto& row = RowOf<MulCols>(traces[kMul], 2);
  row.is_mulhu = BabyBear::zero();
  row.is_mulh = BabyBear::one();
  SenderRow(traces, Opcode::kMulhu, 0xffffffff, 1).opcode =
      BabyBear::from_canonical(OpcodeId(Opcode::kMulh));
  ExpectCaught(traces, kMul, "", true, false, /*prove=*/false);
}

TEST(AluMulTest, BusNeedsSenderAndReceiverToAgree) {
  auto traces = BuildTraces(kSmall);
  SenderRow(traces, Opcode::kMul, 0x100, 1).a[1] = BabyBear::zero();
  ExpectCaught(traces, kMul, "", false, true, /*prove=*/false);
}

}  // namespace
}  // namespace prova::rv32im::testing
