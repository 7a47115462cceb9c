// One test per instruction group, with the edge cases the spec singles out.

#include <gtest/gtest.h>

#include <array>
#include <climits>
#include <cstdint>
#include <iterator>

#include "vm/testing.h"

namespace prova::vm {
namespace {

using namespace rv32;
using testing::RunCode;

// Runs `body` and returns register `r` afterwards; the program must exit normally.
uint32_t RegisterAfter(Code body, Reg r, std::vector<uint8_t> data = {}, uint32_t data_size = 0) {
  ExecuteResult result = RunCode(std::move(body), std::move(data), data_size);
  EXPECT_EQ(result.status, ExecuteResult::kExited)
      << (result.fault ? result.fault->message : std::string());
  return result.registers[r];
}

uint32_t BinaryOp(uint32_t (*op)(uint32_t, uint32_t, uint32_t), uint32_t a, uint32_t b) {
  Code c;
  c << Li(t0, a) << Li(t1, b) << op(t2, t0, t1);
  return RegisterAfter(c, t2);
}

TEST(InstructionTest, AddSubWrap) {
  EXPECT_EQ(BinaryOp(Add, 0xffffffffu, 2), 1u);
  EXPECT_EQ(BinaryOp(Add, 0x7fffffffu, 1), 0x80000000u);
  EXPECT_EQ(BinaryOp(Sub, 0, 1), 0xffffffffu);
  EXPECT_EQ(BinaryOp(Sub, 0x80000000u, 1), 0x7fffffffu);
}

TEST(InstructionTest, Logic) {
  EXPECT_EQ(BinaryOp(And, 0xff00ff00u, 0x0ff00ff0u), 0x0f000f00u);
  EXPECT_EQ(BinaryOp(Or, 0xff00ff00u, 0x0ff00ff0u), 0xfff0fff0u);
  EXPECT_EQ(BinaryOp(Xor, 0xff00ff00u, 0x0ff00ff0u), 0xf0f0f0f0u);
  Code c;
  c << Li(t0, 0x12345678) << Andi(t1, t0, -16) << Ori(t2, t0, 0x7ff) << Xori(t3, t0, -1);
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[t1], 0x12345670u);
  EXPECT_EQ(r.registers[t2], 0x123457ffu);
  EXPECT_EQ(r.registers[t3], ~0x12345678u);
}

TEST(InstructionTest, SetLessThanSignedAndUnsigned) {
  EXPECT_EQ(BinaryOp(Slt, 0xffffffffu, 1), 1u);   // -1 < 1
  EXPECT_EQ(BinaryOp(Sltu, 0xffffffffu, 1), 0u);  // 2^32-1 > 1
  EXPECT_EQ(BinaryOp(Slt, 5, 5), 0u);
  EXPECT_EQ(BinaryOp(Sltu, 5, 5), 0u);
  Code c;
  c << Li(t0, 0xffffffffu) << Slti(t1, t0, 0) << Sltiu(t2, t0, -1) << Sltiu(t3, zero, 1)
    << Slti(t4, t0, -2);
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[t1], 1u);  // -1 < 0
  EXPECT_EQ(r.registers[t2], 0u);  // imm -1 compares as 0xffffffff unsigned: equal, not less
  EXPECT_EQ(r.registers[t3], 1u);  // seqz idiom
  EXPECT_EQ(r.registers[t4], 0u);
}

TEST(InstructionTest, ShiftAmountsAreMaskedToFiveBits) {
  EXPECT_EQ(BinaryOp(Sll, 1, 33), 2u);
  EXPECT_EQ(BinaryOp(Sll, 1, 32), 1u);
  EXPECT_EQ(BinaryOp(Srl, 0x80000000u, 0xffffffffu), 1u);  // shift by 31
  EXPECT_EQ(BinaryOp(Sra, 0x80000000u, 63), 0xffffffffu);
  EXPECT_EQ(BinaryOp(Sra, 0x80000000u, 4), 0xf8000000u);
  EXPECT_EQ(BinaryOp(Srl, 0x80000000u, 4), 0x08000000u);
  Code c;
  c << Li(t0, 0x80000001u) << Slli(t1, t0, 31) << Srli(t2, t0, 31) << Srai(t3, t0, 31)
    << Srai(t4, t0, 0);
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[t1], 0x80000000u);
  EXPECT_EQ(r.registers[t2], 1u);
  EXPECT_EQ(r.registers[t3], 0xffffffffu);
  EXPECT_EQ(r.registers[t4], 0x80000001u);
}

