#pragma once

// The public entry points of the emulator (Execute, ExecuteTraced, ProcessExitStatus) and the
// Machine they run: guest memory, the predecoded code cache, registers, syscall state.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "vm/decoder.h"
#include "vm/elf_loader.h"
#include "vm/fault.h"
#include "vm/memory.h"

namespace prova::vm {

struct Trace;  // vm/trace.h

inline constexpr uint64_t kDefaultMaxCycles = uint64_t{1} << 32;
// The longest journal a receipt verifier accepts (verifier/rv32im/verify.cc): the default limit
// of ExecuteOptions::max_journal_bytes. A write to fd 3 past it faults.
inline constexpr uint64_t kMaxJournalBytes = (uint64_t{1} << 28) - 1;

// Called with fd 1 (stdout), 2 (stderr) or 3 (journal) and the bytes of each write.
using OutputCallback = std::function<void(int fd, std::span<const uint8_t>)>;

struct ExecuteOptions {
  uint64_t max_cycles = kDefaultMaxCycles;  // instructions; the next one raises kCycleLimit
  std::span<const uint8_t> input;           // private input, read from fd 0
  // When set, stdout/stderr writes are streamed here and not collected in ExecuteResult; journal
  // writes are passed here too and always collected.
  OutputCallback on_output;
  bool capture_memory = false;  // fill ExecuteResult::final_memory
  // A write to fd 3 that would make the journal longer faults (kBadSyscallArgument): a service
  // keeps a guest from filling its memory with journal.
  uint64_t max_journal_bytes = kMaxJournalBytes;
};

struct ExecuteResult {
  enum Status { kExited, kFault };
  Status status = kFault;
  uint32_t exit_code = 0;      // full a0 of exit/exit_group (status kExited)
  std::optional<Fault> fault;  // status kFault
  uint64_t cycles = 0;         // instructions retired (the exiting ecall included)
  std::vector<uint8_t> journal;
  std::vector<uint8_t> stdout_bytes;
  std::vector<uint8_t> stderr_bytes;
  std::array<uint32_t, 32> registers{};
  uint32_t pc = 0;           // after exit: the address after the ecall; after a fault: its pc
  MemoryImage final_memory;  // only with ExecuteOptions::capture_memory
};

// Runs the guest without recording anything. Throws prova::Error if the image cannot be mapped.
ExecuteResult Execute(const ProgramImage& image, const ExecuteOptions& options);
// Same execution, recording every retired instruction into *out (cleared first;
// its capacity is reused). The trace is limited
// to 2^32 - 2 steps whatever max_cycles says (timestamps are 32-bit).
ExecuteResult ExecuteTraced(const ProgramImage& image, const ExecuteOptions& options, Trace* out);
// The CLI's process status: the guest exit code & 0xff, or ExitStatusFor(fault kind).
int ProcessExitStatus(const ExecuteResult& result);

// Guest memory right after loading `image` and building the initial stack (the prover's initial
// memory image).
MemoryImage InitialMemoryImage(const ProgramImage& image);

// The interpreter context of plain execution: no hooks, nothing recorded.
struct FastContext {
  static constexpr bool kTracing = false;
};

class Machine {
 public:
  enum class State { kRunning, kExited, kFaulted };

  // Maps the image, builds the initial stack and registers, predecodes the executable pages.
  // Throws prova::Error for an image that cannot be mapped (e.g. a segment over the stack).
  Machine(const ProgramImage& image, std::span<const uint8_t> input, OutputCallback on_output);

  // Runs until exit, a fault, or `max_cycles` retired instructions in total. Context is
  // FastContext or a recorder with the hooks listed in vm/interpreter.h.
  template <class Context>
  void Run(Context& ctx, uint64_t max_cycles);

  State state() const { return state_; }
  uint32_t exit_code() const { return exit_code_; }
  const std::optional<Fault>& fault() const { return fault_; }
  uint64_t cycles() const { return cycles_; }
  uint32_t pc() const { return pc_; }
  uint32_t reg(unsigned index) const { return regs_[index]; }
  std::array<uint32_t, 32> registers() const;
  Memory& memory() { return memory_; }
  const Memory& memory() const { return memory_; }
  uint32_t brk() const { return brk_; }
  uint32_t heap_start() const { return heap_start_; }
  uint32_t heap_limit() const { return heap_limit_; }

  // Moves the collected outputs and the final state into `result`.
  void FillResult(ExecuteResult* result, bool capture_memory);
  // See ExecuteOptions::max_journal_bytes.
  void set_max_journal_bytes(uint64_t bytes) { max_journal_bytes_ = bytes; }

 private:
  enum class SyscallOutcome { kContinue, kExit, kFault };

  template <class Context>
  SyscallOutcome Syscall(Context& ctx, uint32_t* x, uint32_t pc);
  void Output(int fd, std::span<const uint8_t> bytes);
  uint32_t Brk(uint32_t request);
  // Re-decodes the code-cache slots of [addr, addr + size) after a write to executable memory.
  void InvalidateCode(uint32_t addr, uint32_t size);
  void RaiseFault(FaultKind kind, uint32_t pc, uint32_t addr, std::string message = {});

  Memory memory_;
  std::vector<DecodedInstruction> code_;  // one slot per word of [code_base_, + 4 * code_count_)
  uint32_t code_base_ = 0;
  uint32_t code_count_ = 0;

  std::array<uint32_t, 33> regs_{};  // regs_[kDiscardRegister] absorbs writes to x0
  uint32_t pc_ = 0;
  uint64_t cycles_ = 0;
  State state_ = State::kRunning;
  uint32_t exit_code_ = 0;
  std::optional<Fault> fault_;

  std::span<const uint8_t> input_;
  size_t input_pos_ = 0;
  OutputCallback on_output_;
  std::vector<uint8_t> journal_, stdout_, stderr_;
  uint64_t max_journal_bytes_ = kMaxJournalBytes;

  uint32_t heap_start_ = 0, heap_limit_ = 0, brk_ = 0;
};

}  // namespace prova::vm
