#include "vm/elf_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"

namespace prova::vm {
namespace {

constexpr uint32_t kPtLoad = 1, kPtGnuStack = 0x6474e551, kPtRiscvAttributes = 0x70000003;
constexpr uint32_t kPfX = 1, kPfW = 2, kPfR = 4;

struct Phdr {
  uint32_t type = kPtLoad;
  uint32_t offset = 0, vaddr = 0, filesz = 0, memsz = 0, flags = kPfR | kPfX;
};

void Put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v);
  b[at + 1] = static_cast<uint8_t>(v >> 8);
}
void Put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

constexpr size_t kPayload = 0x100;  // file offset of segment contents in built files

// ELF header + program headers at offset 52 + `payload` at offset kPayload.
std::vector<uint8_t> BuildElf(uint32_t entry, const std::vector<Phdr>& phdrs,
                              const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> b(kPayload + payload.size(), 0);
  b[0] = 0x7f;
  b[1] = 'E';
  b[2] = 'L';
  b[3] = 'F';
  b[4] = 1;           // ELFCLASS32
  b[5] = 1;           // ELFDATA2LSB
  b[6] = 1;           // EV_CURRENT
  Put16(b, 16, 2);    // ET_EXEC
  Put16(b, 18, 243);  // EM_RISCV
  Put32(b, 20, 1);
  Put32(b, 24, entry);
  Put32(b, 28, 52);  // e_phoff
  Put16(b, 40, 52);  // e_ehsize
  Put16(b, 42, 32);  // e_phentsize
  Put16(b, 44, static_cast<uint16_t>(phdrs.size()));
  for (size_t i = 0; i < phdrs.size(); ++i) {
    const size_t at = 52 + 32 * i;
    Put32(b, at, phdrs[i].type);
    Put32(b, at + 4, phdrs[i].offset);
    Put32(b, at + 8, phdrs[i].vaddr);
    Put32(b, at + 12, phdrs[i].vaddr);
    Put32(b, at + 16, phdrs[i].filesz);
    Put32(b, at + 20, phdrs[i].memsz);
    Put32(b, at + 24, phdrs[i].flags);
    Put32(b, at + 28, 0x1000);
  }
  std::copy(payload.begin(), payload.end(), b.begin() + kPayload);
  return b;
}

std::vector<uint8_t> Payload(size_t n) {
  std::vector<uint8_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(i * 7 + 1);
  return p;
}

// A valid file: text (R+X) at 0x10000 with 0x40 bytes, data (R+W) at 0x11000 with 0x20 bytes in the
// file and 0x100 in memory, plus non-LOAD headers that must be ignored.
std::vector<uint8_t> ValidElf() {
  return BuildElf(0x10000,
                  {{kPtRiscvAttributes, kPayload, 0, 0x10, 0, kPfR},
                   {kPtLoad, kPayload + 0x40, 0x11000, 0x20, 0x100, kPfR | kPfW},
                   {kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX},
                   {kPtGnuStack, 0, 0, 0, 0, kPfR | kPfW}},
                  Payload(0x60));
}

void ExpectRejected(const std::vector<uint8_t>& bytes, const std::string& message) {
  try {
    LoadElf(bytes);
    ADD_FAILURE() << "accepted; expected: " << message;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos)
        << "got: " << e.what() << "\nexpected substring: " << message;
  }
}

TEST(ElfLoaderTest, LoadsValidFileCanonically) {
  const std::vector<uint8_t> file = ValidElf();
  const ProgramImage image = LoadElf(file);
  EXPECT_EQ(image.entry, 0x10000u);
  ASSERT_EQ(image.segments.size(), 2u);
  const std::vector<uint8_t> payload = Payload(0x60);
  EXPECT_EQ(image.segments[0].vaddr, 0x10000u);  // sorted by address, not header order
  EXPECT_EQ(image.segments[0].mem_size, 0x40u);
  EXPECT_EQ(image.segments[0].permissions, kRead | kExecute);
  EXPECT_EQ(image.segments[0].bytes, std::vector<uint8_t>(payload.begin(), payload.begin() + 0x40));
  EXPECT_EQ(image.segments[1].vaddr, 0x11000u);
  EXPECT_EQ(image.segments[1].mem_size, 0x100u);
  EXPECT_EQ(image.segments[1].permissions, kRead | kWrite);
  EXPECT_EQ(image.segments[1].bytes, std::vector<uint8_t>(payload.begin() + 0x40, payload.end()));
  EXPECT_EQ(LoadElf(file), image);  // deterministic
}

