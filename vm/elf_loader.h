#pragma once

// Loads a static RV32 ELF executable into a canonical ProgramImage. The image is later hashed into
// the program's image ID, so it holds only what execution depends on (entry, segment addresses,
// contents, permissions) in a canonical order (segments sorted by address, no empty segments).

#include <cstdint>
#include <span>
#include <vector>

namespace prova::vm {

// Page and segment permission bits.
enum Permission : uint8_t {
  kRead = 1,
  kWrite = 2,
  kExecute = 4,
};

struct Segment {
  uint32_t vaddr = 0;
  uint32_t mem_size = 0;       // bytes.size() <= mem_size; the remainder is zero (.bss)
  std::vector<uint8_t> bytes;  // the file part
  uint8_t permissions = 0;     // Permission bits, from p_flags

  bool operator==(const Segment&) const = default;
};

struct ProgramImage {
  uint32_t entry = 0;
  std::vector<Segment> segments;  // sorted by vaddr, non-empty, non-overlapping

  bool operator==(const ProgramImage&) const = default;
};

// Parses and validates an ELF32 little-endian RISC-V ET_EXEC file. Throws prova::Error with the
// reason for any malformed or unsupported input. Only PT_LOAD headers matter; others are ignored.
// Segments must not overlap byte-wise; segments sharing a page are allowed (the page then gets
// the union of their permissions, see vm/memory.h).
ProgramImage LoadElf(std::span<const uint8_t> bytes);

}  // namespace prova::vm
