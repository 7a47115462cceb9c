#include "vm/elf_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace prova::vm {
namespace {

constexpr size_t kElfHeaderSize = 52;
constexpr size_t kProgramHeaderSize = 32;
constexpr uint16_t kEtExec = 2;
constexpr uint16_t kEmRiscv = 243;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;
constexpr uint32_t kEfRiscvRvc = 0x1;
constexpr uint32_t kEfRiscvFloatAbiMask = 0x6;
constexpr uint32_t kEfRiscvRve = 0x8;

uint16_t Read16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] | (b[at + 1] << 8));
}

uint32_t Read32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

[[noreturn]] void Reject(const std::string& reason) { throw Error("ELF: " + reason); }

struct LoadHeader {
  size_t index;  // program header index, used in messages
  uint32_t offset, vaddr, filesz, memsz, flags;
};

}  // namespace

ProgramImage LoadElf(std::span<const uint8_t> bytes) {
  if (bytes.size() < kElfHeaderSize) {
    Reject(fmt::format("file too small for an ELF header ({} bytes, need {})", bytes.size(),
                       kElfHeaderSize));
  }
  if (std::memcmp(bytes.data(),
                  "\x7f"
                  "ELF",
                  4) != 0)
    Reject("bad magic (not an ELF file)");
  if (bytes[4] != 1) Reject(fmt::format("not a 32-bit ELF (EI_CLASS={}, need 1)", bytes[4]));
  if (bytes[5] != 1) Reject(fmt::format("not little-endian (EI_DATA={}, need 1)", bytes[5]));
  if (bytes[6] != 1) Reject(fmt::format("unsupported ident version (EI_VERSION={})", bytes[6]));

  const uint16_t type = Read16(bytes, 16);
  const uint16_t machine = Read16(bytes, 18);
  const uint32_t version = Read32(bytes, 20);
  const uint32_t entry = Read32(bytes, 24);
  const uint32_t phoff = Read32(bytes, 28);
  const uint32_t flags = Read32(bytes, 36);
  const uint16_t ehsize = Read16(bytes, 40);
  const uint16_t phentsize = Read16(bytes, 42);
  const uint16_t phnum = Read16(bytes, 44);

  if (machine != kEmRiscv) {
    Reject(fmt::format("not a RISC-V file (e_machine={}, need {})", machine, kEmRiscv));
  }
  if (type != kEtExec) {
    Reject(fmt::format("not a static executable (e_type={}, need ET_EXEC=2)", type));
  }
  if (version != 1) Reject(fmt::format("unsupported version (e_version={})", version));
  if (ehsize != kElfHeaderSize) {
    Reject(fmt::format("bad ELF header size (e_ehsize={}, need {})", ehsize, kElfHeaderSize));
  }
  if (flags & kEfRiscvRvc) Reject("compiled for the C extension (EF_RISCV_RVC); only RV32IM runs");
  if (flags & kEfRiscvFloatAbiMask)
    Reject("uses a hardware float ABI; only ilp32 (soft float) runs");
  if (flags & kEfRiscvRve) Reject("compiled for RV32E; only RV32IM runs");
  if (phnum == 0) Reject("no PT_LOAD segment (no program headers)");
  if (phentsize != kProgramHeaderSize) {
    Reject(fmt::format("bad program header size (e_phentsize={}, need {})", phentsize,
                       kProgramHeaderSize));
  }
  const uint64_t table_end = uint64_t{phoff} + uint64_t{phnum} * kProgramHeaderSize;
  if (table_end > bytes.size()) {
    Reject(fmt::format(
        "program header table outside the file (offset 0x{:x}, {} entries, file size 0x{:x})",
        phoff, phnum, bytes.size()));
  }

  std::vector<LoadHeader> loads;
  for (size_t i = 0; i < phnum; ++i) {
    const size_t at = phoff + i * kProgramHeaderSize;
    if (Read32(bytes, at) != kPtLoad) continue;  // PT_RISCV_ATTRIBUTES, PT_GNU_STACK, ...
    LoadHeader h{i,
                 Read32(bytes, at + 4),
                 Read32(bytes, at + 8),
                 Read32(bytes, at + 16),
                 Read32(bytes, at + 20),
                 Read32(bytes, at + 24)};
    if (uint64_t{h.offset} + h.filesz > bytes.size()) {
      Reject(fmt::format(
          "segment {} extends past end of file (offset 0x{:x}, size 0x{:x}, file size 0x{:x})", i,
          h.offset, h.filesz, bytes.size()));
    }
    if (h.filesz > h.memsz) {
      Reject(fmt::format("segment {} has file size 0x{:x} larger than memory size 0x{:x}", i,
                         h.filesz, h.memsz));
    }
    if (uint64_t{h.vaddr} + h.memsz > (uint64_t{1} << 32)) {
      Reject(fmt::format(
          "segment {} extends past the 32-bit address space (vaddr 0x{:x}, memory size 0x{:x})", i,
          h.vaddr, h.memsz));
    }
    if (h.memsz == 0) continue;  // maps nothing
    loads.push_back(h);
  }
  if (loads.empty()) Reject("no PT_LOAD segment");

  std::sort(loads.begin(), loads.end(),
            [](const LoadHeader& a, const LoadHeader& b) { return a.vaddr < b.vaddr; });
  for (size_t i = 0; i + 1 < loads.size(); ++i) {
    const LoadHeader& a = loads[i];
    const LoadHeader& b = loads[i + 1];
    if (uint64_t{a.vaddr} + a.memsz > b.vaddr) {
      Reject(fmt::format("segments {} and {} overlap ([0x{:x}, 0x{:x}) and [0x{:x}, 0x{:x}))",
                         std::min(a.index, b.index), std::max(a.index, b.index), a.vaddr,
                         uint64_t{a.vaddr} + a.memsz, b.vaddr, uint64_t{b.vaddr} + b.memsz));
    }
  }

  ProgramImage image;
  image.entry = entry;
  bool entry_ok = false;
  for (const LoadHeader& h : loads) {
    Segment s;
    s.vaddr = h.vaddr;
    s.mem_size = h.memsz;
    s.bytes.assign(bytes.begin() + h.offset, bytes.begin() + h.offset + h.filesz);
    s.permissions =
        static_cast<uint8_t>(((h.flags & kPfR) ? kRead : 0) | ((h.flags & kPfW) ? kWrite : 0) |
                             ((h.flags & kPfX) ? kExecute : 0));
    if ((s.permissions & kExecute) && entry >= s.vaddr && entry - s.vaddr < s.mem_size) {
      entry_ok = true;
    }
    image.segments.push_back(std::move(s));
  }
  if (!entry_ok) {
    Reject(fmt::format("entry point 0x{:x} is not inside an executable segment", entry));
  }
  if (entry % 4 != 0) Reject(fmt::format("entry point 0x{:x} is not 4-byte aligned", entry));
  return image;
}

}  // namespace prova::vm
