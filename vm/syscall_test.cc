#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vm/testing.h"

namespace prova::vm {
namespace {

using namespace rv32;
using testing::RunBothModes;
using testing::RunCode;

constexpr uint32_t kData = kDefaultDataAddress;

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

// write(fd, kData + offset, size), result in s1 + index.
Code Write(uint32_t fd, int32_t offset, uint32_t size, Reg result) {
  Code c;
  c << Addi(a0, zero, static_cast<int32_t>(fd)) << Li(a1, kData + offset)
    << Addi(a2, zero, static_cast<int32_t>(size)) << Addi(a7, zero, 64) << Ecall()
    << Addi(result, a0, 0);
  return c;
}

Code Concat(std::initializer_list<Code> parts) {
  Code all;
  for (const Code& p : parts) all << p.words();
  return all;
}

TEST(SyscallTest, WriteCollectsStdoutStderrAndJournal) {
  Code c = Concat({Write(1, 0, 5, s2), Write(2, 5, 3, s3), Write(3, 8, 4, s4), Write(1, 0, 2, s5),
                   Write(7, 0, 2, s6)});
  c << Addi(a0, zero, 0);
  ExecuteResult r = RunCode(c, Bytes("helloerrJRNL"), 64);
  ASSERT_EQ(r.status, ExecuteResult::kExited);
  EXPECT_EQ(r.stdout_bytes, Bytes("hellohe"));
  EXPECT_EQ(r.stderr_bytes, Bytes("err"));
  EXPECT_EQ(r.journal, Bytes("JRNL"));
  EXPECT_EQ(r.registers[s2], 5u);
  EXPECT_EQ(r.registers[s3], 3u);
  EXPECT_EQ(r.registers[s4], 4u);
  EXPECT_EQ(r.registers[s6], static_cast<uint32_t>(-9));  // -EBADF
}

TEST(SyscallTest, OutputCallbackStreams) {
  Code c = Concat({Write(1, 0, 5, s2), Write(3, 8, 4, s4), Write(2, 5, 3, s3)});
  c << Addi(a0, zero, 0) << Addi(a7, zero, 93) << Ecall();
  std::vector<std::pair<int, std::string>> seen;
  ExecuteOptions options;
  options.on_output = [&](int fd, std::span<const uint8_t> bytes) {
    seen.emplace_back(fd, std::string(bytes.begin(), bytes.end()));
  };
  ExecuteResult r = Execute(MakeImage(c.words(), Bytes("helloerrJRNL"), 64), options);
  ASSERT_EQ(r.status, ExecuteResult::kExited);
  const std::vector<std::pair<int, std::string>> expected = {{1, "hello"}, {3, "JRNL"}, {2, "err"}};
  EXPECT_EQ(seen, expected);
  EXPECT_TRUE(r.stdout_bytes.empty());  // streamed, not collected
  EXPECT_EQ(r.journal, Bytes("JRNL"));  // the journal is always collected
}

// A write that would take the journal past ExecuteOptions::max_journal_bytes faults, in both
// modes; up to the limit it is written.
TEST(SyscallTest, JournalLimitFaults) {
  Code c = Concat({Write(3, 0, 4, s2), Write(3, 4, 4, s3)});
  c << Addi(a0, zero, 0) << Addi(a7, zero, 93) << Ecall();
  const ProgramImage image = MakeImage(c.words(), Bytes("JRNLmore"), 64);
  ExecuteOptions options;
  options.max_journal_bytes = 8;
  EXPECT_EQ(Execute(image, options).journal, Bytes("JRNLmore"));
  options.max_journal_bytes = 7;
  for (const bool traced : {false, true}) {
    Trace trace;
    ExecuteResult r = traced ? ExecuteTraced(image, options, &trace) : Execute(image, options);
    ASSERT_EQ(r.status, ExecuteResult::kFault);
    EXPECT_EQ(r.fault->kind, FaultKind::kBadSyscallArgument);
    EXPECT_NE(r.fault->message.find("journal would exceed 7 bytes"), std::string::npos)
        << r.fault->message;
    EXPECT_EQ(r.journal, Bytes("JRNL"));
  }
}

TEST(SyscallTest, ReadReturnsInputInChunksThenZero) {
  Code c;
  for (Reg result : {s2, s3, s4, s5}) {
    c << Addi(a0, zero, 0) << Li(a1, kData + 16 + 4 * (result - s2)) << Addi(a2, zero, 4)
      << Addi(a7, zero, 63) << Ecall() << Addi(result, a0, 0);
  }
  c << Addi(a0, zero, 1) << Li(a1, kData) << Addi(a2, zero, 4) << Addi(a7, zero, 63) << Ecall()
    << Addi(s6, a0, 0);  // fd 1 is not readable
  c << Addi(a0, zero, 0) << Li(a1, 0x40000000) << Addi(a2, zero, 4) << Addi(a7, zero, 63) << Ecall()
    << Addi(s7, a0, 0);  // at end of input nothing is copied: no fault
  c << Li(s0, kData) << Lw(t0, s0, 16) << Lw(t1, s0, 20) << Lw(t2, s0, 24) << Lw(t3, s0, 28);
  const std::vector<uint8_t> input = Bytes("hello world");
  ExecuteResult r = RunCode(c, {}, 64, input);
  ASSERT_EQ(r.status, ExecuteResult::kExited) << r.fault->message;
  EXPECT_EQ(r.registers[s2], 4u);
  EXPECT_EQ(r.registers[s3], 4u);
  EXPECT_EQ(r.registers[s4], 3u);
  EXPECT_EQ(r.registers[s5], 0u);
  EXPECT_EQ(r.registers[s6], static_cast<uint32_t>(-9));
  EXPECT_EQ(r.registers[s7], 0u);
  EXPECT_EQ(r.registers[t0], 0x6c6c6568u);  // "hell"
  EXPECT_EQ(r.registers[t1], 0x6f77206fu);  // "o wo"
  EXPECT_EQ(r.registers[t2], 0x00646c72u);  // "rld"
  EXPECT_EQ(r.registers[t3], 0u);
}

TEST(SyscallTest, UnalignedReadBufferAcrossWords) {
  Code c;
  c << Addi(a0, zero, 0) << Li(a1, kData + 3) << Addi(a2, zero, 6) << Addi(a7, zero, 63) << Ecall()
    << Li(s0, kData) << Lw(t0, s0, 0) << Lw(t1, s0, 4) << Lw(t2, s0, 8);
  const std::vector<uint8_t> input = Bytes("abcdef");
  ExecuteResult r =
      RunCode(c, {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa}, 16, input);
  EXPECT_EQ(r.registers[t0], 0x61332211u);
  EXPECT_EQ(r.registers[t1], 0x65646362u);
  EXPECT_EQ(r.registers[t2], 0x0000aa66u);
}

TEST(SyscallTest, BrkFollowsLinux) {
  // Data segment [0x20000, 0x20010): the heap starts at the next page, 0x21000.
  Code c;
  c << Addi(a0, zero, 0) << Addi(a7, zero, 214) << Ecall() << Addi(s2, a0, 0);        // query
  c << Li(a0, 0x21000 + 10000) << Addi(a7, zero, 214) << Ecall() << Addi(s3, a0, 0);  // grow
  c << Li(t0, 0x21000 + 9996) << Li(t1, 77) << Sw(t1, t0, 0) << Lw(s4, t0, 0);        // use it
  c << Li(a0, 0x7f900000) << Addi(a7, zero, 214) << Ecall() << Addi(s5, a0, 0);  // into the stack
  c << Li(a0, 0x1000) << Addi(a7, zero, 214) << Ecall() << Addi(s6, a0, 0);      // below the heap
  c << Li(a0, 0x21000) << Addi(a7, zero, 214) << Ecall() << Addi(s7, a0, 0);     // shrink
  c << Lw(t2, t0, 0);  // released memory is unmapped again
  ExecuteResult r = RunCode(c, {}, 16);
  EXPECT_EQ(r.registers[s2], 0x21000u);
  EXPECT_EQ(r.registers[s3], 0x21000u + 10000);
  EXPECT_EQ(r.registers[s4], 77u);
  EXPECT_EQ(r.registers[s5], 0x21000u + 10000);
  EXPECT_EQ(r.registers[s6], 0x21000u + 10000);
  EXPECT_EQ(r.registers[s7], 0x21000u);
  ASSERT_EQ(r.status, ExecuteResult::kFault);
  EXPECT_EQ(r.fault->kind, FaultKind::kUnmappedMemory);
  EXPECT_EQ(r.fault->addr, 0x21000u + 9996);
}

TEST(SyscallTest, BrkCanReachTheStack) {
  Code c;
  c << Li(a0, kStackBottom) << Addi(a7, zero, 214) << Ecall() << Addi(s2, a0, 0)
    << Li(t0, kStackBottom - 4) << Sw(t0, t0, 0);
  ExecuteResult r = RunCode(c, {}, 16);
  ASSERT_EQ(r.status, ExecuteResult::kExited);
  EXPECT_EQ(r.registers[s2], kStackBottom);
}

TEST(SyscallTest, InitialStackIsLinuxLike) {
  Code c;
  c << Addi(s0, sp, 0) << Lw(s1, sp, 0) << Lw(s2, sp, 4) << Lw(s3, sp, 8) << Lw(s4, sp, 12)
    << Lw(s5, sp, 16) << Lw(s6, sp, 20) << Lw(s7, sp, 24);
  c << Li(t0, kStackBottom) << Sw(t0, t0, 0);  // the whole 8 MiB is usable
  ExecuteResult r = RunCode(c);
  ASSERT_EQ(r.status, ExecuteResult::kExited);
  EXPECT_EQ(r.registers[s0] % 16, 0u);
  EXPECT_GT(r.registers[s0], kStackTop - 64);
  EXPECT_EQ(r.registers[s1], 0u);  // argc
  EXPECT_EQ(r.registers[s2], 0u);  // argv[0] = NULL
  EXPECT_EQ(r.registers[s3], 0u);  // envp[0] = NULL
  EXPECT_EQ(r.registers[s4], 6u);  // AT_PAGESZ
  EXPECT_EQ(r.registers[s5], 4096u);
  EXPECT_EQ(r.registers[s6], 0u);  // AT_NULL
  EXPECT_EQ(r.registers[s7], 0u);
  for (uint32_t i = 0; i < 32; ++i) {
    if (i != sp && i != s0 && (i < s1 || i > s7) && i != t0 && i != a7 && i != ra) {
      EXPECT_EQ(r.registers[i], 0u) << "x" << i;
    }
  }
}

TEST(SyscallTest, StackBelowTheRegionIsUnmapped) {
  Code c;
  c << Li(t0, kStackBottom - 4) << Sw(t0, t0, 0);
  ExecuteResult r = RunCode(c);
  ASSERT_EQ(r.status, ExecuteResult::kFault);
  EXPECT_EQ(r.fault->kind, FaultKind::kUnmappedMemory);
}

TEST(SyscallTest, ExitAndExitGroup) {
  for (int32_t number : {93, 94}) {
    Code c;
    c << Addi(a0, zero, 42) << Addi(a7, zero, number) << Ecall() << Ebreak();
    ExecuteResult r = RunBothModes(MakeImage(c.words()));
    EXPECT_EQ(r.status, ExecuteResult::kExited);
    EXPECT_EQ(r.exit_code, 42u);
    EXPECT_EQ(ProcessExitStatus(r), 42);
    EXPECT_EQ(r.cycles, 3u);
    EXPECT_EQ(r.pc, kDefaultCodeAddress + 12);
  }
}

}  // namespace
}  // namespace prova::vm
