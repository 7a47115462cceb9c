// Shift table (SLL, SRL, SRA): reference semantics, and tampering is caught.

#include <gtest/gtest.h>

#include "prover/rv32im/alu_test_harness.h"

namespace prova::rv32im::testing {
namespace {

std::vector<AluEvent> Events() {
  std::vector<AluEvent> events;
  uint64_t seed = 50;
  // The edge values include shift amounts 0, 1, 31, 32 (masked to 0), 33 and 0xffffffff.
  for (Opcode op : {Opcode::kSll, Opcode::kSrl, Opcode::kSra}) {
    for (const auto& e : EdgeEvents(op, 60, seed++)) events.push_back(e);
    for (uint32_t s = 0; s < 40; ++s) events.push_back({op, 0x80f1e2d3u, s});
  }
  return events;
}

TEST(AluShiftTest, HonestTraceMatchesReference) {
  auto traces = BuildTraces(Events());
  EXPECT_TRUE(RowsMatchReference(traces, kShift));
  CheckResult check = CheckCircuit(traces);
  EXPECT_TRUE(check.ok()) << check.ToString();
}

TEST(AluShiftTest, HonestProofVerifies) {
  stark::VerifyResult r = ProveAndVerify(BuildTraces(Events()));
  EXPECT_TRUE(r.ok) << r.reason;
}

const std::vector<AluEvent> kSmall = {
    {Opcode::kSra, 0x80000000, 4}, {Opcode::kSll, 1, 0x100}, {Opcode::kSrl, 0x80000000, 4}};

TEST(AluShiftTest, ResultOffByOneIsCaught) {
  auto traces = BuildTraces(kSmall);
  RowOf<ShiftCols>(traces[kShift], 0).a[3] -= BabyBear::one();  // 0xf8000000 -> 0xf7000000
  SenderRow(traces, Opcode::kSra, 0x80000000, 4).a[3] -= BabyBear::one();
  ExpectCaught(traces, kShift, "shift: result byte 3", true, true);
}

TEST(AluShiftTest, WrongByteSplitIsCaught) {
  auto traces = BuildTraces(kSmall);
  RowOf<ShiftCols>(traces[kShift], 0).hi[3] += BabyBear::one();
  ExpectCaught(traces, kShift, "shift: byte split", true, true);
}

// A multiplier that is not 2^k (left) or 2^(8 - k) (right) for the row's bits, with the byte
// split, the result and the sender all consistent with it: only the multiplier's constraint
// objects, and nothing but that constraint ties the multiplier to the bits.
TEST(AluShiftTest, WrongLeftMultiplierIsCaught) {
  auto traces = BuildTraces(kSmall);
  auto& row = RowOf<ShiftCols>(traces[kShift], 1);  // SLL(1, 0x100): a shift by 0, pow 1
  row.pow = BabyBear::from_canonical(2);
  row.lo[0] = BabyBear::from_canonical(2);
  row.a[0] = BabyBear::from_canonical(2);
  SenderRow(traces, Opcode::kSll, 1, 0x100).a[0] = BabyBear::from_canonical(2);
  ExpectCaught(traces, kShift, "shift: left multiplier", true, true);
}

TEST(AluShiftTest, WrongRightMultiplierIsCaught) {
  auto traces = BuildTraces(kSmall);
  auto& row = RowOf<ShiftCols>(traces[kShift], 2);  // SRL(0x80000000, 4): pow 16
  row.pow = BabyBear::from_canonical(32);           // 0x80 * 32 = 16 * 256
  row.hi[3] = BabyBear::from_canonical(16);
  row.a[3] = BabyBear::from_canonical(16);  // 0x10000000 = 0x80000000 >> 3
  SenderRow(traces, Opcode::kSrl, 0x80000000, 4).a[3] = BabyBear::from_canonical(16);
  ExpectCaught(traces, kShift, "shift: right multiplier", true, true);
}

TEST(AluShiftTest, LimbOutOfByteRangeIsCaught) {
  auto traces = BuildTraces(kSmall);
  // SLL(1, 0x100) shifts by 0; as limbs (256, 0, 0, 0) the amount would read c0 = 256 = 32 * 8,
  // still a shift by 0: only the byte lookup of (c0, c1) objects.
  auto& row = RowOf<ShiftCols>(traces[kShift], 1);
  row.c[0] = BabyBear::from_canonical(256);
  row.c[1] = BabyBear::zero();
  row.c0_high = BabyBear::from_canonical(8);
  auto& sent = SenderRow(traces, Opcode::kSll, 1, 0x100);
  sent.c[0] = BabyBear::from_canonical(256);
  sent.c[1] = BabyBear::zero();
  ExpectCaught(traces, kShift, "", true, false);
}

TEST(AluShiftTest, MissingSignFillIsCaught) {
  auto traces = BuildTraces(kSmall);
  // SRL(0x80000000, 4) relabelled as SRA with sign 0: only the sign-bit lookup objects.
  auto& row = RowOf<ShiftCols>(traces[kShift], 2);
  row.is_srl = BabyBear::zero();
  row.is_sra = BabyBear::one();
  SenderRow(traces, Opcode::kSrl, 0x80000000, 4).opcode =
      BabyBear::from_canonical(OpcodeId(Opcode::kSra));
  ExpectCaught(traces, kShift, "", true, false, /*prove=*/false);
}

TEST(AluShiftTest, BusNeedsSenderAndReceiverToAgree) {
  auto traces = BuildTraces(kSmall);
  SenderRow(traces, Opcode::kSll, 1, 0x100).a[0] = BabyBear::from_canonical(2);
  ExpectCaught(traces, kShift, "", false, true, /*prove=*/false);
}

}  // namespace
}  // namespace prova::rv32im::testing
