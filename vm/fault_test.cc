// Every fault kind: where it is reported, with which address, and which process status it maps to.

#include <gtest/gtest.h>

#include <string>

#include "vm/testing.h"

namespace prova::vm {
namespace {

using namespace rv32;
using testing::RunBothModes;
using testing::RunCode;

constexpr uint32_t kCode = kDefaultCodeAddress;
constexpr uint32_t kData = kDefaultDataAddress;

void ExpectFault(const ExecuteResult& r, FaultKind kind, uint32_t pc, uint32_t addr,
                 const std::string& message) {
  ASSERT_EQ(r.status, ExecuteResult::kFault);
  ASSERT_TRUE(r.fault.has_value());
  EXPECT_EQ(r.fault->kind, kind) << r.fault->message;
  EXPECT_EQ(r.fault->pc, pc) << r.fault->message;
  EXPECT_EQ(r.fault->addr, addr) << r.fault->message;
  EXPECT_NE(r.fault->message.find(message), std::string::npos) << r.fault->message;
  EXPECT_EQ(ProcessExitStatus(r), ExitStatusFor(kind));
}

TEST(FaultTest, ExitStatusTable) {
  EXPECT_EQ(ExitStatusFor(FaultKind::kCycleLimit), 240);
  EXPECT_EQ(ExitStatusFor(FaultKind::kIllegalInstruction), 241);
  EXPECT_EQ(ExitStatusFor(FaultKind::kMisalignedAccess), 242);
  EXPECT_EQ(ExitStatusFor(FaultKind::kMisalignedJump), 243);
  EXPECT_EQ(ExitStatusFor(FaultKind::kUnmappedMemory), 244);
  EXPECT_EQ(ExitStatusFor(FaultKind::kWriteToReadOnly), 245);
  EXPECT_EQ(ExitStatusFor(FaultKind::kFetchFromNonExecutable), 246);
  EXPECT_EQ(ExitStatusFor(FaultKind::kUnsupportedSyscall), 247);
  EXPECT_EQ(ExitStatusFor(FaultKind::kEbreak), 248);
  EXPECT_EQ(ExitStatusFor(FaultKind::kBadSyscallArgument), 249);
}

TEST(FaultTest, CycleLimit) {
  Code c;
  c << Addi(t0, zero, 1) << Addi(t0, t0, 1) << Jal(zero, -4);
  ExecuteResult r = RunBothModes(MakeImage(c.words()), {}, 100);
  ExpectFault(r, FaultKind::kCycleLimit, r.pc, 0, "cycle limit reached after 100 instructions");
  EXPECT_EQ(r.cycles, 100u);
  EXPECT_EQ(r.registers[t0], 51u);  // 1 + 50 increments; instruction 100 is an increment
}

TEST(FaultTest, ExitOnTheLastAllowedCycleIsNotAFault) {
  Code c;
  c << Addi(a0, zero, 3) << Addi(a7, zero, 93) << Ecall();
  ExecuteResult r = RunBothModes(MakeImage(c.words()), {}, 3);
  EXPECT_EQ(r.status, ExecuteResult::kExited);
  EXPECT_EQ(r.exit_code, 3u);
  r = RunBothModes(MakeImage(c.words()), {}, 2);
  ExpectFault(r, FaultKind::kCycleLimit, kCode + 8, 0, "cycle limit");
}

TEST(FaultTest, IllegalInstruction) {
  Code c;
  c << Addi(t0, zero, 1) << 0xffffffffu;
  ExpectFault(RunCode(c), FaultKind::kIllegalInstruction, kCode + 4, 0,
              "illegal instruction 0xffffffff at pc 0x00010004");
  Code csr;
  csr << EncodeI(0x73, 1, a0, zero, 0xc00);  // csrrw: counters are read-only
  ExecuteResult r = RunCode(csr);
  ExpectFault(r, FaultKind::kIllegalInstruction, kCode, 0, "illegal instruction");
  EXPECT_EQ(r.fault->insn, EncodeI(0x73, 1, a0, zero, 0xc00));
}

TEST(FaultTest, RunningOffTheEndOfTheCodeHitsZeroWords) {
  Code c;
  c << Addi(t0, zero, 1);
  ExpectFault(RunBothModes(MakeImage(c.words())), FaultKind::kIllegalInstruction, kCode + 4, 0,
              "illegal instruction 0x00000000");
}

TEST(FaultTest, MisalignedLoadsAndStores) {
  Code lw;
  lw << Li(s0, kData) << Lw(t0, s0, 2);
  ExpectFault(RunCode(lw, {}, 16), FaultKind::kMisalignedAccess, kCode + 8, kData + 2,
              "misaligned load/store at address 0x00020002 (pc 0x00010008)");
  Code lh;
  lh << Li(s0, kData) << Lhu(t0, s0, 1);
  ExpectFault(RunCode(lh, {}, 16), FaultKind::kMisalignedAccess, kCode + 8, kData + 1,
              "misaligned");
  Code sh;
  sh << Li(s0, kData) << Sh(t0, s0, 3);
  ExpectFault(RunCode(sh, {}, 16), FaultKind::kMisalignedAccess, kCode + 8, kData + 3,
              "misaligned");
  Code sw;
  sw << Li(s0, kData) << Sw(t0, s0, 6);
  ExpectFault(RunCode(sw, {}, 16), FaultKind::kMisalignedAccess, kCode + 8, kData + 6,
              "misaligned");
}

TEST(FaultTest, MisalignedJumpTargets) {
  Code jal;
  jal << Addi(ra, zero, 7) << Jal(ra, 6);
  ExecuteResult r = RunCode(jal);
  ExpectFault(r, FaultKind::kMisalignedJump, kCode + 4, kCode + 10,
              "misaligned jump target 0x0001000a at pc 0x00010004");
  EXPECT_EQ(r.registers[ra], 7u);  // rd is not written
  Code jalr;
  jalr << Li(t0, kCode + 0x22) << Jalr(ra, t0, 0);  // bit 0 is cleared, bit 1 is not
  ExpectFault(RunCode(jalr), FaultKind::kMisalignedJump, kCode + 8, kCode + 0x22,
              "misaligned jump");
  Code taken;
  taken << Beq(zero, zero, 6);
  ExpectFault(RunCode(taken), FaultKind::kMisalignedJump, kCode, kCode + 6, "misaligned jump");
  Code not_taken;  // a branch that is not taken never faults on its target
  not_taken << Addi(t0, zero, 1) << Beq(t0, zero, 6) << Addi(a0, zero, 0);
  EXPECT_EQ(RunCode(not_taken).status, ExecuteResult::kExited);
}

TEST(FaultTest, UnmappedMemory) {
  Code load;
  load << Li(s0, 0x40000000) << Lw(zero, s0, 4);  // even a load into x0 is performed
  ExpectFault(RunCode(load), FaultKind::kUnmappedMemory, kCode + 8, 0x40000004,
              "access to unmapped memory at address 0x40000004 (pc 0x00010008)");
  Code store;
  store << Sb(t0, zero, 0);  // address 0
  ExpectFault(RunCode(store), FaultKind::kUnmappedMemory, kCode, 0, "unmapped memory");
  Code top;
  top << Addi(s0, zero, -4) << Sw(t0, s0, 0);
  ExpectFault(RunCode(top), FaultKind::kUnmappedMemory, kCode + 4, 0xfffffffcu, "unmapped");
  Code fetch;
  fetch << Li(t0, 0x50000000) << Jalr(ra, t0, 0);
  ExecuteResult r = RunCode(fetch);
  ExpectFault(r, FaultKind::kUnmappedMemory, 0x50000000, 0x50000000,
              "fetch from unmapped memory at pc 0x50000000");
  EXPECT_EQ(r.registers[ra], kCode + 12);  // the jump itself retired
}

TEST(FaultTest, WriteToReadOnlyMemory) {
  Code c;
  c << Li(s0, kCode) << Sw(t0, s0, 0);
  ExpectFault(RunCode(c), FaultKind::kWriteToReadOnly, kCode + 8, kCode,
              "write to read-only memory at address 0x00010000 (pc 0x00010008)");
}

TEST(FaultTest, FetchFromNonExecutableMemory) {
  Code c;
  c << Li(t0, kData) << Jalr(zero, t0, 0);
  ExpectFault(RunCode(c, {}, 16), FaultKind::kFetchFromNonExecutable, kData, kData,
              "fetch from non-executable memory at pc 0x00020000");

  // A data page between two code segments: inside the code cache's range, still not executable.
  Code gap;
  gap << Li(t0, kCode + 0x1000) << Jalr(zero, t0, 0);
  ProgramImage image = MakeImage(gap.words(), {}, 16, kCode, kCode + 0x1000);
  Segment more_code;
  more_code.vaddr = kCode + 0x2000;
  more_code.mem_size = 4;
  more_code.bytes = {0x73, 0, 0, 0};
  more_code.permissions = kRead | kExecute;
  image.segments.push_back(more_code);
  ExpectFault(RunBothModes(image), FaultKind::kFetchFromNonExecutable, kCode + 0x1000,
              kCode + 0x1000, "fetch from non-executable memory");
}

TEST(FaultTest, UnsupportedSyscall) {
  Code c;
  c << Addi(a7, zero, 222) << Ecall();  // mmap
  ExpectFault(RunCode(c), FaultKind::kUnsupportedSyscall, kCode + 4, 222,
              "unsupported syscall 222 at pc 0x00010004");
}

TEST(FaultTest, Ebreak) {
  Code c;
  c << Addi(t0, zero, 1) << Ebreak();
  ExpectFault(RunCode(c), FaultKind::kEbreak, kCode + 4, 0, "ebreak at pc 0x00010004");
}

TEST(FaultTest, BadSyscallArguments) {
  Code write;
  write << Addi(a0, zero, 1) << Li(a1, 0x40000000) << Addi(a2, zero, 10) << Addi(a7, zero, 64)
        << Ecall();
  ExpectFault(RunCode(write), FaultKind::kBadSyscallArgument, kCode + 20, 0x40000000,
              "write: buffer [0x40000000, +0xa) is not readable guest memory");
  Code wrap;  // the range wraps around the address space
  wrap << Addi(a0, zero, 1) << Addi(a1, zero, -4) << Addi(a2, zero, 8) << Addi(a7, zero, 64)
       << Ecall();
  ExpectFault(RunCode(wrap), FaultKind::kBadSyscallArgument, kCode + 16, 0xfffffffcu, "write:");
  Code read;  // into read-only code
  const std::vector<uint8_t> input = {1, 2, 3};
  read << Addi(a0, zero, 0) << Li(a1, kCode) << Addi(a2, zero, 3) << Addi(a7, zero, 63) << Ecall();
  ExpectFault(RunCode(read, {}, 0, input), FaultKind::kBadSyscallArgument, kCode + 20, kCode,
              "read: buffer [0x00010000, +0x3) is not writable guest memory");
}

TEST(FaultTest, ExitCodeKeepsAllBitsAndStatusKeepsTheLowEight) {
  Code c;
  c << Li(a0, 0x12345) << Addi(a7, zero, 94) << Ecall();
  ExecuteResult r = RunBothModes(MakeImage(c.words()));
  EXPECT_EQ(r.status, ExecuteResult::kExited);
  EXPECT_EQ(r.exit_code, 0x12345u);
  EXPECT_EQ(ProcessExitStatus(r), 0x45);
}

TEST(FaultTest, ImagesThatCannotBeMappedAreRejected) {
  Code c;
  c << Ecall();
  ProgramImage over_stack = MakeImage(c.words(), {}, 0, kStackTop - 0x1000);
  EXPECT_THROW(Execute(over_stack, {}), Error);
  ProgramImage bad_entry = MakeImage(c.words());
  bad_entry.entry = kData;
  EXPECT_THROW(Execute(bad_entry, {}), Error);
  ProgramImage empty;
  EXPECT_THROW(Execute(empty, {}), Error);
}

}  // namespace
}  // namespace prova::vm
