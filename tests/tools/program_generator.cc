#include "tests/tools/program_generator.h"

#include <array>
#include <functional>
#include <limits>
#include <random>

#include "common/error.h"
#include "tests/tools/elf_writer.h"
#include "tests/tools/rv_assembler.h"

namespace prova::rvgen {
namespace {

// Registers with a fixed role. Random code reads them but never writes them.
constexpr uint32_t kZero = 0;
constexpr uint32_t kRa = 1;
constexpr uint32_t kBase = 3;         // gp: the middle of the scratch area
constexpr uint32_t kLoopCounter = 4;  // tp: written only by loop heads and tails
constexpr uint32_t kT0 = 5, kT1 = 6, kT2 = 7, kT3 = 28, kT4 = 29, kT5 = 30, kT6 = 31;
constexpr uint32_t kS0 = 8, kS1 = 9, kS2 = 18, kS3 = 19;
constexpr uint32_t kA0 = 10, kA1 = 11, kA2 = 12, kA3 = 13, kA4 = 14, kA5 = 15, kA7 = 17;

constexpr uint32_t kSyscallRead = 63;
constexpr uint32_t kSyscallWrite = 64;
constexpr uint32_t kSyscallExit = 93;
constexpr uint32_t kStdin = 0, kStdout = 1, kJournal = 3;

// Data segment of random programs: a scratch area addressed as kBase + [-1024, 1024), followed by
// the output buffer (31 registers and the scratch checksum) at kBase + 1024.
constexpr uint32_t kScratchBytes = 2048;
constexpr int32_t kBaseOffset = 1024;
constexpr int32_t kOutputFromBase = 1024;
constexpr uint32_t kReadOnlyBytes = 256;

constexpr uint32_t kFnvOffset = 0x811c9dc5;
constexpr uint32_t kFnvPrime = 0x01000193;

constexpr std::array kAluRegisterOps = {Op::kAdd, Op::kSub, Op::kSll, Op::kSlt, Op::kSltu,
                                        Op::kXor, Op::kSrl, Op::kSra, Op::kOr,  Op::kAnd};
constexpr std::array kMultiplyOps = {Op::kMul, Op::kMulh, Op::kMulhsu, Op::kMulhu,
                                     Op::kDiv, Op::kDivu, Op::kRem,    Op::kRemu};
constexpr std::array kAluImmediateOps = {Op::kAddi, Op::kSlti, Op::kSltiu,
                                         Op::kXori, Op::kOri,  Op::kAndi};
constexpr std::array kShiftImmediateOps = {Op::kSlli, Op::kSrli, Op::kSrai};
constexpr std::array kLoadOps = {Op::kLb, Op::kLh, Op::kLw, Op::kLbu, Op::kLhu};
constexpr std::array kStoreOps = {Op::kSb, Op::kSh, Op::kSw};
constexpr std::array kBranchOps = {Op::kBeq, Op::kBne, Op::kBlt, Op::kBge, Op::kBltu, Op::kBgeu};

constexpr uint32_t kIntMin = 0x80000000;
constexpr uint32_t kIntMax = 0x7fffffff;
constexpr uint32_t kMinusOne = 0xffffffff;

// Explicit arithmetic on mt19937_64 output (whose sequence the standard fixes), so a seed means
// the same program with every standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint32_t Next32() { return static_cast<uint32_t>(engine_() >> 32); }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(engine_() % n); }
  int32_t Between(int32_t low, int32_t high) {  // inclusive
    return low + static_cast<int32_t>(Below(static_cast<uint32_t>(high - low) + 1));
  }
  bool Chance(uint32_t percent) { return Below(100) < percent; }
  template <typename T, size_t N>
  T Pick(const std::array<T, N>& items) {
    return items[Below(N)];
  }

