#pragma once

// A minimal RV32IM assembler for the test-program generator: one table row per instruction,
// encoders per format, and forward/backward labels resolved when the program is finished.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace prova::rvgen {

enum class Op : uint8_t {
  // RV32I register-register.
  kAdd,
  kSub,
  kSll,
  kSlt,
  kSltu,
  kXor,
  kSrl,
  kSra,
  kOr,
  kAnd,
  // RV32M.
  kMul,
  kMulh,
  kMulhsu,
  kMulhu,
  kDiv,
  kDivu,
  kRem,
  kRemu,
  // RV32I register-immediate.
  kAddi,
  kSlti,
  kSltiu,
  kXori,
  kOri,
  kAndi,
  kSlli,
  kSrli,
  kSrai,
  // Loads and stores.
  kLb,
  kLh,
  kLw,
  kLbu,
  kLhu,
  kSb,
  kSh,
  kSw,
  // Control flow.
  kBeq,
  kBne,
  kBlt,
  kBge,
  kBltu,
  kBgeu,
  kJal,
  kJalr,
  // Upper immediates and system.
  kLui,
  kAuipc,
  kEcall,
  kEbreak,
};

enum class Format : uint8_t {
  kR,
  kI,
  kShiftImmediate,
  kLoad,
  kStore,
  kBranch,
  kU,
  kJ,
  kJalr,
  kSystem
};

struct InstructionInfo {
  Op op;
  std::string_view mnemonic;
  Format format;
  uint32_t opcode;
  uint32_t funct3;
  uint32_t funct7;  // for kShiftImmediate: the upper seven bits of the immediate field
};

const InstructionInfo& Info(Op op);

// Access width in bytes of a load or store.
uint32_t AccessWidth(Op op);

// Encoders. Immediates are checked against their field's range (an out-of-range immediate is a
// generator bug, so it aborts).
uint32_t EncodeR(Op op, uint32_t rd, uint32_t rs1, uint32_t rs2);
uint32_t EncodeI(Op op, uint32_t rd, uint32_t rs1, int32_t imm);  // ALU-immediate, load, JALR
uint32_t EncodeS(Op op, uint32_t rs1, uint32_t rs2, int32_t imm);
uint32_t EncodeB(Op op, uint32_t rs1, uint32_t rs2, int32_t offset);
uint32_t EncodeU(Op op, uint32_t rd, uint32_t imm20);
uint32_t EncodeJ(uint32_t rd, int32_t offset);

class Assembler {
 public:
  struct Label {
    size_t id;
  };

  explicit Assembler(uint32_t base_address) : base_(base_address) {}

  uint32_t pc() const { return base_ + static_cast<uint32_t>(words_.size() * 4); }
  size_t size() const { return words_.size(); }

  Label NewLabel();
  void Bind(Label label);

  void Word(uint32_t word) { words_.push_back(word); }
  void R(Op op, uint32_t rd, uint32_t rs1, uint32_t rs2) { Word(EncodeR(op, rd, rs1, rs2)); }
  void I(Op op, uint32_t rd, uint32_t rs1, int32_t imm) { Word(EncodeI(op, rd, rs1, imm)); }
  void Load(Op op, uint32_t rd, uint32_t base, int32_t imm) { I(op, rd, base, imm); }
  void Store(Op op, uint32_t value, uint32_t base, int32_t imm) {
    Word(EncodeS(op, base, value, imm));
  }
  void Lui(uint32_t rd, uint32_t imm20) { Word(EncodeU(Op::kLui, rd, imm20)); }
  void Auipc(uint32_t rd, uint32_t imm20) { Word(EncodeU(Op::kAuipc, rd, imm20)); }
  void Jalr(uint32_t rd, uint32_t rs1, int32_t imm) { I(Op::kJalr, rd, rs1, imm); }
  void Ecall() { Word(0x00000073); }
  void Ebreak() { Word(0x00100073); }

  // Branch or jump to a label, bound before or after this instruction.
  void Branch(Op op, uint32_t rs1, uint32_t rs2, Label target);
  void Jal(uint32_t rd, Label target);

  // Loads a 32-bit constant: LUI+ADDI, or a single instruction when one suffices.
  void Li(uint32_t rd, uint32_t value);
  // Always LUI+ADDI, so code size does not depend on the value (addresses that are only known
  // once the code size is).
  void LoadAddress(uint32_t rd, uint32_t address);

  // Replaces an already emitted word (e.g. a JALR whose offset is known only later).
  void Patch(size_t index, uint32_t word);

  // All labels used must be bound; returns the code.
  std::vector<uint32_t> Finish();

 private:
  struct Fixup {
    size_t index;
    Label label;
  };
  static constexpr uint32_t kUnbound = 0xffffffff;

  void Resolve(const Fixup& fixup);

  uint32_t base_;
  std::vector<uint32_t> words_;
  std::vector<uint32_t> label_addresses_;
  std::vector<Fixup> fixups_;
};

}  // namespace prova::rvgen
