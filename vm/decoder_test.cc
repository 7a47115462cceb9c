#include "vm/decoder.h"

#include <gtest/gtest.h>

#include "vm/assembler.h"

namespace prova::vm {
namespace {

using namespace rv32;

TEST(DecoderTest, ImmediatesRoundTripThroughTheEncoders) {
  for (int32_t off : {-4096, -2050, -4, 0, 4, 2048, 4094}) {
    EXPECT_EQ(Decode(Beq(t0, t1, off)).imm, off);
  }
  for (int32_t off : {-(1 << 20), -4, 0, 8, (1 << 20) - 2}) {
    EXPECT_EQ(Decode(Jal(ra, off)).imm, off);
  }
  for (int32_t imm : {-2048, -1, 0, 1, 2047}) {
    EXPECT_EQ(Decode(Addi(t0, t1, imm)).imm, imm);
    EXPECT_EQ(Decode(Sw(t0, t1, imm)).imm, imm);
    EXPECT_EQ(Decode(Lw(t0, t1, imm)).imm, imm);
  }
  EXPECT_EQ(static_cast<uint32_t>(Decode(Lui(t0, 0xfffff000u)).imm), 0xfffff000u);
}

TEST(DecoderTest, RegisterFields) {
  const DecodedInstruction add = Decode(Add(a0, a1, a2));
  EXPECT_EQ(add.op, Op::kAdd);
  EXPECT_EQ(add.rd, a0);
  EXPECT_EQ(add.rs1, a1);
  EXPECT_EQ(add.rs2, a2);
  EXPECT_EQ(Decode(Add(zero, a1, a2)).rd, kDiscardRegister);
  const DecodedInstruction addi = Decode(Addi(a0, a1, 0x7ff));
  EXPECT_EQ(addi.rs2, 0);  // the immediate's bits are not a register
  const DecodedInstruction sw = Decode(Sw(a2, a1, 4));
  EXPECT_EQ(sw.rd, kDiscardRegister);
  EXPECT_EQ(sw.rs1, a1);
  EXPECT_EQ(sw.rs2, a2);
}

TEST(DecoderTest, RejectsReservedEncodings) {
  EXPECT_EQ(Decode(0x00000000).op, Op::kIllegal);
  EXPECT_EQ(Decode(0xffffffff).op, Op::kIllegal);
  EXPECT_EQ(Decode(0x00004501).op, Op::kIllegal);                    // c.li a0, 0 (compressed)
  EXPECT_EQ(Decode(Slli(t0, t0, 1) | (1u << 25)).op, Op::kIllegal);  // shamt[5] on RV32
  EXPECT_EQ(Decode(Srai(t0, t0, 1) | (1u << 25)).op, Op::kIllegal);
  EXPECT_EQ(Decode(EncodeR(0x33, 0, 0x40, t0, t1, t2)).op, Op::kIllegal);
  EXPECT_EQ(Decode(EncodeR(0x33, 1, 0x20, t0, t1, t2)).op, Op::kIllegal);
  EXPECT_EQ(Decode(EncodeI(0x03, 3, t0, t1, 0)).op, Op::kIllegal);  // ld
  EXPECT_EQ(Decode(EncodeS(0x23, 3, t0, t1, 0)).op, Op::kIllegal);  // sd
  EXPECT_EQ(Decode(EncodeB(0x63, 2, t0, t1, 8)).op, Op::kIllegal);
  EXPECT_EQ(Decode(EncodeI(0x67, 1, t0, t1, 0)).op, Op::kIllegal);  // jalr funct3 != 0
  EXPECT_EQ(Decode(EncodeI(0x0f, 2, 0, 0, 0)).op, Op::kIllegal);
}

TEST(DecoderTest, OnlyReadOnlyCountersAreAccepted) {
  EXPECT_EQ(Decode(Csrrs(a0, 0xc00, zero)).op, Op::kReadCounter);
  EXPECT_EQ(Decode(Csrrs(a0, 0xc02, zero)).op, Op::kReadCounter);
  EXPECT_EQ(Decode(Csrrs(a0, 0xc80, zero)).op, Op::kReadCounterHigh);
  EXPECT_EQ(Decode(Csrrs(a0, 0xc82, zero)).op, Op::kReadCounterHigh);
  EXPECT_EQ(Decode(Csrrs(a0, 0xc01, zero)).op, Op::kIllegal);             // rdtime
  EXPECT_EQ(Decode(Csrrs(a0, 0xc00, t0)).op, Op::kIllegal);               // would set bits
  EXPECT_EQ(Decode(EncodeI(0x73, 1, a0, zero, 0xc00)).op, Op::kIllegal);  // csrrw
  EXPECT_EQ(Decode(EncodeI(0x73, 3, a0, zero, 0xc00)).op, Op::kIllegal);  // csrrc
  EXPECT_EQ(Decode(Csrrs(a0, 0x300, zero)).op, Op::kIllegal);             // mstatus
  EXPECT_EQ(Decode(0x30200073).op, Op::kIllegal);                         // mret
  EXPECT_EQ(Decode(0x10500073).op, Op::kIllegal);                         // wfi
  EXPECT_EQ(Decode(Ecall()).op, Op::kEcall);
  EXPECT_EQ(Decode(Ebreak()).op, Op::kEbreak);
  EXPECT_EQ(Decode(Fence()).op, Op::kFence);
  EXPECT_EQ(Decode(FenceI()).op, Op::kFence);
}

TEST(DecoderTest, OpNames) {
  EXPECT_EQ(OpName(Op::kMulhsu), "Mulhsu");
  EXPECT_EQ(OpName(Op::kIllegal), "Illegal");
}

}  // namespace
}  // namespace prova::vm
