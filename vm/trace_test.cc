// The trace: per-step contents, memory timestamps, syscall records, replay, and tampering.

#include "vm/trace.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "vm/testing.h"

namespace prova::vm {
namespace {

using namespace rv32;

constexpr uint32_t kCode = kDefaultCodeAddress;
constexpr uint32_t kData = kDefaultDataAddress;

struct Traced {
  ProgramImage image;
  std::vector<uint8_t> input;
  ExecuteResult result;
  Trace trace;
};

Traced RunTraced(const Code& code, std::vector<uint8_t> data = {}, uint32_t data_size = 0,
                 std::vector<uint8_t> input = {}) {
  Traced t;
  t.image = MakeImage(code.words(), std::move(data), data_size);
  t.input = std::move(input);
  ExecuteOptions options;
  options.input = t.input;
  options.capture_memory = true;
  t.result = ExecuteTraced(t.image, options, &t.trace);
  return t;
}

TEST(TraceTest, StepsRecordRegistersAndMemory) {
  Code c;
  c << Li(s0, kData)       // steps 0, 1
    << Addi(t0, zero, 5)   // 2
    << Sw(t0, s0, 4)       // 3
    << Lw(t1, s0, 4)       // 4
    << Add(t2, t0, t1)     // 5
    << Sb(t2, s0, 5)       // 6
    << Addi(zero, t2, 1)   // 7
    << Addi(a7, zero, 93)  // 8
    << Ecall();            // 9
  Traced t = RunTraced(c, {0xaa, 0xbb, 0xcc, 0xdd, 1, 2, 3, 4}, 16);
  ASSERT_EQ(t.result.status, ExecuteResult::kExited);
  const auto& s = t.trace.steps;
  ASSERT_EQ(s.size(), 10u);
  for (size_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(s[i].timestamp, i + 1);
    EXPECT_EQ(s[i].pc, kCode + 4 * i);
    EXPECT_EQ(s[i].next_pc, kCode + 4 * i + 4);
    EXPECT_EQ(s[i].insn, c.words()[i]);
  }
  EXPECT_EQ(s[2].rd, t0);
  EXPECT_EQ(s[2].rd_value, 5u);
  EXPECT_EQ(s[2].rs1, 0);
  EXPECT_EQ(s[2].flags, 0);

  EXPECT_EQ(s[3].flags, kTraceStore);
  EXPECT_EQ(s[3].rs1, s0);
  EXPECT_EQ(s[3].rs1_value, kData);
  EXPECT_EQ(s[3].rs2, t0);
  EXPECT_EQ(s[3].rs2_value, 5u);
  EXPECT_EQ(s[3].rd, 0);
  EXPECT_EQ(s[3].mem_addr, kData + 4);
  EXPECT_EQ(s[3].mem_prev_value, 0x04030201u);
  EXPECT_EQ(s[3].mem_value, 5u);
  EXPECT_EQ(s[3].mem_prev_timestamp, 0u);  // first access: the initial image

  EXPECT_EQ(s[4].flags, kTraceLoad);
  EXPECT_EQ(s[4].mem_prev_value, 5u);
  EXPECT_EQ(s[4].mem_value, 5u);
  EXPECT_EQ(s[4].mem_prev_timestamp, s[3].timestamp);
  EXPECT_EQ(s[4].rd_value, 5u);

  EXPECT_EQ(s[5].rs1_value, 5u);
  EXPECT_EQ(s[5].rs2_value, 5u);
  EXPECT_EQ(s[5].rd_value, 10u);

  EXPECT_EQ(s[6].mem_addr, kData + 5);  // byte store: the whole word before and after
  EXPECT_EQ(s[6].mem_prev_value, 5u);
  EXPECT_EQ(s[6].mem_value, 0x0a05u);
  EXPECT_EQ(s[6].mem_prev_timestamp, s[4].timestamp);

  EXPECT_EQ(s[7].rd, 0);  // x0 is never written
  EXPECT_EQ(s[7].rd_value, 0u);
  EXPECT_EQ(s[9].flags, kTraceSyscall);
  ASSERT_EQ(t.trace.syscalls.size(), 1u);
  EXPECT_EQ(t.trace.syscalls[0].number, 93u);
  EXPECT_EQ(t.trace.syscalls[0].timestamp, 10u);
}

TEST(TraceTest, SyscallRecordsCarryDataAndWordAccesses) {
  Code c;
  c << Addi(a0, zero, 0) << Li(a1, kData + 2) << Addi(a2, zero, 5) << Addi(a7, zero, 63) << Ecall()
    << Addi(a0, zero, 3) << Li(a1, kData + 2) << Addi(a2, zero, 3) << Addi(a7, zero, 64) << Ecall()
    << Addi(a0, zero, 0) << Addi(a7, zero, 93) << Ecall();
  Traced t = RunTraced(c, {}, 16, {'a', 'b', 'c', 'd', 'e', 'f'});
  ASSERT_EQ(t.result.status, ExecuteResult::kExited);
  ASSERT_EQ(t.trace.syscalls.size(), 3u);
  const SyscallRecord& read = t.trace.syscalls[0];
  EXPECT_EQ(read.number, 63u);
  EXPECT_EQ(read.result, 5u);
  EXPECT_EQ(read.args[1], kData + 2);
  EXPECT_EQ(std::string(t.trace.syscall_data.begin() + read.data_offset,
                        t.trace.syscall_data.begin() + read.data_offset + read.data_size),
            "abcde");
  ASSERT_EQ(read.access_count, 2u);  // [kData+2, kData+7) touches two words
  const MemoryAccessRecord& w0 = t.trace.syscall_accesses[read.access_offset];
  EXPECT_EQ(w0.address, kData);
  EXPECT_EQ(w0.prev_value, 0u);
  EXPECT_EQ(w0.value, 0x62610000u);
  EXPECT_EQ(w0.is_write, 1u);
  EXPECT_EQ(w0.timestamp, read.timestamp);

  const SyscallRecord& write = t.trace.syscalls[1];
  EXPECT_EQ(write.number, 64u);
  EXPECT_EQ(write.result, 3u);
  ASSERT_EQ(write.access_count, 2u);
  const MemoryAccessRecord& r0 = t.trace.syscall_accesses[write.access_offset];
  EXPECT_EQ(r0.is_write, 0u);
  EXPECT_EQ(r0.prev_timestamp, read.timestamp);
  EXPECT_EQ(t.result.journal, std::vector<uint8_t>({'a', 'b', 'c'}));

  const ReplayResult replayed = Replay(t.image, t.input, t.trace);
  EXPECT_EQ(replayed.journal, t.result.journal);
  EXPECT_EQ(replayed.registers, t.result.registers);
  EXPECT_TRUE(replayed.memory == t.result.final_memory);
}

// A loop with loads, stores, multiplies and syscalls, long enough to be interesting.
Code Workload() {
  Code c;
  c << Li(s0, kData) << Addi(a0, zero, 0) << Li(a1, kData + 64) << Addi(a2, zero, 32)
    << Addi(a7, zero, 63) << Ecall();  // read 32 input bytes
  c << Addi(s1, zero, 200) << Addi(s2, zero, 0);
  const int32_t loop = c.here();
  c << Andi(t0, s1, 31) << Add(t0, t0, s0) << Lbu(t1, t0, 64) << Mul(t2, t1, s1) << Add(s2, s2, t2)
    << Andi(t3, s1, 15) << Slli(t3, t3, 2) << Add(t3, t3, s0) << Sw(s2, t3, 0) << Addi(s1, s1, -1);
  c << Bne(s1, zero, loop - c.here());
  c << Addi(a0, zero, 3) << Addi(a1, s0, 0) << Addi(a2, zero, 16) << Addi(a7, zero, 64) << Ecall();
  c << Addi(a0, s2, 0) << Addi(a7, zero, 93) << Ecall();
  return c;
}

std::vector<uint8_t> WorkloadInput() {
  std::vector<uint8_t> input(40);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(i * 37 + 11);
  return input;
}

TEST(TraceTest, ReplayReproducesRealExecution) {
  Traced t = RunTraced(Workload(), {}, 256, WorkloadInput());
  ASSERT_EQ(t.result.status, ExecuteResult::kExited);
  ASSERT_EQ(t.trace.steps.size(), t.result.cycles);
  const ReplayResult replayed = Replay(t.image, t.input, t.trace);
  EXPECT_EQ(replayed.registers, t.result.registers);
  EXPECT_EQ(replayed.pc, t.result.pc);
  EXPECT_EQ(replayed.journal, t.result.journal);
  EXPECT_TRUE(replayed.memory == t.result.final_memory);
  EXPECT_FALSE(replayed.memory == InitialMemoryImage(t.image));
}

TEST(TraceTest, FastAndTracedExecutionAgree) {
  const std::vector<uint8_t> input = WorkloadInput();
  ExecuteResult r =
      testing::RunBothModes(MakeImage(Workload().words(), {}, 256), input);  // checks equality
  EXPECT_EQ(r.status, ExecuteResult::kExited);
  EXPECT_EQ(r.journal.size(), 16u);
}

TEST(TraceTest, FaultingInstructionIsNotRecorded) {
  Code c;
  c << Addi(t0, zero, 1) << Ebreak();
  Traced t = RunTraced(c);
  ASSERT_EQ(t.result.status, ExecuteResult::kFault);
  EXPECT_EQ(t.trace.steps.size(), 1u);
  EXPECT_EQ(t.result.cycles, 1u);
  EXPECT_EQ(Replay(t.image, t.input, t.trace).registers, t.result.registers);
}

TEST(TraceTest, TracesAreReusable) {
  Traced t = RunTraced(Workload(), {}, 256, WorkloadInput());
  Trace again = t.trace;
  ExecuteOptions options;
  options.input = t.input;
  ExecuteTraced(t.image, options, &again);
  EXPECT_EQ(again.steps.size(), t.trace.steps.size());
  EXPECT_EQ(again.syscalls.size(), t.trace.syscalls.size());
  EXPECT_EQ(again.syscall_data, t.trace.syscall_data);
}

void ExpectReplayRejects(const Traced& t, const Trace& tampered, const std::string& message) {
  try {
    Replay(t.image, t.input, tampered);
    ADD_FAILURE() << "tampered trace replayed; expected: " << message;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
  }
}

size_t FirstStepWith(const Trace& trace, uint8_t flag) {
  for (size_t i = 0; i < trace.steps.size(); ++i) {
    if (trace.steps[i].flags & flag) return i;
  }
  return trace.steps.size();
}

TEST(TraceTest, ReplayRejectsTamperedTraces) {
  const Traced t = RunTraced(Workload(), {}, 256, WorkloadInput());
  ASSERT_EQ(t.result.status, ExecuteResult::kExited);
  const size_t load = FirstStepWith(t.trace, kTraceLoad);
  const size_t store = FirstStepWith(t.trace, kTraceStore);
  ASSERT_LT(load, t.trace.steps.size());
  ASSERT_LT(store, t.trace.steps.size());

  Trace bad = t.trace;
  bad.steps[10].pc += 4;
  ExpectReplayRejects(t, bad, "breaks the pc chain");

  bad = t.trace;
  bad.steps[10].next_pc += 4;
  ExpectReplayRejects(t, bad, "step 11");

  bad = t.trace;
  bad.steps[load].mem_prev_value ^= 1;
  ExpectReplayRejects(t, bad, "memory word");

  bad = t.trace;
  bad.steps[store].mem_prev_timestamp += 1;
  ExpectReplayRejects(t, bad, "previous access timestamp");

  bad = t.trace;
  bad.steps[load].mem_value ^= 1;
  ExpectReplayRejects(t, bad, "a read changes memory");

  bad = t.trace;
  bad.steps[3].insn ^= 0x80;
  ExpectReplayRejects(t, bad, "instruction word differs");

  bad = t.trace;
  bad.steps[20].rs1_value += 1;
  ExpectReplayRejects(t, bad, "rs1 value differs");

  bad = t.trace;  // a wrong result is caught where it is read back
  for (size_t i = 0; i + 1 < bad.steps.size(); ++i) {
    if (bad.steps[i].rd == s2 && bad.steps[i].flags == 0) {
      bad.steps[i].rd_value += 1;
      break;
    }
  }
  ExpectReplayRejects(t, bad, "value differs");

  bad = t.trace;
  bad.steps[5].timestamp = 99;
  ExpectReplayRejects(t, bad, "wrong timestamp");

  bad = t.trace;
  bad.syscall_data[bad.syscalls[0].data_offset] ^= 1;
  ExpectReplayRejects(t, bad, "syscall buffer differs");

  bad = t.trace;
  bad.syscall_accesses[0].value ^= 0x100;
  ExpectReplayRejects(t, bad, "");  // caught either at the buffer check or a later read

  Traced other_input = t;
  other_input.input[0] ^= 1;
  ExpectReplayRejects(other_input, t.trace, "bytes read differ from the input");

  bad = t.trace;
  bad.syscalls.pop_back();
  ExpectReplayRejects(t, bad, "missing syscall record");
}

}  // namespace
}  // namespace prova::vm
