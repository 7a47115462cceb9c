#pragma once

// Writes a static little-endian ELF32 RISC-V executable: header, program headers, and each
// segment's bytes at a page-aligned file offset congruent to its address (what page-granular
// loaders such as qemu-user require). No section headers: loaders do not need them.

#include <cstdint>
#include <vector>

namespace prova::rvgen {

inline constexpr uint32_t kPageSize = 0x1000;
inline constexpr uint32_t kSegmentRead = 4;     // PF_R
inline constexpr uint32_t kSegmentWrite = 2;    // PF_W
inline constexpr uint32_t kSegmentExecute = 1;  // PF_X

struct ElfSegment {
  uint32_t address = 0;           // page aligned
  uint32_t flags = 0;             // kSegment* bits
  std::vector<uint8_t> contents;  // p_filesz bytes
  uint32_t memory_size = 0;       // p_memsz >= contents.size(); the rest reads as zero
};

std::vector<uint8_t> WriteElf(uint32_t entry, const std::vector<ElfSegment>& segments);

}  // namespace prova::rvgen