TEST(InstructionTest, LuiAndAddiSignExtension) {
  Code c;
  c << Lui(t0, 0xfffff000u) << Lui(t1, 0x80000000u) << Addi(t2, zero, -1) << Addi(t3, zero, 2047)
    << Addi(t4, zero, -2048);
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[t0], 0xfffff000u);
  EXPECT_EQ(r.registers[t1], 0x80000000u);
  EXPECT_EQ(r.registers[t2], 0xffffffffu);
  EXPECT_EQ(r.registers[t3], 2047u);
  EXPECT_EQ(r.registers[t4], 0xfffff800u);
}

TEST(InstructionTest, AuipcAddsItsOwnPc) {
  Code c;
  c << Addi(t1, zero, 0);       // pc 0x10000
  c << Auipc(t0, 0x1000);       // pc 0x10004
  c << Auipc(t2, 0xfffff000u);  // pc 0x10008, negative offset
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[t0], kDefaultCodeAddress + 4 + 0x1000);
  EXPECT_EQ(r.registers[t2], kDefaultCodeAddress + 8 - 0x1000);
}

TEST(InstructionTest, JalLinksAndJumpsForwardAndBack) {
  Code c;
  c << Jal(ra, 12);        // 0x00 -> 0x0c
  c << Addi(t0, zero, 1);  // 0x04 (runs after the backward jump)
  c << Jal(zero, 12);      // 0x08 -> 0x14
  c << Addi(t1, zero, 2);  // 0x0c
  c << Jal(s1, -12);       // 0x10 -> 0x04
  c << Addi(t2, zero, 3);  // 0x14
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[ra], kDefaultCodeAddress + 4);
  EXPECT_EQ(r.registers[s1], kDefaultCodeAddress + 0x14);
  EXPECT_EQ(r.registers[t0], 1u);
  EXPECT_EQ(r.registers[t1], 2u);
  EXPECT_EQ(r.registers[t2], 3u);
}

TEST(InstructionTest, JalrClearsBitZeroAndReadsRs1BeforeWritingRd) {
  Code c;
  c << Li(t0, kDefaultCodeAddress + 0x15);  // 0x00, 0x04: target 0x14 with bit 0 set
  c << Jalr(ra, t0, 0);                     // 0x08
  c << Addi(t1, zero, 1);                   // 0x0c (skipped)
  c << Addi(t1, zero, 2);                   // 0x10 (skipped)
  c << Li(t2, kDefaultCodeAddress + 0x20);  // 0x14, 0x18
  c << Jalr(t2, t2, 4);                     // 0x1c: rd == rs1, target 0x24
  c << Addi(t3, zero, 1);                   // 0x20 (skipped)
  c << Addi(t4, zero, 9);                   // 0x24
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[ra], kDefaultCodeAddress + 0x0c);
  EXPECT_EQ(r.registers[t1], 0u);
  EXPECT_EQ(r.registers[t2], kDefaultCodeAddress + 0x20);
  EXPECT_EQ(r.registers[t3], 0u);
  EXPECT_EQ(r.registers[t4], 9u);
}

// Each branch either skips `addi t2, t2, 1` (taken) or not.
bool Taken(uint32_t (*branch)(uint32_t, uint32_t, int32_t), uint32_t a, uint32_t b) {
  Code c;
  c << Li(t0, a) << Li(t1, b) << branch(t0, t1, 8) << Addi(t2, t2, 1);
  return RegisterAfter(c, t2) == 0;
}

