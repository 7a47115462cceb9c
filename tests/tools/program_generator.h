#pragma once

// Random RV32IM guest programs for differential testing (the Prova emulator against qemu-riscv32)
// and small faulting programs for the emulator's fault reporting.
//
// Memory map of every generated program: text (R+X) at 0x10000, then on later pages a read-only
// table (R) and a data segment (R+W) holding a scratch area and the output buffer. Programs never
// touch the stack and set every register before reading it, so the two machines' different
// initial register states do not matter.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace prova::rvgen {

inline constexpr uint32_t kTextBase = 0x10000;

// Random straight-line code with forward branches, forward jumps and bounded loops. Prints the 31
// registers and a checksum of the scratch area (32 little-endian words, 128 bytes) on stdout,
// writes a slice of that to the journal (fd 3) and exits with a code taken from one register.
inline constexpr uint32_t kRandomProgramOutputBytes = 32 * 4;

// Programs that read the private input (fd 0) in chunks, transform it and echo it.
// Stdout: the transformed bytes, then the byte count and an FNV-1a hash (two words).
// Journal: the hash, then up to 16 transformed bytes.

enum class FaultKind {
  kIllegalInstruction,
  kMisalignedLoad,
  kMisalignedStore,
  kMisalignedJump,
  kStoreToText,
  kStoreToReadOnlyData,
  kLoadUnmapped,
  kStoreUnmapped,
  kFetchFromData,
  kUnsupportedSyscall,
  kEbreak,
  kCycleLimit,  // an endless loop: run it with a cycle limit
};

std::span<const FaultKind> AllFaultKinds();
std::string_view FaultKindName(FaultKind kind);  // e.g. "misaligned-load"
std::optional<FaultKind> ParseFaultKind(std::string_view name);

struct GuestProgram {
  std::vector<uint8_t> elf;
  std::vector<uint8_t> input;  // private input the program is meant to run with (may be empty)
  size_t instruction_count = 0;
  // Fault programs: the pc of the instruction that must fault, and for faults raised by a jump,
  // the address jumped to (otherwise equal to fault_pc). Emulators may report either.
  uint32_t fault_pc = 0;
  uint32_t fault_target = 0;
};

// `length` is the approximate number of instructions in the random body (at least 1).
GuestProgram GenerateRandomProgram(uint64_t seed, uint32_t length);
GuestProgram GenerateReadProgram(uint64_t seed);
GuestProgram GenerateFaultProgram(FaultKind kind, uint64_t seed);

}  // namespace prova::rvgen
