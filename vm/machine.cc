#include "vm/machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

#include "common/error.h"
#include "vm/interpreter.h"
#include "vm/trace.h"

namespace prova::vm {
namespace {

constexpr uint32_t kSysRead = 63, kSysWrite = 64, kSysExit = 93, kSysExitGroup = 94, kSysBrk = 214;
constexpr uint32_t kFdStdin = 0, kFdStdout = 1, kFdStderr = 2, kFdJournal = 3;
constexpr uint32_t kEbadf = 9;
constexpr uint32_t kAtNull = 0, kAtPagesz = 6;
// The code cache holds one 8-byte slot per word of the executable address range.
constexpr uint64_t kMaxCodeSpan = uint64_t{64} << 20;
constexpr uint32_t kHighestHeapAddress = 0xfffff000u;

uint64_t PageAlignUp(uint64_t addr) { return (addr + kPageSize - 1) & ~uint64_t{kPageSize - 1}; }

// ELF loading already guarantees all of this; images built by hand (tests, benchmarks, images
// read back from elsewhere) get the same checks here.
void ValidateImage(const ProgramImage& image) {
  if (image.segments.empty()) throw Error("image: no segments");
  bool entry_ok = false;
  for (size_t i = 0; i < image.segments.size(); ++i) {
    const Segment& s = image.segments[i];
    const uint64_t end = uint64_t{s.vaddr} + s.mem_size;
    if (s.mem_size == 0) throw Error(fmt::format("image: segment {} is empty", i));
    if (s.bytes.size() > s.mem_size) {
      throw Error(fmt::format("image: segment {} has more bytes than its memory size", i));
    }
    if (end > (uint64_t{1} << 32)) {
      throw Error(fmt::format("image: segment {} extends past the 32-bit address space", i));
    }
    if (i > 0 && uint64_t{image.segments[i - 1].vaddr} + image.segments[i - 1].mem_size > s.vaddr) {
      throw Error(fmt::format("image: segment {} overlaps or precedes segment {}", i, i - 1));
    }
    if (s.vaddr < kStackTop && end > kStackBottom) {
      throw Error(
          fmt::format("image: segment {} [0x{:x}, 0x{:x}) overlaps the stack [0x{:x}, 0x{:x})", i,
                      s.vaddr, end, kStackBottom, kStackTop));
    }
    if ((s.permissions & kExecute) && image.entry >= s.vaddr && image.entry < end) entry_ok = true;
  }
  if (!entry_ok || image.entry % 4 != 0) {
    throw Error(
        fmt::format("image: entry point 0x{:x} is not an aligned address in an executable "
                    "segment",
                    image.entry));
  }
}

}  // namespace

Machine::Machine(const ProgramImage& image, std::span<const uint8_t> input,
                 OutputCallback on_output)
    : input_(input), on_output_(std::move(on_output)) {
  ValidateImage(image);

  uint64_t highest_end = 0;
  uint64_t code_begin = ~uint64_t{0}, code_end = 0;
  for (const Segment& s : image.segments) {
    // Writable or executable pages are readable too, as on Linux/RISC-V.
    const uint8_t permissions = s.permissions ? (s.permissions | kRead) : 0;
    memory_.Map(s.vaddr, s.mem_size, permissions);
    memory_.WriteBytes(s.vaddr, s.bytes);
    highest_end = std::max(highest_end, uint64_t{s.vaddr} + s.mem_size);
    if (s.permissions & kExecute) {
      code_begin = std::min<uint64_t>(code_begin, s.vaddr & ~(kPageSize - 1));
      code_end = std::max(code_end, PageAlignUp(uint64_t{s.vaddr} + s.mem_size));
    }
  }

  // Heap: from the end of the image up to the stack (or to the top of memory if the image lies
  // above the stack).
  heap_start_ =
      static_cast<uint32_t>(std::min<uint64_t>(PageAlignUp(highest_end), kHighestHeapAddress));
  heap_limit_ = heap_start_ <= kStackBottom ? kStackBottom : kHighestHeapAddress;
  brk_ = heap_start_;

  // Stack, as Linux leaves it for a static binary: argc = 0, argv = {NULL}, envp = {NULL},
  // auxv = {AT_PAGESZ 4096, AT_NULL}; sp 16-byte aligned.
  memory_.Map(kStackBottom, kStackSize, kRead | kWrite);
  const uint32_t sp = kStackTop - 32;
  const uint32_t stack_words[8] = {0, 0, 0, kAtPagesz, kPageSize, kAtNull, 0, 0};
  for (uint32_t i = 0; i < 8; ++i) memory_.WriteWord(sp + 4 * i, stack_words[i]);
  regs_[2] = sp;
  pc_ = image.entry;

  // Code cache over the executable pages (gaps inside the range fault on fetch).
  if (code_end - code_begin > kMaxCodeSpan) {
    throw Error(fmt::format("image: executable segments span 0x{:x} bytes (limit 0x{:x})",
                            code_end - code_begin, kMaxCodeSpan));
  }
  code_base_ = static_cast<uint32_t>(code_begin);
  code_count_ = static_cast<uint32_t>((code_end - code_begin) / 4);
  code_.resize(code_count_);
  InvalidateCode(code_base_, code_count_ * 4);
}

void Machine::InvalidateCode(uint32_t addr, uint32_t size) {
  const uint32_t first = addr & ~3u;
  const uint64_t end = uint64_t{addr} + size;
  for (uint64_t word = first; word < end; word += 4) {
    const uint64_t slot = (word - code_base_) / 4;
    if (word < code_base_ || slot >= code_count_) continue;
    const uint32_t w = static_cast<uint32_t>(word);
    code_[slot] = (memory_.PagePermissions(w) & kExecute) ? Decode(memory_.ReadWord(w))
                                                          : DecodedInstruction{Op::kFetchFault};
  }
}

std::array<uint32_t, 32> Machine::registers() const {
  std::array<uint32_t, 32> out;
  std::copy_n(regs_.begin(), 32, out.begin());
  return out;
}

void Machine::RaiseFault(FaultKind kind, uint32_t pc, uint32_t addr, std::string message) {
  Fault f;
  f.kind = kind;
  f.pc = pc;
  f.addr = addr;
  f.insn = memory_.PagePermissions(pc) != 0 ? memory_.ReadWord(pc) : 0;
  if (message.empty()) {
    switch (kind) {
      case FaultKind::kCycleLimit:
        message =
            fmt::format("cycle limit reached after {} instructions at pc 0x{:08x}", cycles_, pc);
        break;
      case FaultKind::kIllegalInstruction:
        message = fmt::format("illegal instruction 0x{:08x} at pc 0x{:08x}", f.insn, pc);
        break;
      case FaultKind::kMisalignedAccess:
        message = fmt::format("misaligned load/store at address 0x{:08x} (pc 0x{:08x})", addr, pc);
        break;
      case FaultKind::kMisalignedJump:
        message = fmt::format("misaligned jump target 0x{:08x} at pc 0x{:08x}", addr, pc);
        break;
      case FaultKind::kUnmappedMemory:
        message = addr == pc ? fmt::format("fetch from unmapped memory at pc 0x{:08x}", pc)
                             : fmt::format(
                                   "access to unmapped memory at address 0x{:08x} "
                                   "(pc 0x{:08x})",
                                   addr, pc);
        break;
      case FaultKind::kWriteToReadOnly:
        message =
            fmt::format("write to read-only memory at address 0x{:08x} (pc 0x{:08x})", addr, pc);
        break;
      case FaultKind::kFetchFromNonExecutable:
        message = fmt::format("fetch from non-executable memory at pc 0x{:08x}", pc);
        break;
      case FaultKind::kUnsupportedSyscall:
        message = fmt::format("unsupported syscall {} at pc 0x{:08x}", addr, pc);
        break;
      case FaultKind::kEbreak:
        message = fmt::format("ebreak at pc 0x{:08x}", pc);
        break;
      case FaultKind::kBadSyscallArgument:
        message = fmt::format("bad syscall argument at pc 0x{:08x}", pc);
        break;
    }
  }
  f.message = std::move(message);
  fault_ = std::move(f);
  state_ = State::kFaulted;
}

void Machine::Output(int fd, std::span<const uint8_t> bytes) {
  if (fd == static_cast<int>(kFdJournal))
    journal_.insert(journal_.end(), bytes.begin(), bytes.end());
  if (on_output_) {
    on_output_(fd, bytes);
  } else if (fd == static_cast<int>(kFdStdout)) {
    stdout_.insert(stdout_.end(), bytes.begin(), bytes.end());
  } else if (fd == static_cast<int>(kFdStderr)) {
    stderr_.insert(stderr_.end(), bytes.begin(), bytes.end());
  }
}

// Linux semantics: an invalid request (below the initial break or above the limit) leaves the
// break unchanged, and the call returns the current break either way. Memory released by
// shrinking keeps its contents (so the trace records every change of memory contents).
uint32_t Machine::Brk(uint32_t request) {
  if (request < heap_start_ || request > heap_limit_) return brk_;
  const uint64_t old_end = PageAlignUp(brk_);
  const uint64_t new_end = PageAlignUp(request);
  if (new_end > old_end) {
    memory_.Map(static_cast<uint32_t>(old_end), new_end - old_end, kRead | kWrite);
  } else if (new_end < old_end) {
    memory_.Unmap(static_cast<uint32_t>(new_end), old_end - new_end);
  }
  brk_ = request;
  return brk_;
}

template <class Context>
Machine::SyscallOutcome Machine::Syscall(Context& ctx, uint32_t* x, uint32_t pc) {
  const uint32_t number = x[17];
  const uint32_t args[3] = {x[10], x[11], x[12]};
  if constexpr (Context::kTracing) {
    ctx.ReadRegister(0, 17, number);
    ctx.ReadRegister(1, 10, args[0]);
  }
  uint8_t* const mem = memory_.base();
  std::span<const uint8_t> data;
  uint32_t result = 0;
  switch (number) {
    case kSysExit:
    case kSysExitGroup:
      exit_code_ = args[0];
      state_ = State::kExited;
      if constexpr (Context::kTracing) ctx.Syscall(number, args, args[0], {});
      return SyscallOutcome::kExit;

    case kSysRead: {
      if (args[0] != kFdStdin) {
        result = static_cast<uint32_t>(-kEbadf);
        break;
      }
      const uint32_t buffer = args[1];
      const uint32_t n =
          static_cast<uint32_t>(std::min<uint64_t>(args[2], input_.size() - input_pos_));
      if (!memory_.RangeHas(buffer, n, kWrite)) {
        RaiseFault(FaultKind::kBadSyscallArgument, pc, buffer,
                   fmt::format("read: buffer [0x{:08x}, +0x{:x}) is not writable guest memory "
                               "(pc 0x{:08x})",
                               buffer, n, pc));
        return SyscallOutcome::kFault;
      }
      data = input_.subspan(input_pos_, n);
      if constexpr (Context::kTracing) {
        const uint32_t first = buffer & ~3u;
        const uint64_t end = uint64_t{buffer} + n;
        std::vector<uint32_t> before;
        for (uint64_t w = first; w < end; w += 4) before.push_back(memory_.ReadWord(uint32_t(w)));
        if (n > 0) std::memcpy(mem + buffer, data.data(), n);
        size_t i = 0;
        for (uint64_t w = first; w < end; w += 4, ++i) {
          ctx.SyscallMemoryAccess(uint32_t(w), before[i], memory_.ReadWord(uint32_t(w)), true);
        }
      } else {
        if (n > 0) std::memcpy(mem + buffer, data.data(), n);
      }
      InvalidateCode(buffer, n);
      input_pos_ += n;
      result = n;
      break;
    }

    case kSysWrite: {
      const uint32_t fd = args[0];
      if (fd != kFdStdout && fd != kFdStderr && fd != kFdJournal) {
        result = static_cast<uint32_t>(-kEbadf);
        break;
      }
      const uint32_t buffer = args[1];
      const uint32_t n = args[2];
      if (!memory_.RangeHas(buffer, n, kRead)) {
        RaiseFault(FaultKind::kBadSyscallArgument, pc, buffer,
                   fmt::format("write: buffer [0x{:08x}, +0x{:x}) is not readable guest memory "
                               "(pc 0x{:08x})",
                               buffer, n, pc));
        return SyscallOutcome::kFault;
      }
      if (fd == kFdJournal && journal_.size() + uint64_t{n} > max_journal_bytes_) {
        RaiseFault(FaultKind::kBadSyscallArgument, pc, buffer,
                   fmt::format("write: the journal would exceed {} bytes (pc 0x{:08x})",
                               max_journal_bytes_, pc));
        return SyscallOutcome::kFault;
      }
      data = std::span<const uint8_t>(mem + buffer, n);
      if constexpr (Context::kTracing) {
        const uint64_t end = uint64_t{buffer} + n;
        for (uint64_t w = buffer & ~3u; w < end; w += 4) {
          const uint32_t v = memory_.ReadWord(uint32_t(w));
          ctx.SyscallMemoryAccess(uint32_t(w), v, v, false);
        }
      }
      Output(static_cast<int>(fd), data);
      result = n;
      break;
    }

    case kSysBrk:
      result = Brk(args[0]);
      break;

    default:
      RaiseFault(FaultKind::kUnsupportedSyscall, pc, number);
      return SyscallOutcome::kFault;
  }
  x[10] = result;
  if constexpr (Context::kTracing) {
    ctx.WriteRegister(10, result);
    ctx.Syscall(number, args, result, data);
  }
  return SyscallOutcome::kContinue;
}

template void Machine::Run<FastContext>(FastContext&, uint64_t);
template void Machine::Run<TraceRecorder>(TraceRecorder&, uint64_t);

void Machine::FillResult(ExecuteResult* result, bool capture_memory) {
  result->status = state_ == State::kExited ? ExecuteResult::kExited : ExecuteResult::kFault;
  result->exit_code = exit_code_;
  result->fault = fault_;
  result->cycles = cycles_;
  result->journal = std::move(journal_);
  result->stdout_bytes = std::move(stdout_);
  result->stderr_bytes = std::move(stderr_);
  result->registers = registers();
  result->pc = pc_;
  if (capture_memory) result->final_memory = memory_.Snapshot();
}

ExecuteResult Execute(const ProgramImage& image, const ExecuteOptions& options) {
  Machine machine(image, options.input, options.on_output);
  machine.set_max_journal_bytes(options.max_journal_bytes);
  FastContext ctx;
  machine.Run(ctx, options.max_cycles);
  ExecuteResult result;
  machine.FillResult(&result, options.capture_memory);
  return result;
}

ExecuteResult ExecuteTraced(const ProgramImage& image, const ExecuteOptions& options, Trace* out) {
  PROVA_CHECK(out != nullptr, "ExecuteTraced needs a trace");
  Machine machine(image, options.input, options.on_output);
  machine.set_max_journal_bytes(options.max_journal_bytes);
  // Cleared, not replaced: a caller tracing repeatedly reuses the capacity (and its touched pages).
  out->steps.clear();
  out->syscalls.clear();
  out->syscall_accesses.clear();
  out->syscall_data.clear();
  out->initial_pc = machine.pc();
  out->initial_registers = machine.registers();
  const uint64_t max_cycles = std::min<uint64_t>(options.max_cycles, 0xfffffffeu);
  // Room for the longest run the limit allows, in pages of its own (PageAllocator): only what the
  // run fills is ever touched.
  out->steps.reserve(static_cast<size_t>(std::min<uint64_t>(max_cycles, uint64_t{1} << 22)));
  TraceRecorder recorder(out);
  machine.Run(recorder, max_cycles);
  ExecuteResult result;
  machine.FillResult(&result, options.capture_memory);
  return result;
}

int ProcessExitStatus(const ExecuteResult& result) {
  if (result.status == ExecuteResult::kExited) return static_cast<int>(result.exit_code & 0xff);
  PROVA_CHECK(result.fault.has_value(), "a faulted result carries its fault");
  return ExitStatusFor(result.fault->kind);
}

MemoryImage InitialMemoryImage(const ProgramImage& image) {
  return Machine(image, {}, {}).memory().Snapshot();
}

}  // namespace prova::vm