TEST(ElfLoaderTest, SegmentsSharingAPageAreAllowed) {
  const auto file = BuildElf(0x10000,
                             {{kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX},
                              {kPtLoad, kPayload + 0x40, 0x10040, 0x20, 0x20, kPfR | kPfW}},
                             Payload(0x60));
  EXPECT_EQ(LoadElf(file).segments.size(), 2u);
}

TEST(ElfLoaderTest, EmptyLoadSegmentsAreDropped) {
  const auto file = BuildElf(0x10000,
                             {{kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX},
                              {kPtLoad, kPayload, 0x10000, 0, 0, kPfR}},
                             Payload(0x40));
  EXPECT_EQ(LoadElf(file).segments.size(), 1u);
}

TEST(ElfLoaderTest, RejectsTruncatedHeader) {
  std::vector<uint8_t> file = ValidElf();
  file.resize(40);
  ExpectRejected(file, "ELF: file too small for an ELF header (40 bytes, need 52)");
  ExpectRejected({}, "file too small");
}

TEST(ElfLoaderTest, RejectsBadMagic) {
  std::vector<uint8_t> file = ValidElf();
  file[1] = 'X';
  ExpectRejected(file, "bad magic");
}

TEST(ElfLoaderTest, RejectsWrongClass) {
  std::vector<uint8_t> file = ValidElf();
  file[4] = 2;
  ExpectRejected(file, "not a 32-bit ELF (EI_CLASS=2");
}

TEST(ElfLoaderTest, RejectsBigEndian) {
  std::vector<uint8_t> file = ValidElf();
  file[5] = 2;
  ExpectRejected(file, "not little-endian (EI_DATA=2");
}

TEST(ElfLoaderTest, RejectsWrongMachine) {
  std::vector<uint8_t> file = ValidElf();
  Put16(file, 18, 62);  // x86-64
  ExpectRejected(file, "not a RISC-V file (e_machine=62");
}

TEST(ElfLoaderTest, RejectsNonExecutableType) {
  std::vector<uint8_t> file = ValidElf();
  Put16(file, 16, 3);  // ET_DYN
  ExpectRejected(file, "not a static executable (e_type=3");
}

TEST(ElfLoaderTest, RejectsBadVersionAndHeaderSizes) {
  std::vector<uint8_t> file = ValidElf();
  Put32(file, 20, 2);
  ExpectRejected(file, "unsupported version");
  file = ValidElf();
  Put16(file, 40, 64);
  ExpectRejected(file, "bad ELF header size (e_ehsize=64");
  file = ValidElf();
  Put16(file, 42, 56);
  ExpectRejected(file, "bad program header size (e_phentsize=56");
  file = ValidElf();
  file[6] = 0;
  ExpectRejected(file, "unsupported ident version");
}

TEST(ElfLoaderTest, RejectsCompressedAndFloatAbis) {
  std::vector<uint8_t> file = ValidElf();
  Put32(file, 36, 0x1);
  ExpectRejected(file, "C extension");
  Put32(file, 36, 0x4);
  ExpectRejected(file, "float ABI");
}

TEST(ElfLoaderTest, RejectsProgramHeaderTableOutsideFile) {
  std::vector<uint8_t> file = ValidElf();
  Put32(file, 28, static_cast<uint32_t>(file.size()) - 40);
  ExpectRejected(file, "program header table outside the file");
  file = ValidElf();
  Put32(file, 28, 0xffffffe0u);  // offset + size overflows 32 bits
  ExpectRejected(file, "program header table outside the file");
  file = ValidElf();
  file.resize(100);  // cuts through the program headers
  ExpectRejected(file,
                 "program header table outside the file (offset 0x34, 4 entries, file size 0x64)");
}

