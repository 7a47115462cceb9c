#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "common/error.h"
#include "vm/machine.h"
#include "vm/trace.h"

namespace prova::vm {
namespace {

constexpr uint32_t kSysRead = 63, kSysWrite = 64;
constexpr uint32_t kFdJournal = 3;

}  // namespace

ReplayResult Replay(const ProgramImage& image, std::span<const uint8_t> input, const Trace& trace) {
  // The same initial state as execution: loaded segments, initial stack, registers.
  Machine machine(image, {}, {});
  Memory& memory = machine.memory();
  std::array<uint32_t, 32> regs = machine.registers();
  uint32_t pc = machine.pc();
  if (trace.initial_pc != pc || trace.initial_registers != regs) {
    throw Error("replay: the trace starts from a different initial state");
  }

  std::unordered_map<uint32_t, uint32_t> last_access;  // word address -> timestamp (absent: 0)
  size_t step_index = 0;
  auto fail = [&](std::string_view what) {
    throw Error(fmt::format("replay: step {} (pc 0x{:08x}): {}", step_index, pc, what));
  };
  auto apply_access = [&](uint32_t addr, uint32_t prev, uint32_t value, uint32_t prev_timestamp,
                          uint32_t timestamp, bool is_write) {
    const uint32_t word = addr & ~3u;
    if (memory.ReadWord(word) != prev) fail(fmt::format("memory word 0x{:08x} differs", word));
    uint32_t& last = last_access[word];
    if (last != prev_timestamp) {
      fail(fmt::format("previous access timestamp of 0x{:08x} is {}, trace says {}", word, last,
                       prev_timestamp));
    }
    last = timestamp;
    if (is_write) {
      memory.WriteWord(word, value);
    } else if (value != prev) {
      fail("a read changes memory");
    }
  };

  ReplayResult out;
  size_t next_syscall = 0;
  size_t input_pos = 0;
  for (; step_index < trace.steps.size(); ++step_index) {
    const TraceStep& s = trace.steps[step_index];
    if (s.timestamp != step_index + 1) fail("wrong timestamp");
    if (s.pc != pc) fail(fmt::format("recorded pc 0x{:08x} breaks the pc chain", s.pc));
    if (pc % 4 != 0) fail("misaligned pc");
    if (memory.ReadWord(pc) != s.insn) fail("instruction word differs from memory");
    if (s.rs1 >= 32 || s.rs2 >= 32 || s.rd >= 32) fail("register index out of range");
    if (regs[s.rs1] != s.rs1_value) fail("rs1 value differs");
    if (regs[s.rs2] != s.rs2_value) fail("rs2 value differs");
    const bool load = s.flags & kTraceLoad, store = s.flags & kTraceStore;
    if (load && store) fail("both load and store");
    if (load || store) {
      apply_access(s.mem_addr, s.mem_prev_value, s.mem_value, s.mem_prev_timestamp, s.timestamp,
                   store);
    }
    if (s.flags & kTraceSyscall) {
      if (next_syscall >= trace.syscalls.size()) fail("missing syscall record");
      const SyscallRecord& r = trace.syscalls[next_syscall++];
      if (r.timestamp != s.timestamp) fail("syscall record out of order");
      if (uint64_t{r.access_offset} + r.access_count > trace.syscall_accesses.size() ||
          uint64_t{r.data_offset} + r.data_size > trace.syscall_data.size()) {
        fail("syscall record points outside the trace");
      }
      for (uint32_t k = 0; k < r.access_count; ++k) {
        const MemoryAccessRecord& a = trace.syscall_accesses[r.access_offset + k];
        if (a.timestamp != s.timestamp) fail("syscall access with a foreign timestamp");
        apply_access(a.address, a.prev_value, a.value, a.prev_timestamp, a.timestamp,
                     a.is_write != 0);
      }
      const std::span<const uint8_t> data(trace.syscall_data.data() + r.data_offset, r.data_size);
      const bool moved_data = (r.number == kSysRead || r.number == kSysWrite) && !data.empty();
      if (moved_data && std::memcmp(memory.base() + r.args[1], data.data(), data.size()) != 0) {
        fail("syscall buffer differs from its recorded data");
      }
      if (r.number == kSysRead && !data.empty()) {
        if (input_pos + data.size() > input.size() ||
            !std::equal(data.begin(), data.end(), input.begin() + input_pos)) {
          fail("bytes read differ from the input");
        }
        input_pos += data.size();
      }
      if (r.number == kSysWrite && r.args[0] == kFdJournal) {
        out.journal.insert(out.journal.end(), data.begin(), data.end());
      }
    }
    if (s.rd != 0) {
      regs[s.rd] = s.rd_value;
    } else if (s.rd_value != 0) {
      fail("value written to x0");
    }
    pc = s.next_pc;
  }
  if (next_syscall != trace.syscalls.size()) {
    throw Error("replay: syscall records left over after the last step");
  }
  out.registers = regs;
  out.pc = pc;
  out.memory = memory.Snapshot();
  return out;
}

}  // namespace prova::vm
