#include <gtest/gtest.h>

#include <cstring>

#include "tests/tools/elf_writer.h"
#include "tests/tools/program_generator.h"
#include "tests/tools/rv_assembler.h"

namespace prova::rvgen {
namespace {

// Expected words come from GNU as (riscv64-linux-gnu-as -march=rv32im).
TEST(RvAssemblerTest, EncodesLikeGnuAs) {
  struct Case {
    uint32_t word;
    uint32_t expected;
  };
  const Case cases[] = {
      {EncodeR(Op::kAdd, 1, 2, 3), 0x003100b3},
      {EncodeR(Op::kSub, 31, 30, 29), 0x41df0fb3},
      {EncodeR(Op::kSll, 5, 6, 7), 0x007312b3},
      {EncodeR(Op::kSlt, 8, 9, 10), 0x00a4a433},
      {EncodeR(Op::kSltu, 11, 12, 13), 0x00d635b3},
      {EncodeR(Op::kXor, 14, 15, 16), 0x0107c733},
      {EncodeR(Op::kSrl, 17, 18, 19), 0x013958b3},
      {EncodeR(Op::kSra, 20, 21, 22), 0x416ada33},
      {EncodeR(Op::kOr, 23, 24, 25), 0x019c6bb3},
      {EncodeR(Op::kAnd, 26, 27, 28), 0x01cdfd33},
      {EncodeR(Op::kMul, 1, 2, 3), 0x023100b3},
      {EncodeR(Op::kMulh, 4, 5, 6), 0x02629233},
      {EncodeR(Op::kMulhsu, 7, 8, 9), 0x029423b3},
      {EncodeR(Op::kMulhu, 10, 11, 12), 0x02c5b533},
      {EncodeR(Op::kDiv, 13, 14, 15), 0x02f746b3},
      {EncodeR(Op::kDivu, 16, 17, 18), 0x0328d833},
      {EncodeR(Op::kRem, 19, 20, 21), 0x035a69b3},
      {EncodeR(Op::kRemu, 22, 23, 24), 0x038bfb33},
      {EncodeI(Op::kAddi, 1, 2, -2048), 0x80010093},
      {EncodeI(Op::kSlti, 3, 4, 2047), 0x7ff22193},
      {EncodeI(Op::kSltiu, 5, 6, -1), 0xfff33293},
      {EncodeI(Op::kXori, 7, 8, 1), 0x00144393},
      {EncodeI(Op::kOri, 9, 10, 0x7f0), 0x7f056493},
      {EncodeI(Op::kAndi, 11, 12, -16), 0xff067593},
      {EncodeI(Op::kSlli, 13, 14, 31), 0x01f71693},
      {EncodeI(Op::kSrli, 15, 16, 1), 0x00185793},
      {EncodeI(Op::kSrai, 17, 18, 17), 0x41195893},
      {EncodeI(Op::kLb, 1, 2, -1), 0xfff10083},
      {EncodeI(Op::kLh, 3, 4, 2), 0x00221183},
      {EncodeI(Op::kLw, 5, 6, -2048), 0x80032283},
      {EncodeI(Op::kLbu, 7, 8, 2047), 0x7ff44383},
      {EncodeI(Op::kLhu, 9, 10, 0), 0x00055483},
      {EncodeS(Op::kSb, 12, 11, -1), 0xfeb60fa3},
      {EncodeS(Op::kSh, 14, 13, 1024), 0x40d71023},
      {EncodeS(Op::kSw, 16, 15, -2048), 0x80f82023},
      {EncodeU(Op::kLui, 1, 0xfffff), 0xfffff0b7},
      {EncodeU(Op::kAuipc, 2, 0x80000), 0x80000117},
      {EncodeI(Op::kJalr, 3, 4, 5), 0x005201e7},
      {EncodeB(Op::kBeq, 1, 2, 2068), 0x00208ae3},
      {EncodeB(Op::kBne, 3, 4, 2064), 0x004198e3},
      {EncodeB(Op::kBlt, 5, 6, -8), 0xfe62cce3},
      {EncodeB(Op::kBge, 7, 8, 2056), 0x0083d4e3},
      {EncodeB(Op::kBltu, 9, 10, -16), 0xfea4e8e3},
      {EncodeB(Op::kBgeu, 11, 12, 2048), 0x00c5f0e3},
      {EncodeJ(1, 2044), 0x7fc000ef},
      {EncodeJ(0, -28), 0xfe5ff06f},
  };
  for (const Case& c : cases) EXPECT_EQ(c.word, c.expected) << std::hex << c.expected;
}

TEST(RvAssemblerTest, ResolvesForwardAndBackwardLabels) {
  Assembler as(0x10000);
  Assembler::Label start = as.NewLabel();
  Assembler::Label forward = as.NewLabel();
  as.Bind(start);
  as.Branch(Op::kBeq, 1, 2, forward);
  as.Jal(0, start);
  as.I(Op::kAddi, 0, 0, 0);
  as.Bind(forward);
  as.Branch(Op::kBltu, 9, 10, start);
  std::vector<uint32_t> code = as.Finish();
  ASSERT_EQ(code.size(), 4u);
  EXPECT_EQ(code[0], EncodeB(Op::kBeq, 1, 2, 12));
  EXPECT_EQ(code[1], EncodeJ(0, -4));
  EXPECT_EQ(code[3], EncodeB(Op::kBltu, 9, 10, -12));
}

// Interprets LUI/ADDI to check that Li and LoadAddress produce every kind of constant.
uint32_t RunConstantLoad(const std::vector<uint32_t>& code) {
  uint32_t regs[32] = {};
  for (uint32_t word : code) {
    uint32_t rd = (word >> 7) & 31;
    uint32_t rs1 = (word >> 15) & 31;
    if ((word & 0x7f) == 0x37) {
      regs[rd] = word & 0xfffff000;
    } else {
      EXPECT_EQ(word & 0x707f, 0x13u);  // ADDI
      regs[rd] = regs[rs1] + static_cast<uint32_t>(static_cast<int32_t>(word) >> 20);
    }
    regs[0] = 0;
  }
  return regs[5];
}

TEST(RvAssemblerTest, LoadsEveryConstant) {
  const uint32_t values[] = {0,          1,          0x7ff,      0x800,      0xfff,
                             0x1000,     0x7ffff800, 0x7fffffff, 0x80000000, 0x80000800,
                             0xfffff7ff, 0xfffff800, 0xffffffff, 0x12345678, 0xdeadbeef};
  for (uint32_t value : values) {
    Assembler li(0);
    li.Li(5, value);
    EXPECT_LE(li.size(), 2u);
    EXPECT_EQ(RunConstantLoad(li.Finish()), value) << std::hex << value;
    Assembler address(0);
    address.LoadAddress(5, value);
    EXPECT_EQ(address.size(), 2u);
    EXPECT_EQ(RunConstantLoad(address.Finish()), value) << std::hex << value;
  }
}

uint32_t Read32(const std::vector<uint8_t>& bytes, size_t at) {
  uint32_t value = 0;
  std::memcpy(&value, bytes.data() + at, 4);
  return value;
}

TEST(ElfWriterTest, WritesLoadableHeaders) {
  std::vector<ElfSegment> segments(2);
  segments[0] = {0x10000, kSegmentRead | kSegmentExecute, {0x13, 0, 0, 0}, 4};
  segments[1] = {0x20000, kSegmentRead | kSegmentWrite, {}, 0x2000};
  std::vector<uint8_t> elf = WriteElf(0x10000, segments);
  ASSERT_GE(elf.size(), 52u + 2 * 32);
  EXPECT_EQ(std::memcmp(elf.data(),
                        "\x7f"
                        "ELF\x01\x01\x01",
                        7),
            0);
  EXPECT_EQ(elf[18], 243);  // EM_RISCV
  EXPECT_EQ(Read32(elf, 24), 0x10000u);
  for (int i = 0; i < 2; ++i) {
    size_t header = 52 + 32 * i;
    uint32_t offset = Read32(elf, header + 4);
    uint32_t address = Read32(elf, header + 8);
    EXPECT_EQ(Read32(elf, header), 1u);  // PT_LOAD
    EXPECT_EQ(offset % kPageSize, address % kPageSize);
    EXPECT_EQ(Read32(elf, header + 16), segments[i].contents.size());
    EXPECT_EQ(Read32(elf, header + 20), segments[i].memory_size);
    EXPECT_EQ(Read32(elf, header + 24), segments[i].flags);
  }
  EXPECT_EQ(Read32(elf, Read32(elf, 52 + 4)), 0x13u);
}

TEST(ProgramGeneratorTest, SameSeedSameProgram) {
  EXPECT_EQ(GenerateRandomProgram(7, 500).elf, GenerateRandomProgram(7, 500).elf);
  EXPECT_NE(GenerateRandomProgram(7, 500).elf, GenerateRandomProgram(8, 500).elf);
  GuestProgram a = GenerateReadProgram(3);
  GuestProgram b = GenerateReadProgram(3);
  EXPECT_EQ(a.elf, b.elf);
  EXPECT_EQ(a.input, b.input);
}

TEST(ProgramGeneratorTest, RespectsLength) {
  for (uint32_t length : {1u, 100u, 3000u, 20000u}) {
    GuestProgram program = GenerateRandomProgram(length, length);
    EXPECT_GE(program.instruction_count, length);
    // Initialisation, the last step's overshoot and the epilogue are bounded.
    EXPECT_LE(program.instruction_count, length + 1500);
  }
}

TEST(ProgramGeneratorTest, FaultPcIsInsideTheText) {
  for (FaultKind kind : AllFaultKinds()) {
    EXPECT_EQ(ParseFaultKind(FaultKindName(kind)), kind);
    for (uint64_t seed = 0; seed < 8; ++seed) {
      GuestProgram program = GenerateFaultProgram(kind, seed);
      EXPECT_GE(program.fault_pc, kTextBase);
      EXPECT_LT(program.fault_pc, kTextBase + 4 * program.instruction_count);
      EXPECT_EQ(program.fault_pc % 4, 0u);
    }
  }
  EXPECT_EQ(ParseFaultKind("no-such-fault"), std::nullopt);
}

}  // namespace
}  // namespace prova::rvgen
