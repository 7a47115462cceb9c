#include "tests/tools/rv_assembler.h"

#include <array>

#include "common/error.h"

namespace prova::rvgen {
namespace {

constexpr uint32_t kOpReg = 0x33;
constexpr uint32_t kOpImm = 0x13;
constexpr uint32_t kOpLoad = 0x03;
constexpr uint32_t kOpStore = 0x23;
constexpr uint32_t kOpBranch = 0x63;

// The instruction list, in Op order.
constexpr std::array kInstructions = {
    InstructionInfo{Op::kAdd, "add", Format::kR, kOpReg, 0, 0x00},
    InstructionInfo{Op::kSub, "sub", Format::kR, kOpReg, 0, 0x20},
    InstructionInfo{Op::kSll, "sll", Format::kR, kOpReg, 1, 0x00},
    InstructionInfo{Op::kSlt, "slt", Format::kR, kOpReg, 2, 0x00},
    InstructionInfo{Op::kSltu, "sltu", Format::kR, kOpReg, 3, 0x00},
    InstructionInfo{Op::kXor, "xor", Format::kR, kOpReg, 4, 0x00},
    InstructionInfo{Op::kSrl, "srl", Format::kR, kOpReg, 5, 0x00},
    InstructionInfo{Op::kSra, "sra", Format::kR, kOpReg, 5, 0x20},
    InstructionInfo{Op::kOr, "or", Format::kR, kOpReg, 6, 0x00},
    InstructionInfo{Op::kAnd, "and", Format::kR, kOpReg, 7, 0x00},
    InstructionInfo{Op::kMul, "mul", Format::kR, kOpReg, 0, 0x01},
    InstructionInfo{Op::kMulh, "mulh", Format::kR, kOpReg, 1, 0x01},
    InstructionInfo{Op::kMulhsu, "mulhsu", Format::kR, kOpReg, 2, 0x01},
    InstructionInfo{Op::kMulhu, "mulhu", Format::kR, kOpReg, 3, 0x01},
    InstructionInfo{Op::kDiv, "div", Format::kR, kOpReg, 4, 0x01},
    InstructionInfo{Op::kDivu, "divu", Format::kR, kOpReg, 5, 0x01},
    InstructionInfo{Op::kRem, "rem", Format::kR, kOpReg, 6, 0x01},
    InstructionInfo{Op::kRemu, "remu", Format::kR, kOpReg, 7, 0x01},
    InstructionInfo{Op::kAddi, "addi", Format::kI, kOpImm, 0, 0},
    InstructionInfo{Op::kSlti, "slti", Format::kI, kOpImm, 2, 0},
    InstructionInfo{Op::kSltiu, "sltiu", Format::kI, kOpImm, 3, 0},
    InstructionInfo{Op::kXori, "xori", Format::kI, kOpImm, 4, 0},
    InstructionInfo{Op::kOri, "ori", Format::kI, kOpImm, 6, 0},
    InstructionInfo{Op::kAndi, "andi", Format::kI, kOpImm, 7, 0},
    InstructionInfo{Op::kSlli, "slli", Format::kShiftImmediate, kOpImm, 1, 0x00},
    InstructionInfo{Op::kSrli, "srli", Format::kShiftImmediate, kOpImm, 5, 0x00},
    InstructionInfo{Op::kSrai, "srai", Format::kShiftImmediate, kOpImm, 5, 0x20},
    InstructionInfo{Op::kLb, "lb", Format::kLoad, kOpLoad, 0, 0},
    InstructionInfo{Op::kLh, "lh", Format::kLoad, kOpLoad, 1, 0},
    InstructionInfo{Op::kLw, "lw", Format::kLoad, kOpLoad, 2, 0},
    InstructionInfo{Op::kLbu, "lbu", Format::kLoad, kOpLoad, 4, 0},
    InstructionInfo{Op::kLhu, "lhu", Format::kLoad, kOpLoad, 5, 0},
    InstructionInfo{Op::kSb, "sb", Format::kStore, kOpStore, 0, 0},
    InstructionInfo{Op::kSh, "sh", Format::kStore, kOpStore, 1, 0},
    InstructionInfo{Op::kSw, "sw", Format::kStore, kOpStore, 2, 0},
    InstructionInfo{Op::kBeq, "beq", Format::kBranch, kOpBranch, 0, 0},
    InstructionInfo{Op::kBne, "bne", Format::kBranch, kOpBranch, 1, 0},
    InstructionInfo{Op::kBlt, "blt", Format::kBranch, kOpBranch, 4, 0},
    InstructionInfo{Op::kBge, "bge", Format::kBranch, kOpBranch, 5, 0},
    InstructionInfo{Op::kBltu, "bltu", Format::kBranch, kOpBranch, 6, 0},
    InstructionInfo{Op::kBgeu, "bgeu", Format::kBranch, kOpBranch, 7, 0},
    InstructionInfo{Op::kJal, "jal", Format::kJ, 0x6f, 0, 0},
    InstructionInfo{Op::kJalr, "jalr", Format::kJalr, 0x67, 0, 0},
    InstructionInfo{Op::kLui, "lui", Format::kU, 0x37, 0, 0},
    InstructionInfo{Op::kAuipc, "auipc", Format::kU, 0x17, 0, 0},
    InstructionInfo{Op::kEcall, "ecall", Format::kSystem, 0x73, 0, 0},
    InstructionInfo{Op::kEbreak, "ebreak", Format::kSystem, 0x73, 0, 0},
};

constexpr bool TableInOpOrder() {
  for (size_t i = 0; i < kInstructions.size(); ++i) {
    if (static_cast<size_t>(kInstructions[i].op) != i) return false;
  }
  return true;
}
static_assert(TableInOpOrder());

void CheckRegister(uint32_t reg) { PROVA_CHECK(reg < 32, "register number out of range"); }

uint32_t BranchImmediateBits(int32_t offset) {
  PROVA_CHECK(offset >= -4096 && offset < 4096 && offset % 2 == 0, "branch offset out of range");
  uint32_t imm = static_cast<uint32_t>(offset);
  return ((imm >> 12) & 1) << 31 | ((imm >> 5) & 0x3f) << 25 | ((imm >> 1) & 0xf) << 8 |
         ((imm >> 11) & 1) << 7;
}

uint32_t JumpImmediateBits(int32_t offset) {
  PROVA_CHECK(offset >= -(1 << 20) && offset < (1 << 20) && offset % 2 == 0,
              "jump offset out of range");
  uint32_t imm = static_cast<uint32_t>(offset);
  return ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 | ((imm >> 11) & 1) << 20 |
         ((imm >> 12) & 0xff) << 12;
}

}  // namespace

const InstructionInfo& Info(Op op) { return kInstructions[static_cast<size_t>(op)]; }

uint32_t AccessWidth(Op op) {
  switch (op) {
    case Op::kLb:
    case Op::kLbu:
    case Op::kSb:
      return 1;
    case Op::kLh:
    case Op::kLhu:
    case Op::kSh:
      return 2;
    case Op::kLw:
    case Op::kSw:
      return 4;
    default:
      PROVA_CHECK(false, "not a load or store");
  }
  return 0;
}

uint32_t EncodeR(Op op, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  const InstructionInfo& info = Info(op);
  PROVA_CHECK(info.format == Format::kR, "not an R-type instruction");
  CheckRegister(rd);
  CheckRegister(rs1);
  CheckRegister(rs2);
  return info.funct7 << 25 | rs2 << 20 | rs1 << 15 | info.funct3 << 12 | rd << 7 | info.opcode;
}

uint32_t EncodeI(Op op, uint32_t rd, uint32_t rs1, int32_t imm) {
  const InstructionInfo& info = Info(op);
  CheckRegister(rd);
  CheckRegister(rs1);
  uint32_t imm12 = 0;
  if (info.format == Format::kShiftImmediate) {
    PROVA_CHECK(imm >= 0 && imm < 32, "shift amount out of range");
    imm12 = info.funct7 << 5 | static_cast<uint32_t>(imm);
  } else {
    PROVA_CHECK(
        info.format == Format::kI || info.format == Format::kLoad || info.format == Format::kJalr,
        "not an I-type instruction");
    PROVA_CHECK(imm >= -2048 && imm < 2048, "12-bit immediate out of range");
    imm12 = static_cast<uint32_t>(imm) & 0xfff;
  }
  return imm12 << 20 | rs1 << 15 | info.funct3 << 12 | rd << 7 | info.opcode;
}

uint32_t EncodeS(Op op, uint32_t rs1, uint32_t rs2, int32_t imm) {
  const InstructionInfo& info = Info(op);
  PROVA_CHECK(info.format == Format::kStore, "not a store");
  CheckRegister(rs1);
  CheckRegister(rs2);
  PROVA_CHECK(imm >= -2048 && imm < 2048, "12-bit immediate out of range");
  uint32_t imm12 = static_cast<uint32_t>(imm) & 0xfff;
  return (imm12 >> 5) << 25 | rs2 << 20 | rs1 << 15 | info.funct3 << 12 | (imm12 & 0x1f) << 7 |
         info.opcode;
}

uint32_t EncodeB(Op op, uint32_t rs1, uint32_t rs2, int32_t offset) {
  const InstructionInfo& info = Info(op);
  PROVA_CHECK(info.format == Format::kBranch, "not a branch");
  CheckRegister(rs1);
  CheckRegister(rs2);
  return BranchImmediateBits(offset) | rs2 << 20 | rs1 << 15 | info.funct3 << 12 | info.opcode;
}

uint32_t EncodeU(Op op, uint32_t rd, uint32_t imm20) {
  const InstructionInfo& info = Info(op);
  PROVA_CHECK(info.format == Format::kU, "not a U-type instruction");
  CheckRegister(rd);
  PROVA_CHECK(imm20 < (1u << 20), "20-bit immediate out of range");
  return imm20 << 12 | rd << 7 | info.opcode;
}

uint32_t EncodeJ(uint32_t rd, int32_t offset) {
  CheckRegister(rd);
  return JumpImmediateBits(offset) | rd << 7 | Info(Op::kJal).opcode;
}

Assembler::Label Assembler::NewLabel() {
  label_addresses_.push_back(kUnbound);
  return Label{label_addresses_.size() - 1};
}

void Assembler::Bind(Label label) {
  PROVA_CHECK(label_addresses_.at(label.id) == kUnbound, "label bound twice");
  label_addresses_[label.id] = pc();
}

void Assembler::Branch(Op op, uint32_t rs1, uint32_t rs2, Label target) {
  fixups_.push_back(Fixup{words_.size(), target});
  Word(EncodeB(op, rs1, rs2, 0));
}

void Assembler::Jal(uint32_t rd, Label target) {
  fixups_.push_back(Fixup{words_.size(), target});
  Word(EncodeJ(rd, 0));
}

void Assembler::Li(uint32_t rd, uint32_t value) {
  int32_t low = static_cast<int32_t>(value << 20) >> 20;  // sign-extended low 12 bits
  uint32_t high = (value - static_cast<uint32_t>(low)) >> 12;
  if (high == 0) {
    I(Op::kAddi, rd, 0, low);
    return;
  }
  Lui(rd, high);
  if (low != 0) I(Op::kAddi, rd, rd, low);
}

void Assembler::LoadAddress(uint32_t rd, uint32_t address) {
  int32_t low = static_cast<int32_t>(address << 20) >> 20;
  Lui(rd, (address - static_cast<uint32_t>(low)) >> 12);
  I(Op::kAddi, rd, rd, low);
}

void Assembler::Patch(size_t index, uint32_t word) { words_.at(index) = word; }

void Assembler::Resolve(const Fixup& fixup) {
  uint32_t target = label_addresses_.at(fixup.label.id);
  PROVA_CHECK(target != kUnbound, "label used but never bound");
  uint32_t& word = words_[fixup.index];
  int32_t offset = static_cast<int32_t>(target - (base_ + static_cast<uint32_t>(fixup.index * 4)));
  uint32_t opcode = word & 0x7f;
  word |= opcode == Info(Op::kJal).opcode ? JumpImmediateBits(offset) : BranchImmediateBits(offset);
}

std::vector<uint32_t> Assembler::Finish() {
  for (const Fixup& fixup : fixups_) Resolve(fixup);
  fixups_.clear();
  return words_;
}

}  // namespace prova::rvgen