TEST(InstructionTest, BranchesOnEqualOperands) {
  EXPECT_TRUE(Taken(Beq, 7, 7));
  EXPECT_FALSE(Taken(Bne, 7, 7));
  EXPECT_FALSE(Taken(Blt, 7, 7));
  EXPECT_TRUE(Taken(Bge, 7, 7));
  EXPECT_FALSE(Taken(Bltu, 7, 7));
  EXPECT_TRUE(Taken(Bgeu, 7, 7));
}

TEST(InstructionTest, BranchesSignedVersusUnsigned) {
  EXPECT_TRUE(Taken(Blt, 0xffffffffu, 1));
  EXPECT_FALSE(Taken(Bltu, 0xffffffffu, 1));
  EXPECT_FALSE(Taken(Bge, 0xffffffffu, 1));
  EXPECT_TRUE(Taken(Bgeu, 0xffffffffu, 1));
  EXPECT_TRUE(Taken(Bne, 1, 2));
  EXPECT_FALSE(Taken(Beq, 1, 2));
}

TEST(InstructionTest, BackwardBranchLoop) {
  Code c;
  c << Addi(t0, zero, 10) << Addi(t1, t1, 3) << Addi(t0, t0, -1) << Bne(t0, zero, -8);
  EXPECT_EQ(RegisterAfter(c, t1), 30u);
}

TEST(InstructionTest, LoadsSignAndZeroExtend) {
  const std::vector<uint8_t> data = {0x80, 0x7f, 0x01, 0x80, 0xef, 0xbe, 0xad, 0xde};
  Code c;
  c << Li(s0, kDefaultDataAddress) << Lb(t0, s0, 0) << Lbu(t1, s0, 0) << Lb(t2, s0, 1)
    << Lh(t3, s0, 2) << Lhu(t4, s0, 2) << Lw(t5, s0, 4) << Lh(t6, s0, 0) << Lbu(a1, s0, 7);
  ExecuteResult r = RunCode(c, data, 64);
  EXPECT_EQ(r.registers[t0], 0xffffff80u);
  EXPECT_EQ(r.registers[t1], 0x80u);
  EXPECT_EQ(r.registers[t2], 0x7fu);
  EXPECT_EQ(r.registers[t3], 0xffff8001u);
  EXPECT_EQ(r.registers[t4], 0x8001u);
  EXPECT_EQ(r.registers[t5], 0xdeadbeefu);
  EXPECT_EQ(r.registers[t6], 0x7f80u);
  EXPECT_EQ(r.registers[a1], 0xdeu);
}

TEST(InstructionTest, NegativeOffsetsAndStores) {
  Code c;
  c << Li(s0, kDefaultDataAddress + 16) << Li(t0, 0xa1b2c3d4u) << Sw(t0, s0, -16) << Sb(t0, s0, -12)
    << Sh(t0, s0, -10) << Lw(t1, s0, -16) << Lw(t2, s0, -12);
  ExecuteResult r = RunCode(c, {}, 64);
  EXPECT_EQ(r.registers[t1], 0xa1b2c3d4u);
  EXPECT_EQ(r.registers[t2], 0xc3d400d4u);
}

TEST(InstructionTest, WritesToX0AreIgnored) {
  Code c;
  c << Addi(zero, zero, 5) << Lui(zero, 0x12345000) << Add(t0, zero, zero)
    << Li(s0, kDefaultDataAddress) << Lw(zero, s0, 0) << Jal(zero, 4) << Mul(zero, s0, s0)
    << Add(t1, zero, zero);
  ExecuteResult r = RunCode(c, {1, 2, 3, 4}, 16);
  EXPECT_EQ(r.registers[zero], 0u);
  EXPECT_EQ(r.registers[t0], 0u);
  EXPECT_EQ(r.registers[t1], 0u);
}

