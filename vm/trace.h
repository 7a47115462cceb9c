#pragma once

// The execution trace, the prover's input: one fixed-size TraceStep per retired instruction, plus
// side tables for syscalls (which may touch many words and carry variable-length data).
//
// Timestamps: step i (0-based) has timestamp i + 1; timestamp 0 is the initial memory image. Every
// memory access names the word (address & ~3) it touches, that word's value before and after, and
// the timestamp of the previous access to the same word: what offline memory checking consumes.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "vm/elf_loader.h"
#include "vm/memory.h"

namespace prova::vm {

enum TraceFlag : uint8_t {
  kTraceLoad = 1,     // the mem_* fields describe a load
  kTraceStore = 2,    // the mem_* fields describe a store
  kTraceSyscall = 4,  // an ecall; its SyscallRecord has the same timestamp
};

struct TraceStep {
  uint32_t timestamp;  // cycle + 1
  uint32_t pc;
  uint32_t next_pc;
  uint32_t insn;       // instruction word at pc
  uint32_t rs1_value;  // 0 when rs1 is not read
  uint32_t rs2_value;  // 0 when rs2 is not read
  uint32_t rd_value;   // value written to rd; 0 when rd is 0 (nothing written)
  uint32_t mem_addr;   // byte address of the load/store
  uint32_t mem_value;  // the word at mem_addr & ~3 after the access (== prev for a load)
  uint32_t mem_prev_value;
  uint32_t mem_prev_timestamp;
  uint8_t rs1;  // register indices; 0 when not used
  uint8_t rs2;
  uint8_t rd;
  uint8_t flags;  // TraceFlag bits
};
static_assert(sizeof(TraceStep) == 48);

// A word of guest memory read or written by a syscall (read() fills a buffer, write() reads one).
struct MemoryAccessRecord {
  uint32_t timestamp;
  uint32_t address;  // word address
  uint32_t value;    // after the access
  uint32_t prev_value;
  uint32_t prev_timestamp;
  uint32_t is_write;
};

struct SyscallRecord {
  uint32_t timestamp;
  uint32_t number;                       // a7
  uint32_t args[3];                      // a0, a1, a2 on entry
  uint32_t result;                       // a0 on return (exit: a0 unchanged)
  uint32_t data_offset, data_size;       // Trace::syscall_data: bytes read from input / written
  uint32_t access_offset, access_count;  // Trace::syscall_accesses
};

// Pages mapped for one allocation and unmapped when it is freed, advised for 2 MiB pages where
// they span them: the steps vector reserves room for the longest run (ExecuteTraced) and a run
// touches only what it fills. From the heap, the untouched rest would stay there once the trace
// is freed and pass for memory a proof can reuse without page faults (common/heap.h,
// SpareHeapBytes).
void* AllocatePages(size_t bytes);
void FreePages(void* data, size_t bytes);

template <class T>
struct PageAllocator {
  using value_type = T;
  PageAllocator() = default;
  template <class U>
  PageAllocator(const PageAllocator<U>&) {}  // the conversion every allocator provides
  T* allocate(size_t n) { return static_cast<T*>(AllocatePages(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { FreePages(p, n * sizeof(T)); }
  friend bool operator==(const PageAllocator&, const PageAllocator&) { return true; }
};

struct Trace {
  uint32_t initial_pc = 0;
  std::array<uint32_t, 32> initial_registers{};
  std::vector<TraceStep, PageAllocator<TraceStep>> steps;
  std::vector<SyscallRecord> syscalls;
  std::vector<MemoryAccessRecord> syscall_accesses;
  std::vector<uint8_t> syscall_data;
};

// The tracing interpreter context: records in the register and memory access hooks that the
// interpreter calls from its read/write primitives.
class TraceRecorder {
 public:
  static constexpr bool kTracing = true;

  explicit TraceRecorder(Trace* trace);

  void BeginStep(uint64_t cycle, uint32_t pc, uint32_t insn) {
    step_ = TraceStep{};
    step_.timestamp = static_cast<uint32_t>(cycle + 1);
    step_.pc = pc;
    step_.insn = insn;
  }
  void ReadRegister(int slot, uint32_t index, uint32_t value) {
    if (slot == 0) {
      step_.rs1 = static_cast<uint8_t>(index);
      step_.rs1_value = value;
    } else {
      step_.rs2 = static_cast<uint8_t>(index);
      step_.rs2_value = value;
    }
  }
  void WriteRegister(uint32_t index, uint32_t value) {
    if (index >= 32) return;  // the x0 discard slot: nothing is written
    step_.rd = static_cast<uint8_t>(index);
    step_.rd_value = value;
  }
  void MemoryAccess(uint32_t addr, uint32_t prev_word, uint32_t new_word, bool is_write) {
    uint32_t& last = timestamps_[addr >> 2];
    step_.mem_addr = addr;
    step_.mem_prev_value = prev_word;
    step_.mem_value = new_word;
    step_.mem_prev_timestamp = last;
    step_.flags |= is_write ? kTraceStore : kTraceLoad;
    last = step_.timestamp;
  }
  void SyscallMemoryAccess(uint32_t word_addr, uint32_t prev_word, uint32_t new_word,
                           bool is_write);
  void Syscall(uint32_t number, const uint32_t (&args)[3], uint32_t result,
               std::span<const uint8_t> data);
  void EndStep(uint32_t next_pc) {
    step_.next_pc = next_pc;
    trace_->steps.push_back(step_);
  }

 private:
  Trace* trace_;
  TraceStep step_{};
  uint32_t access_begin_ = 0;           // first syscall access of the current step
  VirtualReservation timestamp_space_;  // one uint32 per guest word, lazily zero
  uint32_t* timestamps_;
};

struct ReplayResult {
  std::array<uint32_t, 32> registers{};
  uint32_t pc = 0;
  MemoryImage memory;
  std::vector<uint8_t> journal;
};

// Rebuilds the final state from the initial image and the trace records alone, without
// interpreting any instruction: register writes, stores and syscall writes are applied in order.
// Along the way it checks that the trace is self-consistent (pc chain, register and memory values
// read, previous-access timestamps, instruction words, input bytes, syscall records); any mismatch
// throws prova::Error naming the step.
ReplayResult Replay(const ProgramImage& image, std::span<const uint8_t> input, const Trace& trace);

}  // namespace prova::vm
