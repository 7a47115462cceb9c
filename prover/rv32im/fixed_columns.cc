#include "prover/rv32im/fixed_columns.h"

#include <fmt/format.h>

#include <map>
#include <string>

#include "common/error.h"
#include "prover/rv32im/alu_trace.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/rv32im/opcodes.h"
#include "verifier/stark/layout.h"
#include "vm/decoder.h"
#include "vm/machine.h"
#include "vm/memory.h"

namespace prova::rv32im {
namespace {

using vm::Op;

Opcode AluOpcodeOf(Op op) {
  switch (op) {
    case Op::kAdd:
    case Op::kAddi:
      return Opcode::kAdd;
    case Op::kSub:
      return Opcode::kSub;
    case Op::kXor:
    case Op::kXori:
      return Opcode::kXor;
    case Op::kOr:
    case Op::kOri:
      return Opcode::kOr;
    case Op::kAnd:
    case Op::kAndi:
      return Opcode::kAnd;
    case Op::kSll:
    case Op::kSlli:
      return Opcode::kSll;
    case Op::kSrl:
    case Op::kSrli:
      return Opcode::kSrl;
    case Op::kSra:
    case Op::kSrai:
      return Opcode::kSra;
    case Op::kSlt:
    case Op::kSlti:
      return Opcode::kSlt;
    case Op::kSltu:
    case Op::kSltiu:
      return Opcode::kSltu;
    case Op::kMul:
      return Opcode::kMul;
    case Op::kMulh:
      return Opcode::kMulh;
    case Op::kMulhsu:
      return Opcode::kMulhsu;
    case Op::kMulhu:
      return Opcode::kMulhu;
    case Op::kDiv:
      return Opcode::kDiv;
    case Op::kDivu:
      return Opcode::kDivu;
    case Op::kRem:
      return Opcode::kRem;
    case Op::kRemu:
      return Opcode::kRemu;
    default:
      PROVA_CHECK(false, "not an ALU instruction");
  }
  return Opcode::kAdd;
}

}  // namespace

DecodedRow DecodeForCircuit(uint32_t pc, uint32_t word) {
  const vm::DecodedInstruction d = vm::Decode(word);
  const vm::Instruction in{word};
  DecodedRow r;
  r.pc = pc;
  auto set = [&r](CpuFlag f) { r.flags |= 1u << f; };
  const uint32_t rd = in.rd();
  auto write = [&](CpuFlag f) {
    r.rd = rd;
    if (rd != 0) set(f);
  };
  switch (d.op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kXor:
    case Op::kOr:
    case Op::kAnd:
    case Op::kSll:
    case Op::kSrl:
    case Op::kSra:
    case Op::kSlt:
    case Op::kSltu:
    case Op::kMul:
    case Op::kMulh:
    case Op::kMulhsu:
    case Op::kMulhu:
    case Op::kDiv:
    case Op::kDivu:
    case Op::kRem:
    case Op::kRemu:
      r.alu_op = OpcodeId(AluOpcodeOf(d.op));
      r.rs1 = in.rs1();
      r.rs2 = in.rs2();
      set(kFlagAluSend);
      write(kFlagWriteAlu);
      break;
    case Op::kAddi:
    case Op::kXori:
    case Op::kOri:
    case Op::kAndi:
    case Op::kSlli:
    case Op::kSrli:
    case Op::kSrai:
    case Op::kSlti:
    case Op::kSltiu:
      r.alu_op = OpcodeId(AluOpcodeOf(d.op));
      r.rs1 = in.rs1();
      r.imm = static_cast<uint32_t>(d.imm);
      set(kFlagAluSend);
      set(kFlagImm);
      write(kFlagWriteAlu);
      break;
    case Op::kLui:
      r.imm = static_cast<uint32_t>(in.imm_u());
      r.rd_const = r.imm;
      write(kFlagWriteConst);
      break;
    case Op::kAuipc:
      r.imm = static_cast<uint32_t>(in.imm_u());
      r.rd_const = pc + r.imm;
      write(kFlagWriteConst);
      break;
    case Op::kJal:
      r.imm = static_cast<uint32_t>(in.imm_j());
      r.rd_const = pc + 4;
      r.target = pc + r.imm;
      set(kFlagJal);
      write(kFlagWriteConst);
      break;
    case Op::kJalr:
      r.imm = static_cast<uint32_t>(in.imm_i());
      r.rs1 = in.rs1();
      r.rd_const = pc + 4;
      r.alu_op = OpcodeId(Opcode::kAdd);
      set(kFlagAluSend);
      set(kFlagImm);
      set(kFlagJalr);
      write(kFlagWriteConst);
      break;
    case Op::kBeq:
    case Op::kBne:
    case Op::kBlt:
    case Op::kBge:
    case Op::kBltu:
    case Op::kBgeu:
      r.imm = static_cast<uint32_t>(in.imm_b());
      r.rs1 = in.rs1();
      r.rs2 = in.rs2();
      r.target = pc + r.imm;
      set(kFlagAluSend);
      if (d.op == Op::kBeq || d.op == Op::kBne) {
        r.alu_op = OpcodeId(Opcode::kSub);
        set(d.op == Op::kBeq ? kFlagBranchEq : kFlagBranchNe);
      } else {
        const bool is_unsigned = d.op == Op::kBltu || d.op == Op::kBgeu;
        r.alu_op = OpcodeId(is_unsigned ? Opcode::kSltu : Opcode::kSlt);
        set(d.op == Op::kBlt || d.op == Op::kBltu ? kFlagBranchLt : kFlagBranchGe);
      }
      break;
    case Op::kLb:
    case Op::kLh:
    case Op::kLw:
    case Op::kLbu:
    case Op::kLhu:
      r.imm = static_cast<uint32_t>(in.imm_i());
      r.rs1 = in.rs1();
      r.alu_op = OpcodeId(Opcode::kAdd);
      set(kFlagAluSend);
      set(kFlagImm);
      set(d.op == Op::kLb || d.op == Op::kLbu ? kFlagLoadByte
          : d.op == Op::kLw                   ? kFlagLoadWord
                                              : kFlagLoadHalf);
      if (d.op == Op::kLb || d.op == Op::kLh) set(kFlagSigned);
      write(kFlagWriteLoad);
      break;
    case Op::kSb:
    case Op::kSh:
    case Op::kSw:
      r.imm = static_cast<uint32_t>(in.imm_s());
      r.rs1 = in.rs1();
      r.rs2 = in.rs2();
      r.alu_op = OpcodeId(Opcode::kAdd);
      set(kFlagAluSend);
      set(kFlagImm);
      set(d.op == Op::kSb ? kFlagStoreByte : d.op == Op::kSh ? kFlagStoreHalf : kFlagStoreWord);
      break;
    case Op::kFence:
      break;
    case Op::kEcall:
      r.rs1 = 17;  // a7: the syscall number
      r.rs2 = 10;  // a0: the exit code or the file descriptor
      r.rd = 10;   // a0: the result of write (exit leaves it)
      set(kFlagEcall);
      break;
    case Op::kReadCounter:
      // rdcycle / rdinstret: the steps before this one, proven by the ecall table as a call whose
      // number (x0's 0 plus rd_const) no ecall can have. Into x0 it is a no-op.
      if (rd != 0) {
        r.rd = rd;
        r.rd_const = kCounterCallNumber;
        set(kFlagEcall);
      }
      break;
    case Op::kReadCounterHigh:
      // The high word of a step count below 2^22 (one proof): zero.
      write(kFlagWriteConst);
      break;
    default:
      r.provable = false;
      break;
  }
  return r;
}

namespace {

uint64_t ImageBegin(const vm::ProgramImage& image) {
  return image.segments.front().vaddr & ~uint64_t{vm::kPageSize - 1};
}

uint64_t ImageEnd(const vm::ProgramImage& image) {
  const uint64_t end_byte = uint64_t{image.segments.back().vaddr} + image.segments.back().mem_size;
  return (end_byte + vm::kPageSize - 1) & ~uint64_t{vm::kPageSize - 1};
}

}  // namespace

uint64_t ImageSpanBytes(const vm::ProgramImage& image) {
  return image.segments.empty() ? 0 : ImageEnd(image) - ImageBegin(image);
}

FixedColumns BuildFixedColumns(const vm::ProgramImage& image) {
  FixedColumns fc;
  if (image.segments.empty()) throw Error("image has no segments");
  // The memory image table holds a row per word of the span (and of the stack page and the
  // registers); a verifier accepts tables of at most 2^kMaxLogHeight rows. Checked before any
  // row is built: a 200-byte ELF can declare a span of gigabytes.
  const uint64_t span_words = ImageSpanBytes(image) / 4;
  if (span_words + 1024 + 32 > (uint64_t{1} << stark::kMaxLogHeight)) {
    throw Error(
        fmt::format("not provable: the image spans {} MiB, more than the {} MiB one proof's "
                    "memory image table holds",
                    ImageSpanBytes(image) >> 20, (uint64_t{4} << stark::kMaxLogHeight) >> 20));
  }
  vm::Machine machine(image, {}, {});
  fc.entry_pc = image.entry;
  fc.initial_sp = machine.reg(2);
  fc.stack_image_word = StackImageWord(fc.initial_sp);
  const uint64_t begin = ImageBegin(image);
  const uint64_t end = ImageEnd(image);
  if (end > uint64_t{fc.stack_image_word} * 4) {
    throw Error("not provable: the image reaches the initial stack page");
  }
  fc.image_end_word = static_cast<uint32_t>(end / 4);
  if (!ZeroInitRangeIsSound(fc.image_end_word, fc.stack_image_word)) {
    throw Error("not provable: the image ends too close to the initial stack page");
  }

  // Program rows: every word of every executable segment.
  for (const vm::Segment& s : image.segments) {
    if (!(s.permissions & vm::kExecute)) continue;
    if (uint64_t{s.vaddr} + s.mem_size > (uint64_t{1} << 30)) {
      throw Error("not provable: executable segment at or above 2^30");
    }
    for (uint32_t off = 0; off + 4 <= s.mem_size; off += 4) {
      uint32_t word = 0;
      for (uint32_t k = 0; k < 4; ++k) {
        const uint32_t i = off + k;
        if (i < s.bytes.size()) word |= uint32_t{s.bytes[i]} << (8 * k);
      }
      const uint32_t pc = s.vaddr + off;
      if ((pc & 3) != 0) continue;
      fc.program_row[pc] = fc.program.size();
      fc.program.push_back(DecodeForCircuit(pc, word));
    }
  }
  fc.program_fixed =
      air::RowMajorMatrix<BabyBear>(PaddedTableHeight(fc.program.size()), air::kWidth<ProgramCols>);
  for (size_t i = 0; i < fc.program.size(); ++i) {
    const DecodedRow& r = fc.program[i];
    auto row = fc.program_fixed.row(i);
    auto& cols = *reinterpret_cast<ProgramCols<BabyBear>*>(row.data());
    cols.pc = BabyBear::from_u64(r.pc);
    cols.rd = BabyBear::from_u64(r.rd);
    cols.rs1 = BabyBear::from_u64(r.rs1);
    cols.rs2 = BabyBear::from_u64(r.rs2);
    for (int k = 0; k < 4; ++k) {
      cols.imm[k] = BabyBear::from_u64((r.imm >> (8 * k)) & 0xff);
      cols.rd_const[k] = BabyBear::from_u64((r.rd_const >> (8 * k)) & 0xff);
    }
    cols.target = TargetField(r.target);
    cols.alu_op = BabyBear::from_u64(r.alu_op);
    cols.flags = BabyBear::from_u64(r.flags);
    cols.is_real = r.provable ? BabyBear::one() : BabyBear::zero();
  }

  // Initial memory: every word of [begin, end), the initial stack page, the registers.
  std::map<uint32_t, const vm::MemoryPage*> pages;
  const vm::MemoryImage memory = vm::InitialMemoryImage(image);
  for (const vm::MemoryPage& p : memory) pages[p.address] = &p;
  auto word_at = [&pages](uint32_t addr) -> uint32_t {
    auto it = pages.find(addr & ~(vm::kPageSize - 1));
    if (it == pages.end()) return 0;
    const uint8_t* b = it->second->bytes.data() + (addr & (vm::kPageSize - 1));
    return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
  };
  for (uint64_t a = begin; a < end; a += 4) {
    fc.memory_addresses.push_back(static_cast<uint32_t>(a / 4));
    fc.memory_values.push_back(word_at(static_cast<uint32_t>(a)));
  }
  for (uint64_t a = uint64_t{fc.stack_image_word} * 4; a < vm::kStackTop; a += 4) {
    fc.memory_addresses.push_back(static_cast<uint32_t>(a / 4));
    fc.memory_values.push_back(word_at(static_cast<uint32_t>(a)));
  }
  for (uint32_t r = 0; r < 32; ++r) {
    fc.memory_addresses.push_back(kRegisterBase + r);
    fc.memory_values.push_back(machine.reg(r));
  }
  fc.memory_fixed = air::RowMajorMatrix<BabyBear>(PaddedTableHeight(fc.memory_addresses.size()),
                                                  air::kWidth<MemoryInitCols>);
  for (size_t i = 0; i < fc.memory_addresses.size(); ++i) {
    auto row = fc.memory_fixed.row(i);
    auto& cols = *reinterpret_cast<MemoryInitCols<BabyBear>*>(row.data());
    cols.address = BabyBear::from_u64(fc.memory_addresses[i]);
    for (int k = 0; k < 4; ++k) {
      cols.value[k] = BabyBear::from_u64((fc.memory_values[i] >> (8 * k)) & 0xff);
    }
    cols.is_real = BabyBear::one();
  }
  return fc;
}

}  // namespace prova::rv32im