TEST(InstructionTest, MultiplyAllSignCombinations) {
  const uint32_t values[] = {0,           1,           2,           0xffffffffu,
                             0x80000000u, 0x7fffffffu, 0x12345678u, 0xfedcba98u};
  for (uint32_t a : values) {
    for (uint32_t b : values) {
      const int64_t ss = int64_t{static_cast<int32_t>(a)} * int64_t{static_cast<int32_t>(b)};
      const int64_t su = int64_t{static_cast<int32_t>(a)} * int64_t{b};  // |su| < 2^63
      const uint64_t uu = uint64_t{a} * b;
      Code c;
      c << Li(t0, a) << Li(t1, b) << Mul(a1, t0, t1) << Mulh(a2, t0, t1) << Mulhsu(a3, t0, t1)
        << Mulhu(a4, t0, t1);
      ExecuteResult r = RunCode(c);
      SCOPED_TRACE(::testing::Message() << std::hex << a << " * " << b);
      EXPECT_EQ(r.registers[a1], static_cast<uint32_t>(uu));
      EXPECT_EQ(r.registers[a2], static_cast<uint32_t>(static_cast<uint64_t>(ss) >> 32));
      EXPECT_EQ(r.registers[a3], static_cast<uint32_t>(static_cast<uint64_t>(su) >> 32));
      EXPECT_EQ(r.registers[a4], static_cast<uint32_t>(uu >> 32));
    }
  }
}

struct DivisionResults {
  uint32_t div, divu, rem, remu;
};

DivisionResults Divide(uint32_t a, uint32_t b) {
  Code c;
  c << Li(t0, a) << Li(t1, b) << Div(a1, t0, t1) << Divu(a2, t0, t1) << Rem(a3, t0, t1)
    << Remu(a4, t0, t1);
  ExecuteResult r = RunCode(c);
  return {r.registers[a1], r.registers[a2], r.registers[a3], r.registers[a4]};
}

TEST(InstructionTest, DivisionByZero) {
  DivisionResults r = Divide(1234, 0);
  EXPECT_EQ(r.div, 0xffffffffu);
  EXPECT_EQ(r.divu, 0xffffffffu);
  EXPECT_EQ(r.rem, 1234u);
  EXPECT_EQ(r.remu, 1234u);
  r = Divide(0x80000000u, 0);
  EXPECT_EQ(r.div, 0xffffffffu);
  EXPECT_EQ(r.rem, 0x80000000u);
}

TEST(InstructionTest, DivisionOverflow) {
  DivisionResults r = Divide(0x80000000u, 0xffffffffu);  // INT_MIN / -1
  EXPECT_EQ(r.div, 0x80000000u);
  EXPECT_EQ(r.rem, 0u);
  EXPECT_EQ(r.divu, 0u);
  EXPECT_EQ(r.remu, 0x80000000u);
}

TEST(InstructionTest, DivisionTruncatesTowardZero) {
  DivisionResults r = Divide(static_cast<uint32_t>(-7), 2);
  EXPECT_EQ(r.div, static_cast<uint32_t>(-3));
  EXPECT_EQ(r.rem, static_cast<uint32_t>(-1));
  EXPECT_EQ(r.divu, 0x7ffffffcu);
  EXPECT_EQ(r.remu, 1u);
  r = Divide(7, static_cast<uint32_t>(-2));
  EXPECT_EQ(r.div, static_cast<uint32_t>(-3));
  EXPECT_EQ(r.rem, 1u);
}

TEST(InstructionTest, CountersReturnTheStepCount) {
  Code c;
  c << Addi(t0, zero, 1) << Addi(t0, zero, 2) << Csrrs(a1, 0xc00, zero) << Csrrs(a2, 0xc02, zero)
    << Csrrs(a3, 0xc80, zero) << Csrrs(a4, 0xc82, zero);
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[a1], 2u);  // instructions retired before the rdcycle
  EXPECT_EQ(r.registers[a2], 3u);
  EXPECT_EQ(r.registers[a3], 0u);
  EXPECT_EQ(r.registers[a4], 0u);
}

TEST(InstructionTest, FencesAreNoOps) {
  Code c;
  c << Addi(t0, zero, 1) << Fence() << FenceI() << Addi(t0, t0, 1);
  ExecuteResult r = RunCode(c);
  EXPECT_EQ(r.registers[t0], 2u);
  EXPECT_EQ(r.cycles, 6u);  // 4 + addi a7 + ecall
}