TEST(ElfLoaderTest, RejectsSegmentOutsideFile) {
  const auto file = BuildElf(0x10000,
                             {{kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX},
                              {kPtLoad, kPayload + 0x30, 0x20000, 0x20, 0x20, kPfR | kPfW}},
                             Payload(0x40));
  ExpectRejected(file,
                 "ELF: segment 1 extends past end of file (offset 0x130, size 0x20, file size "
                 "0x140)");
  const auto overflow =
      BuildElf(0x10000, {{kPtLoad, 0xfffffff0u, 0x10000, 0x40, 0x40, kPfR | kPfX}}, Payload(0x40));
  ExpectRejected(overflow, "segment 0 extends past end of file");
}

TEST(ElfLoaderTest, RejectsFileSizeLargerThanMemorySize) {
  const auto file =
      BuildElf(0x10000, {{kPtLoad, kPayload, 0x10000, 0x40, 0x20, kPfR | kPfX}}, Payload(0x40));
  ExpectRejected(file, "segment 0 has file size 0x40 larger than memory size 0x20");
}

TEST(ElfLoaderTest, RejectsAddressOverflow) {
  const auto file = BuildElf(
      0xfffff000u, {{kPtLoad, kPayload, 0xfffff000u, 0x40, 0x2000, kPfR | kPfX}}, Payload(0x40));
  ExpectRejected(file, "segment 0 extends past the 32-bit address space");
}

TEST(ElfLoaderTest, RejectsOverlappingSegments) {
  const auto file = BuildElf(0x10000,
                             {{kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX},
                              {kPtLoad, kPayload, 0x1003c, 0x10, 0x10, kPfR | kPfW}},
                             Payload(0x40));
  ExpectRejected(file, "segments 0 and 1 overlap ([0x10000, 0x10040) and [0x1003c, 0x1004c))");
}

TEST(ElfLoaderTest, RejectsEntryOutsideExecutableSegment) {
  auto file = BuildElf(0x11000,
                       {{kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX},
                        {kPtLoad, kPayload, 0x11000, 0x40, 0x40, kPfR | kPfW}},
                       Payload(0x40));
  ExpectRejected(file, "entry point 0x11000 is not inside an executable segment");
  file = BuildElf(0x10040, {{kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX}}, Payload(0x40));
  ExpectRejected(file, "entry point 0x10040 is not inside an executable segment");
  file = BuildElf(0x10002, {{kPtLoad, kPayload, 0x10000, 0x40, 0x40, kPfR | kPfX}}, Payload(0x40));
  ExpectRejected(file, "entry point 0x10002 is not 4-byte aligned");
}

TEST(ElfLoaderTest, RejectsMissingLoadSegment) {
  ExpectRejected(BuildElf(0x10000, {}, {}), "no PT_LOAD segment");
  ExpectRejected(BuildElf(0x10000, {{kPtGnuStack, 0, 0, 0, 0, kPfR | kPfW}}, {}),
                 "no PT_LOAD segment");
}

// Arbitrary corruption of a valid file is either accepted or rejected with prova::Error, never a
// crash (run under ASan/UBSan too).
TEST(ElfLoaderTest, CorruptedFilesNeverCrash) {
  const std::vector<uint8_t> valid = ValidElf();
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> file = valid;
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = next() % std::min<size_t>(file.size(), 0x100);  // headers mostly
      if (next() % 2) {
        file[at] = static_cast<uint8_t>(next());
      } else if (at + 4 <= file.size()) {
        Put32(file, at, static_cast<uint32_t>(next() % 3 == 0 ? 0xffffffffu : next()));
      }
    }
    if (next() % 8 == 0) file.resize(next() % file.size());
    try {
      const ProgramImage image = LoadElf(file);
      ++accepted;
      ASSERT_FALSE(image.segments.empty());
    } catch (const Error&) {
    }
  }
  EXPECT_GT(accepted, 0);  // some edits hit fields that do not matter
}

}  // namespace
}  // namespace prova::vm
