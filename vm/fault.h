#pragma once

// Why a guest stopped without calling exit, and the process exit status the CLI reports for each
// reason. This table is the single source for those statuses (documented in vm/ABI.md).

#include <cstdint>
#include <string>
#include <string_view>

namespace prova::vm {

enum class FaultKind : uint8_t {
  kCycleLimit,
  kIllegalInstruction,
  kMisalignedAccess,        // load/store address not naturally aligned
  kMisalignedJump,          // jump or taken-branch target not 4-byte aligned
  kUnmappedMemory,          // load/store/fetch of an unmapped page
  kWriteToReadOnly,         // store to a mapped page without write permission
  kFetchFromNonExecutable,  // fetch from a mapped page without execute permission
  kUnsupportedSyscall,
  kEbreak,
  kBadSyscallArgument,  // e.g. a read/write buffer outside guest memory
};

// Process exit statuses, chosen above the range guests normally use for their own exit codes.
inline constexpr int ExitStatusFor(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCycleLimit:
      return 240;
    case FaultKind::kIllegalInstruction:
      return 241;
    case FaultKind::kMisalignedAccess:
      return 242;
    case FaultKind::kMisalignedJump:
      return 243;
    case FaultKind::kUnmappedMemory:
      return 244;
    case FaultKind::kWriteToReadOnly:
      return 245;
    case FaultKind::kFetchFromNonExecutable:
      return 246;
    case FaultKind::kUnsupportedSyscall:
      return 247;
    case FaultKind::kEbreak:
      return 248;
    case FaultKind::kBadSyscallArgument:
      return 249;
  }
  return 255;
}

inline constexpr std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCycleLimit:
      return "cycle limit reached";
    case FaultKind::kIllegalInstruction:
      return "illegal instruction";
    case FaultKind::kMisalignedAccess:
      return "misaligned load/store";
    case FaultKind::kMisalignedJump:
      return "misaligned jump target";
    case FaultKind::kUnmappedMemory:
      return "unmapped memory";
    case FaultKind::kWriteToReadOnly:
      return "write to read-only memory";
    case FaultKind::kFetchFromNonExecutable:
      return "fetch from non-executable memory";
    case FaultKind::kUnsupportedSyscall:
      return "unsupported syscall";
    case FaultKind::kEbreak:
      return "ebreak";
    case FaultKind::kBadSyscallArgument:
      return "bad syscall argument";
  }
  return "unknown fault";
}

struct Fault {
  FaultKind kind;
  uint32_t pc = 0;    // address of the faulting instruction (the fetch address for fetch faults)
  uint32_t addr = 0;  // data address, jump target or syscall number, depending on kind
  uint32_t insn = 0;  // instruction word at pc when it could be read, else 0
  std::string message;
};

}  // namespace prova::vm