 private:
  std::mt19937_64 engine_;
};

uint32_t AlignUp(uint32_t value, uint32_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

struct Layout {
  uint32_t read_only = 0;
  uint32_t data = 0;
};

// Everything a program builder decides; BuildProgram places it in memory and writes the ELF.
struct ProgramParts {
  std::vector<uint32_t> code;
  std::vector<uint8_t> read_only;
  std::vector<uint8_t> data_init;  // file-backed prefix of the data segment
  uint32_t data_size = 0;          // p_memsz of the data segment
  std::vector<uint8_t> input;
  uint32_t fault_pc = 0;
  uint32_t fault_target = 0;
};

using ProgramBuilder = std::function<ProgramParts(Rng&, const Layout&)>;

// Segment addresses depend on the code size, and the code embeds those addresses (always with
// fixed-length LoadAddress), so the builder runs twice with the same seed: once to measure, once
// with the final layout.
GuestProgram BuildProgram(uint64_t seed, const ProgramBuilder& build) {
  size_t code_words = 0;
  {
    Rng rng(seed);
    code_words = build(rng, Layout{0x40000000, 0x40002000}).code.size();
  }
  Rng layout_rng(seed ^ 0x9e3779b97f4a7c15);
  Layout layout;
  uint32_t text_end = kTextBase + static_cast<uint32_t>(code_words * 4);
  // Sometimes leave an unmapped page between segments.
  layout.read_only = AlignUp(text_end, kPageSize) + layout_rng.Below(2) * kPageSize;
  layout.data = layout.read_only + kPageSize + layout_rng.Below(2) * kPageSize;

  Rng rng(seed);
  ProgramParts parts = build(rng, layout);
  PROVA_CHECK(parts.code.size() == code_words, "code size changed with the layout");
  PROVA_CHECK(parts.read_only.size() <= kPageSize, "read-only segment larger than a page");
  PROVA_CHECK(parts.data_init.size() <= parts.data_size, "data initialiser too large");

  std::vector<ElfSegment> segments(3);
  segments[0].address = kTextBase;
  segments[0].flags = kSegmentRead | kSegmentExecute;
  for (uint32_t word : parts.code) {
    for (int i = 0; i < 4; ++i)
      segments[0].contents.push_back(static_cast<uint8_t>(word >> (8 * i)));
  }
  segments[0].memory_size = static_cast<uint32_t>(segments[0].contents.size());
  segments[1].address = layout.read_only;
  segments[1].flags = kSegmentRead;
  segments[1].contents = parts.read_only;
  segments[1].memory_size = static_cast<uint32_t>(parts.read_only.size());
  segments[2].address = layout.data;
  segments[2].flags = kSegmentRead | kSegmentWrite;
  segments[2].contents = parts.data_init;
  segments[2].memory_size = parts.data_size;

  GuestProgram program;
  program.elf = WriteElf(kTextBase, segments);
  program.input = std::move(parts.input);
  program.instruction_count = parts.code.size();
  program.fault_pc = parts.fault_pc;
  program.fault_target = parts.fault_target;
  return program;
}

std::vector<uint8_t> RandomBytes(Rng& rng, size_t count) {
  std::vector<uint8_t> bytes(count);
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(rng.Next32());
  return bytes;
}

void EmitSyscall(Assembler& as, uint32_t number) {
  as.I(Op::kAddi, kA7, kZero, static_cast<int32_t>(number));
  as.Ecall();
}

// write(fd, buffer register + offset, length)
void EmitWrite(Assembler& as, uint32_t fd, uint32_t buffer, int32_t offset, uint32_t length) {
  as.I(Op::kAddi, kA0, kZero, static_cast<int32_t>(fd));
  as.I(Op::kAddi, kA1, buffer, offset);
  as.Li(kA2, length);
  EmitSyscall(as, kSyscallWrite);
}

// Random code over registers the generator initialises itself.
class RandomCodeEmitter {
 public:
  RandomCodeEmitter(Assembler& as, Rng& rng, const Layout& layout)
      : as_(as), rng_(rng), layout_(layout) {}

  // Sets every register: the scratch base, then random (often extreme) values.
  void Initialise() {
    as_.LoadAddress(kBase, layout_.data + kBaseOffset);
    for (uint32_t reg = 1; reg < 32; ++reg) {
      if (reg != kBase) as_.Li(reg, InterestingValue());
    }
  }

  void Body(uint32_t length) {
    size_t end = as_.size() + length;
    while (as_.size() < end) Step(0);
  }

  // One straight-line step: an ALU, multiply/divide, load or store instruction, with whatever
  // operand setup it needs (at most five instructions).
  void Straight() {
    uint32_t roll = rng_.Below(100);
    if (roll < 30) {
      as_.R(rng_.Pick(kAluRegisterOps), Destination(), Source(), Source());
    } else if (roll < 44) {
      as_.I(rng_.Pick(kAluImmediateOps), Destination(), Source(), Immediate12());
    } else if (roll < 50) {
      int32_t shift = rng_.Chance(30) ? rng_.Pick(std::array{0, 1, 31}) : rng_.Between(0, 31);
      as_.I(rng_.Pick(kShiftImmediateOps), Destination(), Source(), shift);
    } else if (roll < 53) {
      uint32_t upper = rng_.Chance(30) ? rng_.Pick(std::array{0u, 0x80000u, 0xfffffu, 0x7ffffu})
                                       : rng_.Next32() >> 12;
      as_.Lui(Destination(), upper);
    } else if (roll < 55) {
      as_.Auipc(Destination(), rng_.Next32() >> 12);
    } else if (roll < 58) {
      as_.Li(Writable(), InterestingValue());
    } else if (roll < 74) {
      MultiplyOrDivide();
    } else if (roll < 87) {
      LoadStep();
    } else {
      StoreStep();
    }
  }

  // Stores the registers and a checksum of the scratch area, writes them to stdout and a slice to
  // the journal, and exits with the low byte of one stored word.
  void Epilogue() {
    for (uint32_t reg = 1; reg < 32; ++reg) {
      as_.Store(Op::kSw, reg, kBase, kOutputFromBase + 4 * static_cast<int32_t>(reg - 1));
    }
    // FNV-1a over the scratch words.
    as_.I(Op::kAddi, kT0, kBase, -kBaseOffset);
    as_.I(Op::kAddi, kT1, kBase, static_cast<int32_t>(kScratchBytes) - kBaseOffset);
    as_.Li(kT2, kFnvOffset);
    as_.Li(kT3, kFnvPrime);
    Assembler::Label loop = as_.NewLabel();
    as_.Bind(loop);
    as_.Load(Op::kLw, kT4, kT0, 0);
    as_.R(Op::kXor, kT2, kT2, kT4);
    as_.R(Op::kMul, kT2, kT2, kT3);
    as_.I(Op::kAddi, kT0, kT0, 4);
    as_.Branch(Op::kBltu, kT0, kT1, loop);
    as_.Store(Op::kSw, kT2, kBase, kOutputFromBase + 31 * 4);

    EmitWrite(as_, kStdout, kBase, kOutputFromBase, kRandomProgramOutputBytes);
    int journal_writes = rng_.Between(1, 3);
    for (int i = 0; i < journal_writes; ++i) {
      uint32_t first = rng_.Below(32);
      uint32_t length =
          rng_.Chance(15) ? 0 : rng_.Between(1, static_cast<int32_t>(128 - 4 * first));
      EmitWrite(as_, kJournal, kBase, kOutputFromBase + static_cast<int32_t>(4 * first), length);
    }
    as_.Load(Op::kLw, kA0, kBase, kOutputFromBase + 4 * static_cast<int32_t>(rng_.Below(32)));
    as_.I(Op::kAndi, kA0, kA0, 0xff);
    EmitSyscall(as_, kSyscallExit);
    as_.Ebreak();  // not reached
  }

 private:
  // Registers random code may overwrite.
  uint32_t Writable() {
    static constexpr std::array<uint32_t, 29> kWritable = {1,  2,  5,  6,  7,  8,  9,  10, 11, 12,
                                                           13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                                           23, 24, 25, 26, 27, 28, 29, 30, 31};
    return rng_.Pick(kWritable);
  }
  uint32_t Destination() { return rng_.Chance(4) ? kZero : Writable(); }
  uint32_t Source() {
    uint32_t roll = rng_.Below(100);
    if (roll < 6) return kZero;
    if (roll < 9) return kBase;
    if (roll < 11) return kLoopCounter;
    return Writable();
  }

  uint32_t InterestingValue() {
    if (rng_.Chance(40)) return rng_.Next32();
    uint32_t shift = rng_.Below(32);
    switch (rng_.Below(10)) {
      case 0:
        return 0;
      case 1:
        return rng_.Pick(std::array{1u, kMinusOne, kIntMin, kIntMax});
      case 2:
        return static_cast<uint32_t>(rng_.Between(-16, 16));
      case 3:
        return rng_.Pick(std::array{0x7ffu, 0x800u, 0xfffu, 0x1000u, 0xfffff800u, 0xffffu});
      case 4:
        return 1u << shift;
      case 5:
        return (1u << shift) - 1;
      case 6:
        return 0u - (1u << shift);
      case 7:
        return kIntMin + 1;
      default:
        return rng_.Next32() & (rng_.Chance(50) ? 0xff : 0xffff);
    }
  }

  int32_t Immediate12() {
    if (rng_.Chance(30)) return rng_.Pick(std::array{-2048, 2047, -1, 0, 1});
    return rng_.Between(-2048, 2047);
  }

  uint32_t EdgeOperand() {
    uint32_t reg = Writable();
    uint32_t value = 0;
    switch (rng_.Below(9)) {
      case 0:
        value = 0;
        break;
      case 1:
        value = 1;
        break;
      case 2:
        value = kMinusOne;
        break;
      case 3:
        value = kIntMin;
        break;
      case 4:
        value = kIntMax;
        break;
      case 5:
        value = static_cast<uint32_t>(rng_.Between(-8, 8));
        break;
      case 6:
        value = rng_.Pick(std::array{0xffffu, 0x10000u, 0x80000001u, 0xfffffffeu});
        break;
      default:
        value = rng_.Next32();
        break;
    }
    as_.Li(reg, value);
    return reg;
  }

  void MultiplyOrDivide() {
    Op op = rng_.Pick(kMultiplyOps);
    uint32_t rs1 = 0;
    uint32_t rs2 = 0;
    if (rng_.Chance(6)) {
      // The one signed overflow case of DIV/REM (and MULH's largest product).
      rs1 = Writable();
      do rs2 = Writable();
      while (rs2 == rs1);
      as_.Li(rs1, kIntMin);
      as_.Li(rs2, kMinusOne);
    } else {
      rs1 = rng_.Chance(50) ? EdgeOperand() : Source();
      rs2 = rng_.Chance(50) ? EdgeOperand() : Source();
    }
    as_.R(op, Destination(), rs1, rs2);
  }

  // Memory accesses stay inside the scratch area (or the read-only table) and are naturally
  // aligned: the zkVM faults on misaligned accesses that qemu performs.
  int32_t ScratchOffset(uint32_t width) {
    int32_t offset = rng_.Between(-kBaseOffset, kBaseOffset - static_cast<int32_t>(width));
    return offset & ~static_cast<int32_t>(width - 1);
  }

  // Leaves in a register the base + a data-dependent aligned offset in [0, 1024); an immediate in
  // [-1024, 0] then stays inside the scratch area.
  uint32_t DataDependentAddress(uint32_t width, int32_t* immediate) {
    uint32_t address = Writable();
    as_.I(Op::kAndi, address, Source(), static_cast<int32_t>(0x3ff & ~(width - 1)));
    as_.R(Op::kAdd, address, address, kBase);
    *immediate = -static_cast<int32_t>(rng_.Below(1024 / width + 1) * width);
    return address;
  }

  void LoadStep() {
    Op op = rng_.Pick(kLoadOps);
    uint32_t width = AccessWidth(op);
    uint32_t roll = rng_.Below(10);
    if (roll < 6) {
      as_.Load(op, Destination(), kBase, ScratchOffset(width));
    } else if (roll < 9) {
      int32_t immediate = 0;
      uint32_t address = DataDependentAddress(width, &immediate);
      as_.Load(op, Destination(), address, immediate);
    } else {
      uint32_t address = Writable();
      uint32_t offset = rng_.Below(kReadOnlyBytes / width) * width;
      as_.LoadAddress(address, layout_.read_only + offset);
      as_.Load(op, Destination(), address, 0);
    }
  }

  void StoreStep() {
    Op op = rng_.Pick(kStoreOps);
    uint32_t width = AccessWidth(op);
    uint32_t value = Source();
    if (rng_.Chance(60)) {
      as_.Store(op, value, kBase, ScratchOffset(width));
    } else {
      int32_t immediate = 0;
      uint32_t address = DataDependentAddress(width, &immediate);
      as_.Store(op, value, address, immediate);
    }
  }

  // Steps nest: control flow at depth 0 and 1 skips over steps of the next depth; loops only at
  // depth 0. That bounds every branch offset well inside the +-4 KiB of a B-type immediate.
  void Step(int depth) {
    uint32_t roll = rng_.Below(100);
    if (depth < 2) {
      if (roll < 8) return ForwardBranch(depth);
      if (roll < 11) return ForwardJal(depth);
      if (roll < 13) return ForwardJalr(depth);
    }
    if (depth == 0 && roll < 15) return Loop();
    Straight();
  }

  int SkipLength(int depth, bool allow_long) {
    if (allow_long && depth == 0 && rng_.Chance(10)) return rng_.Between(6, 30);
    return rng_.Between(1, 5);
  }

  void ForwardBranch(int depth) {
    Op op = rng_.Pick(kBranchOps);
    uint32_t rs1 = Source();
    uint32_t rs2 = rng_.Chance(20) ? rs1 : Source();
    Assembler::Label skip = as_.NewLabel();
    as_.Branch(op, rs1, rs2, skip);
    for (int i = SkipLength(depth, true); i > 0; --i) Step(depth + 1);
    as_.Bind(skip);
  }

  void ForwardJal(int depth) {
    Assembler::Label skip = as_.NewLabel();
    as_.Jal(Destination(), skip);
    for (int i = SkipLength(depth, true); i > 0; --i) Step(depth + 1);
    as_.Bind(skip);
  }

  // AUIPC t, 0; JALR rd, t, offset: a computed forward jump. rd may equal t (JALR reads rs1
  // before writing rd) and the offset may be odd (JALR clears bit 0 of the target).
  void ForwardJalr(int depth) {
    uint32_t target_base = Writable();
    uint32_t link = rng_.Chance(30) ? target_base : Destination();
    uint32_t auipc_pc = as_.pc();
    as_.Auipc(target_base, 0);
    size_t jalr_index = as_.size();
    as_.Jalr(link, target_base, 0);
    for (int i = SkipLength(depth, false); i > 0; --i) Step(depth + 1);
    int32_t offset = static_cast<int32_t>(as_.pc() - auipc_pc) + (rng_.Chance(30) ? 1 : 0);
    as_.Patch(jalr_index, EncodeI(Op::kJalr, link, target_base, offset));
  }

  // A bounded backward loop on the reserved counter, in one of four shapes.
  void Loop() {
    int32_t iterations = rng_.Between(1, 5);
    uint32_t shape = rng_.Below(4);
    as_.I(Op::kAddi, kLoopCounter, kZero, shape == 2 ? iterations - 1 : iterations);
    Assembler::Label head = as_.NewLabel();
    as_.Bind(head);
    for (int i = rng_.Between(2, 10); i > 0; --i) Step(1);
    as_.I(Op::kAddi, kLoopCounter, kLoopCounter, -1);
    switch (shape) {
      case 0:
        as_.Branch(Op::kBne, kLoopCounter, kZero, head);
        break;
      case 1:
        as_.Branch(Op::kBlt, kZero, kLoopCounter, head);
        break;
      case 2:
        as_.Branch(Op::kBge, kLoopCounter, kZero, head);
        break;
      default:
        as_.Branch(Op::kBltu, kZero, kLoopCounter, head);
        break;
    }
  }

  Assembler& as_;
  Rng& rng_;
  const Layout& layout_;
};

ProgramParts BuildRandomProgram(Rng& rng, const Layout& layout, uint32_t length) {
  Assembler as(kTextBase);
  RandomCodeEmitter emitter(as, rng, layout);
  emitter.Initialise();
  emitter.Body(length);
  emitter.Epilogue();
  ProgramParts parts;
  parts.code = as.Finish();
  parts.read_only = RandomBytes(rng, kReadOnlyBytes);
  // Part of the scratch area comes from the file, the rest is zero-filled by the loader.
  parts.data_init = RandomBytes(rng, 512 * rng.Below(5));
  parts.data_size = kScratchBytes + kRandomProgramOutputBytes;
  return parts;
}

// Reads the input in chunks of `chunk` bytes up to `capacity`, transforms it in place, hashes it
// and writes it out.
ProgramParts BuildReadProgram(Rng& rng, const Layout& layout) {
  constexpr uint32_t kBufferBytes = 4096;
  const uint32_t buffer = layout.data;
  const uint32_t stats = layout.data + kBufferBytes;

  uint32_t capacity = rng.Chance(20) ? kBufferBytes : rng.Between(1, kBufferBytes);
  uint32_t chunk = rng.Pick(std::array{1u, 3u, 16u, 61u, 256u, 4096u});
  uint32_t transform = rng.Below(3);
  bool read_after_end = rng.Chance(50);

  Assembler as(kTextBase);
  as.LoadAddress(kS0, buffer);
  as.Li(kS1, 0);  // bytes read so far
  as.Li(kS2, capacity);
  as.Li(kS3, chunk);

  Assembler::Label read_loop = as.NewLabel();
  Assembler::Label full_chunk = as.NewLabel();
  Assembler::Label read_done = as.NewLabel();
  Assembler::Label read_error = as.NewLabel();
  as.Bind(read_loop);
  as.R(Op::kSub, kA2, kS2, kS1);
  as.Branch(Op::kBeq, kA2, kZero, read_done);
  as.Branch(Op::kBgeu, kS3, kA2, full_chunk);
  as.I(Op::kAddi, kA2, kS3, 0);
  as.Bind(full_chunk);
  as.I(Op::kAddi, kA0, kZero, kStdin);
  as.R(Op::kAdd, kA1, kS0, kS1);
  EmitSyscall(as, kSyscallRead);
  as.Branch(Op::kBlt, kA0, kZero, read_error);
  as.Branch(Op::kBeq, kA0, kZero, read_done);
  as.R(Op::kAdd, kS1, kS1, kA0);
  as.Jal(kZero, read_loop);
  as.Bind(read_error);
  as.I(Op::kAddi, kA0, kZero, 199);
  EmitSyscall(as, kSyscallExit);
  as.Bind(read_done);

  if (read_after_end) {
    // Another one-byte read: 0 at end of input, one more byte if the input was longer.
    Assembler::Label nothing = as.NewLabel();
    as.I(Op::kAddi, kA0, kZero, kStdin);
    as.R(Op::kAdd, kA1, kS0, kS1);
    as.I(Op::kAddi, kA2, kZero, 1);
    EmitSyscall(as, kSyscallRead);
    as.Branch(Op::kBge, kZero, kA0, nothing);
    as.R(Op::kAdd, kS1, kS1, kA0);
    as.Bind(nothing);
  }

  Assembler::Label loop = as.NewLabel();
  Assembler::Label loop_end = as.NewLabel();
  if (transform == 0) {
    // buffer[i] ^= key + i
    as.Li(kT1, rng.Below(256));
    as.Li(kT0, 0);
    as.Bind(loop);
    as.Branch(Op::kBgeu, kT0, kS1, loop_end);
    as.R(Op::kAdd, kT2, kS0, kT0);
    as.Load(Op::kLbu, kT3, kT2, 0);
    as.R(Op::kAdd, kT4, kT1, kT0);
    as.R(Op::kXor, kT3, kT3, kT4);
    as.Store(Op::kSb, kT3, kT2, 0);
    as.I(Op::kAddi, kT0, kT0, 1);
    as.Jal(kZero, loop);
  } else if (transform == 1) {
    // Reverse in place.
    as.I(Op::kAddi, kT0, kS0, 0);
    as.R(Op::kAdd, kT1, kS0, kS1);
    as.I(Op::kAddi, kT1, kT1, -1);
    as.Bind(loop);
    as.Branch(Op::kBgeu, kT0, kT1, loop_end);
    as.Load(Op::kLbu, kT2, kT0, 0);
    as.Load(Op::kLbu, kT3, kT1, 0);
    as.Store(Op::kSb, kT3, kT0, 0);
    as.Store(Op::kSb, kT2, kT1, 0);
    as.I(Op::kAddi, kT0, kT0, 1);
    as.I(Op::kAddi, kT1, kT1, -1);
    as.Jal(kZero, loop);
  } else {
    // ASCII lower case to upper case.
    Assembler::Label keep = as.NewLabel();
    as.Li(kT0, 0);
    as.Bind(loop);
    as.Branch(Op::kBgeu, kT0, kS1, loop_end);
    as.R(Op::kAdd, kT2, kS0, kT0);
    as.Load(Op::kLbu, kT3, kT2, 0);
    as.I(Op::kAddi, kT4, kT3, -'a');
    as.I(Op::kSltiu, kT4, kT4, 26);
    as.Branch(Op::kBeq, kT4, kZero, keep);
    as.I(Op::kAddi, kT3, kT3, -32);
    as.Store(Op::kSb, kT3, kT2, 0);
    as.Bind(keep);
    as.I(Op::kAddi, kT0, kT0, 1);
    as.Jal(kZero, loop);
  }
  as.Bind(loop_end);

  // FNV-1a over the transformed bytes.
  Assembler::Label hash_loop = as.NewLabel();
  Assembler::Label hash_end = as.NewLabel();
  as.Li(kA3, kFnvOffset);
  as.Li(kA4, kFnvPrime);
  as.Li(kT0, 0);
  as.Bind(hash_loop);
  as.Branch(Op::kBgeu, kT0, kS1, hash_end);
  as.R(Op::kAdd, kT2, kS0, kT0);
  as.Load(Op::kLbu, kT3, kT2, 0);
  as.R(Op::kXor, kA3, kA3, kT3);
  as.R(Op::kMul, kA3, kA3, kA4);
  as.I(Op::kAddi, kT0, kT0, 1);
  as.Jal(kZero, hash_loop);
  as.Bind(hash_end);

  as.LoadAddress(kA5, stats);
  as.Store(Op::kSw, kS1, kA5, 0);
  as.Store(Op::kSw, kA3, kA5, 4);
  // write(1, buffer, count): a length in a register, possibly 0.
  as.I(Op::kAddi, kA0, kZero, kStdout);
  as.I(Op::kAddi, kA1, kS0, 0);
  as.I(Op::kAddi, kA2, kS1, 0);
  EmitSyscall(as, kSyscallWrite);
  EmitWrite(as, kStdout, kA5, 0, 8);
  EmitWrite(as, kJournal, kA5, 4, 4);
  // write(3, buffer, min(count, 16))
  Assembler::Label short_enough = as.NewLabel();
  as.I(Op::kAddi, kA2, kS1, 0);
  as.I(Op::kAddi, kT0, kZero, 16);
  as.Branch(Op::kBltu, kA2, kT0, short_enough);
  as.I(Op::kAddi, kA2, kT0, 0);
  as.Bind(short_enough);
  as.I(Op::kAddi, kA0, kZero, kJournal);
  as.I(Op::kAddi, kA1, kS0, 0);
  EmitSyscall(as, kSyscallWrite);
  as.R(Op::kXor, kA0, kA3, kS1);
  as.I(Op::kAndi, kA0, kA0, 0xff);
  EmitSyscall(as, kSyscallExit);
  as.Ebreak();

  ProgramParts parts;
  parts.code = as.Finish();
  parts.read_only = RandomBytes(rng, 16);
  parts.data_size = kBufferBytes + 8;

  // Input lengths around the edges: empty, the capacity +-1, beyond it.
  uint32_t length = 0;
  switch (rng.Below(7)) {
    case 0:
      length = 0;
      break;
    case 1:
      length = 1;
      break;
    case 2:
      length = capacity - 1;
      break;
    case 3:
      length = capacity;
      break;
    case 4:
      length = capacity + 1;
      break;
    case 5:
      length = rng.Below(capacity + 1);
      break;
    default:
      length = capacity + rng.Below(capacity + 1);
      break;
  }
  if (rng.Chance(50)) {
    static constexpr std::string_view kText =
        "The quick brown fox jumps over the lazy dog; PROVA proves RV32IM. 0123456789\n";
    for (uint32_t i = 0; i < length; ++i) parts.input.push_back(kText[rng.Below(kText.size())]);
  } else {
    parts.input = RandomBytes(rng, length);
  }
  return parts;
}

constexpr std::array kFaultKinds = {
    FaultKind::kIllegalInstruction, FaultKind::kMisalignedLoad, FaultKind::kMisalignedStore,
    FaultKind::kMisalignedJump,     FaultKind::kStoreToText,    FaultKind::kStoreToReadOnlyData,
    FaultKind::kLoadUnmapped,       FaultKind::kStoreUnmapped,  FaultKind::kFetchFromData,
    FaultKind::kUnsupportedSyscall, FaultKind::kEbreak,         FaultKind::kCycleLimit,
};

constexpr std::array<std::string_view, kFaultKinds.size()> kFaultKindNames = {
    "illegal-instruction", "misaligned-load",     "misaligned-store", "misaligned-jump",
    "store-to-text",       "store-to-read-only",  "load-unmapped",    "store-unmapped",
    "fetch-from-data",     "unsupported-syscall", "ebreak",           "cycle-limit",
};

constexpr bool FaultKindsInEnumOrder() {
  for (size_t i = 0; i < kFaultKinds.size(); ++i) {
    if (static_cast<size_t>(kFaultKinds[i]) != i) return false;
  }
  return true;
}
static_assert(FaultKindsInEnumOrder());

// Addresses no Prova or Linux process maps: below the text segment, and above the stack.
constexpr std::array kUnmappedAddresses = {0x00000000u, 0x00001000u, 0x0000fffcu, 0xfffffff0u};

// Encodings that are not RV32IM instructions, each a plausible decoder shortcut to get wrong.
std::array<uint32_t, 11> IllegalEncodings() {
  return {
      0x00000000,                                            // all zero
      0xffffffff,                                            // all ones
      0x0000050b,                                            // custom-0 opcode
      EncodeR(Op::kAdd, 1, 2, 3) | 0x02u << 25,              // ADD with funct7 = 2
      EncodeR(Op::kXor, 1, 2, 3) | 0x20u << 25,              // XOR with SUB's funct7
      EncodeI(Op::kSlli, 1, 1, 0) | 1u << 25,                // SLLI shamt 32 (RV64 only)
      EncodeI(Op::kSrli, 1, 1, 3) | 0x10u << 25,             // SRLI with bad upper bits
      (EncodeI(Op::kLw, 1, 2, 0) & ~(7u << 12)) | 3u << 12,  // LD (RV64 only)
      (EncodeS(Op::kSw, 2, 1, 0) & ~(7u << 12)) | 3u << 12,  // SD (RV64 only)
      EncodeB(Op::kBeq, 1, 2, 8) | 2u << 12,                 // branch funct3 = 2
      EncodeI(Op::kJalr, 1, 2, 0) | 1u << 12,                // JALR funct3 = 1
  };
}

ProgramParts BuildFaultProgram(FaultKind kind, Rng& rng, const Layout& layout) {
  static constexpr std::string_view kBanner = "prova fault test\n";
  Assembler as(kTextBase);
  RandomCodeEmitter emitter(as, rng, layout);
  emitter.Initialise();
  for (int i = rng.Between(3, 20); i > 0; --i) emitter.Straight();
  // Output written before the fault must still reach stdout.
  as.LoadAddress(kT0, layout.read_only);
  EmitWrite(as, kStdout, kT0, 0, static_cast<uint32_t>(kBanner.size()));

  ProgramParts parts;
  auto mark_fault = [&] { parts.fault_pc = parts.fault_target = as.pc(); };
  switch (kind) {
    case FaultKind::kIllegalInstruction: {
      auto encodings = IllegalEncodings();
      mark_fault();
      as.Word(encodings[rng.Below(encodings.size())]);
      break;
    }
    case FaultKind::kMisalignedLoad: {
      Op op = rng.Pick(std::array{Op::kLw, Op::kLh, Op::kLhu});
      int32_t offset = AccessWidth(op) == 4 ? rng.Between(1, 3) : 1 + 2 * rng.Between(0, 1);
      as.LoadAddress(kT1, layout.data + 64);
      mark_fault();
      as.Load(op, kT2, kT1, offset);
      break;
    }
    case FaultKind::kMisalignedStore: {
      Op op = rng.Pick(std::array{Op::kSw, Op::kSh});
      int32_t offset = AccessWidth(op) == 4 ? rng.Between(1, 3) : 1 + 2 * rng.Between(0, 1);
      as.LoadAddress(kT1, layout.data + 64);
      mark_fault();
      as.Store(op, kT2, kT1, offset);
      break;
    }
    case FaultKind::kMisalignedJump: {
      // Targets 2 mod 4: legal only with the C extension, which RV32IM does not have.
      switch (rng.Below(3)) {
        case 0:
          as.Auipc(kT1, 0);
          mark_fault();
          as.Jalr(kRa, kT1, 10);
          parts.fault_target = parts.fault_pc + 6;
          break;
        case 1:
          mark_fault();
          as.Word(EncodeJ(kRa, 6));
          parts.fault_target = parts.fault_pc + 6;
          break;
        default:
          mark_fault();
          as.Word(EncodeB(Op::kBeq, kZero, kZero, 10));
          parts.fault_target = parts.fault_pc + 10;
          break;
      }
      for (int i = 0; i < 4; ++i) as.I(Op::kAddi, kZero, kZero, 0);
      break;
    }
    case FaultKind::kStoreToText: {
      Op op = rng.Pick(kStoreOps);
      as.LoadAddress(kT1, kTextBase);
      mark_fault();
      as.Store(op, kT2, kT1, 0);
      break;
    }
    case FaultKind::kStoreToReadOnlyData: {
      Op op = rng.Pick(kStoreOps);
      as.LoadAddress(kT1, layout.read_only + 32);
      mark_fault();
      as.Store(op, kT2, kT1, 0);
      break;
    }
    case FaultKind::kLoadUnmapped:
    case FaultKind::kStoreUnmapped: {
      as.LoadAddress(kT1, rng.Pick(kUnmappedAddresses));
      mark_fault();
      if (kind == FaultKind::kLoadUnmapped) {
        as.Load(Op::kLw, kT2, kT1, 0);
      } else {
        as.Store(Op::kSw, kT2, kT1, 0);
      }
      break;
    }
    case FaultKind::kFetchFromData: {
      uint32_t target = rng.Chance(50) ? layout.data : layout.read_only + 64;
      as.LoadAddress(kT1, target);
      mark_fault();
      as.Jalr(kRa, kT1, 0);
      parts.fault_target = target;
      break;
    }
    case FaultKind::kUnsupportedSyscall: {
      as.Li(kA0, 0);
      as.Li(kA7, rng.Pick(std::array{172u, 174u, 999u}));  // getpid, getuid, nothing
      mark_fault();
      as.Ecall();
      break;
    }
    case FaultKind::kEbreak:
      mark_fault();
      as.Ebreak();
      break;
    case FaultKind::kCycleLimit: {
      Assembler::Label self = as.NewLabel();
      as.Bind(self);
      mark_fault();
      as.Jal(kZero, self);
      break;
    }
  }
  // Reached only if the fault was not raised.
  as.Li(kA0, 0);
  EmitSyscall(as, kSyscallExit);

  parts.code = as.Finish();
  parts.read_only.assign(kBanner.begin(), kBanner.end());
  std::vector<uint8_t> rest = RandomBytes(rng, kReadOnlyBytes - kBanner.size());
  parts.read_only.insert(parts.read_only.end(), rest.begin(), rest.end());
  parts.data_init = RandomBytes(rng, 256);
  parts.data_size = kScratchBytes + kRandomProgramOutputBytes;
  return parts;
}

}  // namespace

std::span<const FaultKind> AllFaultKinds() { return kFaultKinds; }

std::string_view FaultKindName(FaultKind kind) {
  return kFaultKindNames[static_cast<size_t>(kind)];
}

std::optional<FaultKind> ParseFaultKind(std::string_view name) {
  for (size_t i = 0; i < kFaultKinds.size(); ++i) {
    if (kFaultKindNames[i] == name) return kFaultKinds[i];
  }
  return std::nullopt;
}

GuestProgram GenerateRandomProgram(uint64_t seed, uint32_t length) {
  PROVA_CHECK(length >= 1, "empty program body");
  return BuildProgram(seed, [length](Rng& rng, const Layout& layout) {
    return BuildRandomProgram(rng, layout, length);
  });
}

GuestProgram GenerateReadProgram(uint64_t seed) {
  return BuildProgram(seed ^ 0x5245414450524f47, BuildReadProgram);  // distinct from random seeds
}

GuestProgram GenerateFaultProgram(FaultKind kind, uint64_t seed) {
  return BuildProgram(
      seed ^ (0x4641554c54000000 + static_cast<uint64_t>(kind)),
      [kind](Rng& rng, const Layout& layout) { return BuildFaultProgram(kind, rng, layout); });
}

}  // namespace prova::rvgen
