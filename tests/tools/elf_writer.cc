#include "tests/tools/elf_writer.h"

#include "common/error.h"

namespace prova::rvgen {
namespace {

constexpr uint32_t kElfHeaderSize = 52;
constexpr uint32_t kProgramHeaderSize = 32;
constexpr uint16_t kMachineRiscv = 243;
constexpr uint32_t kLoadSegment = 1;  // PT_LOAD

void Put16(std::vector<uint8_t>& out, size_t at, uint16_t value) {
  out[at] = static_cast<uint8_t>(value);
  out[at + 1] = static_cast<uint8_t>(value >> 8);
}

void Put32(std::vector<uint8_t>& out, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

uint32_t AlignUp(uint32_t value, uint32_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

}  // namespace

std::vector<uint8_t> WriteElf(uint32_t entry, const std::vector<ElfSegment>& segments) {
  uint32_t headers_end =
      kElfHeaderSize + kProgramHeaderSize * static_cast<uint32_t>(segments.size());
  std::vector<uint32_t> offsets;
  uint32_t file_end = AlignUp(headers_end, kPageSize);
  for (const ElfSegment& segment : segments) {
    PROVA_CHECK(segment.address % kPageSize == 0, "segment address not page aligned");
    PROVA_CHECK(segment.memory_size >= segment.contents.size(), "p_memsz below p_filesz");
    offsets.push_back(file_end);
    file_end = AlignUp(file_end + static_cast<uint32_t>(segment.contents.size()), kPageSize);
  }
  // The last segment needs no padding after it.
  uint32_t size = segments.empty()
                      ? headers_end
                      : offsets.back() + static_cast<uint32_t>(segments.back().contents.size());
  std::vector<uint8_t> out(size, 0);

  const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1 /* little endian */,
                             1 /* EV_CURRENT */};
  for (int i = 0; i < 16; ++i) out[i] = ident[i];
  Put16(out, 16, 2);  // ET_EXEC
  Put16(out, 18, kMachineRiscv);
  Put32(out, 20, 1);  // EV_CURRENT
  Put32(out, 24, entry);
  Put32(out, 28, kElfHeaderSize);  // e_phoff
  Put32(out, 32, 0);               // e_shoff
  Put32(out, 36, 0);               // e_flags: soft-float ABI, no RVC
  Put16(out, 40, kElfHeaderSize);
  Put16(out, 42, kProgramHeaderSize);
  Put16(out, 44, static_cast<uint16_t>(segments.size()));
  Put16(out, 46, 40);  // e_shentsize
  Put16(out, 48, 0);   // e_shnum
  Put16(out, 50, 0);   // e_shstrndx

  for (size_t i = 0; i < segments.size(); ++i) {
    const ElfSegment& segment = segments[i];
    size_t header = kElfHeaderSize + kProgramHeaderSize * i;
    Put32(out, header + 0, kLoadSegment);
    Put32(out, header + 4, offsets[i]);
    Put32(out, header + 8, segment.address);   // p_vaddr
    Put32(out, header + 12, segment.address);  // p_paddr
    Put32(out, header + 16, static_cast<uint32_t>(segment.contents.size()));
    Put32(out, header + 20, segment.memory_size);
    Put32(out, header + 24, segment.flags);
    Put32(out, header + 28, kPageSize);
    for (size_t j = 0; j < segment.contents.size(); ++j) out[offsets[i] + j] = segment.contents[j];
  }
  return out;
}

}  // namespace prova::rvgen