TEST(InstructionTest, SelfModifyingCodeInWritableExecutablePage) {
  // A RWX segment: the store rewrites the following instruction before it runs.
  Code c;
  c << Li(t0, Addi(t1, zero, 42)) << Li(s0, kDefaultCodeAddress) << Sw(t0, s0, 0x14)
    << Addi(t1, zero, 1) << Addi(a7, zero, 93) << Ecall();
  ProgramImage image = MakeImage(c.words());
  image.segments[0].permissions = kRead | kWrite | kExecute;
  ExecuteResult r = testing::RunBothModes(image);
  EXPECT_EQ(r.status, ExecuteResult::kExited);
  EXPECT_EQ(r.registers[t1], 42u);
}

// Random straight-line ALU/M programs over random register values, checked against a reference
// model written independently here (and fast == traced == replay through RunCode).
TEST(InstructionTest, RandomArithmeticMatchesReferenceModel) {
  uint64_t state = 0x243f6a8885a308d3ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<uint32_t>(state >> 16);
  };
  using Encoder = uint32_t (*)(uint32_t, uint32_t, uint32_t);
  struct RegOp {
    Encoder encode;
    uint32_t (*model)(uint32_t, uint32_t);
  };
  const RegOp ops[] = {
      {Add, [](uint32_t a, uint32_t b) { return a + b; }},
      {Sub, [](uint32_t a, uint32_t b) { return a - b; }},
      {Sll, [](uint32_t a, uint32_t b) { return a << (b % 32); }},
      {Srl, [](uint32_t a, uint32_t b) { return a >> (b % 32); }},
      {Sra,
       [](uint32_t a, uint32_t b) {
         const uint32_t s = b % 32;
         return (a >> s) | ((a & 0x80000000u) && s ? ~(0xffffffffu >> s) : 0);
       }},
      {Slt, [](uint32_t a, uint32_t b) { return (a ^ 0x80000000u) < (b ^ 0x80000000u) ? 1u : 0u; }},
      {Sltu, [](uint32_t a, uint32_t b) { return a < b ? 1u : 0u; }},
      {Xor, [](uint32_t a, uint32_t b) { return a ^ b; }},
      {Or, [](uint32_t a, uint32_t b) { return a | b; }},
      {And, [](uint32_t a, uint32_t b) { return a & b; }},
      {Mul, [](uint32_t a, uint32_t b) { return a * b; }},
      {Mulhu,
       [](uint32_t a, uint32_t b) { return static_cast<uint32_t>((uint64_t{a} * b) >> 32); }},
      {Divu, [](uint32_t a, uint32_t b) { return b ? a / b : 0xffffffffu; }},
      {Remu, [](uint32_t a, uint32_t b) { return b ? a % b : a; }},
  };
  for (int program = 0; program < 20; ++program) {
    std::array<uint32_t, 32> model{};
    Code c;
    for (uint32_t r = 5; r < 32; ++r) {
      if (r == a7) continue;
      const uint32_t v = next() % 4 == 0 ? next() % 3 : next();  // small values hit edge cases
      c << Li(r, v);
      model[r] = v;
    }
    for (int i = 0; i < 200; ++i) {
      const RegOp& op = ops[next() % std::size(ops)];
      uint32_t rd = 5 + next() % 27, rs1 = 5 + next() % 27, rs2 = next() % 32;
      if (rd == a7) rd = 0;
      if (rs2 == sp || rs2 == ra || rs2 == gp || rs2 == tp) rs2 = 0;
      c << op.encode(rd, rs1, rs2);
      const uint32_t value = op.model(model[rs1], model[rs2]);
      if (rd != 0) model[rd] = value;
    }
    const ExecuteResult r = RunCode(c);
    ASSERT_EQ(r.status, ExecuteResult::kExited);
    for (uint32_t reg = 5; reg < 32; ++reg) {
      if (reg == a7) continue;
      EXPECT_EQ(r.registers[reg], model[reg]) << "program " << program << " x" << reg;
    }
  }
}

}  // namespace
}  // namespace prova::vm
