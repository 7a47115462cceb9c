#pragma once

// Opcode ids of the RV32IM circuit, as they travel on the PROGRAM and ALU buses (buses.h).
//
// The ALU opcodes (1..18) are the operations the ALU tables prove on the ALU bus: a tuple
// (opcode, a, b, c) means a = op(b, c). Register-immediate forms (ADDI, SLTI, SLLI, ...) use the
// same ALU opcode with c = the immediate as a word; the CPU decides which operand is an immediate.
// The other ids (32..) name the instructions the CPU proves itself (jumps, branches, loads,
// stores, system), so that the program table and the CPU share one numbering.
//
// Ids are small non-zero integers: a table that receives several opcodes recomputes the opcode as
// a linear combination sum_i selector_i * id_i of boolean selectors, and 0 is left free so that a
// padding row (all zero) never looks like a real opcode.

#include <array>
#include <cstdint>
#include <string_view>

namespace prova::rv32im {

enum class Opcode : uint32_t {
  // ALU bus: a = op(b, c).
  kAdd = 1,
  kSub = 2,
  kXor = 3,
  kOr = 4,
  kAnd = 5,
  kSll = 6,
  kSrl = 7,
  kSra = 8,
  kSlt = 9,
  kSltu = 10,
  kMul = 11,
  kMulh = 12,
  kMulhsu = 13,
  kMulhu = 14,
  kDiv = 15,
  kDivu = 16,
  kRem = 17,
  kRemu = 18,

  // Proven by the CPU table (PROGRAM bus only).
  kLui = 32,
  kAuipc = 33,
  kJal = 34,
  kJalr = 35,
  kBeq = 36,
  kBne = 37,
  kBlt = 38,
  kBge = 39,
  kBltu = 40,
  kBgeu = 41,
  kLb = 42,
  kLh = 43,
  kLw = 44,
  kLbu = 45,
  kLhu = 46,
  kSb = 47,
  kSh = 48,
  kSw = 49,
  kFence = 50,
  kEcall = 51,
  kEbreak = 52,
  kReadCounter = 53,      // rdcycle / rdinstret: low word of the step count
  kReadCounterHigh = 54,  // rdcycleh / rdinstreth: high word
};

inline constexpr uint32_t OpcodeId(Opcode op) { return static_cast<uint32_t>(op); }

inline constexpr bool IsAluOpcode(Opcode op) {
  return OpcodeId(op) >= OpcodeId(Opcode::kAdd) && OpcodeId(op) <= OpcodeId(Opcode::kRemu);
}

// Every ALU opcode, in id order.
inline constexpr std::array<Opcode, 18> kAluOpcodes = {
    Opcode::kAdd,    Opcode::kSub,   Opcode::kXor, Opcode::kOr,   Opcode::kAnd, Opcode::kSll,
    Opcode::kSrl,    Opcode::kSra,   Opcode::kSlt, Opcode::kSltu, Opcode::kMul, Opcode::kMulh,
    Opcode::kMulhsu, Opcode::kMulhu, Opcode::kDiv, Opcode::kDivu, Opcode::kRem, Opcode::kRemu};

inline constexpr std::string_view OpcodeName(Opcode op) {
  switch (op) {
    case Opcode::kAdd:
      return "add";
    case Opcode::kSub:
      return "sub";
    case Opcode::kXor:
      return "xor";
    case Opcode::kOr:
      return "or";
    case Opcode::kAnd:
      return "and";
    case Opcode::kSll:
      return "sll";
    case Opcode::kSrl:
      return "srl";
    case Opcode::kSra:
      return "sra";
    case Opcode::kSlt:
      return "slt";
    case Opcode::kSltu:
      return "sltu";
    case Opcode::kMul:
      return "mul";
    case Opcode::kMulh:
      return "mulh";
    case Opcode::kMulhsu:
      return "mulhsu";
    case Opcode::kMulhu:
      return "mulhu";
    case Opcode::kDiv:
      return "div";
    case Opcode::kDivu:
      return "divu";
    case Opcode::kRem:
      return "rem";
    case Opcode::kRemu:
      return "remu";
    case Opcode::kLui:
      return "lui";
    case Opcode::kAuipc:
      return "auipc";
    case Opcode::kJal:
      return "jal";
    case Opcode::kJalr:
      return "jalr";
    case Opcode::kBeq:
      return "beq";
    case Opcode::kBne:
      return "bne";
    case Opcode::kBlt:
      return "blt";
    case Opcode::kBge:
      return "bge";
    case Opcode::kBltu:
      return "bltu";
    case Opcode::kBgeu:
      return "bgeu";
    case Opcode::kLb:
      return "lb";
    case Opcode::kLh:
      return "lh";
    case Opcode::kLw:
      return "lw";
    case Opcode::kLbu:
      return "lbu";
    case Opcode::kLhu:
      return "lhu";
    case Opcode::kSb:
      return "sb";
    case Opcode::kSh:
      return "sh";
    case Opcode::kSw:
      return "sw";
    case Opcode::kFence:
      return "fence";
    case Opcode::kEcall:
      return "ecall";
    case Opcode::kEbreak:
      return "ebreak";
    case Opcode::kReadCounter:
      return "rdcycle";
    case Opcode::kReadCounterHigh:
      return "rdcycleh";
  }
  return "unknown";
}

// The plain 32-bit semantics of an ALU opcode (RISC-V unprivileged spec, chapters 2 and 13):
// the reference the tables and their witness generators are tested against. `op` must be an ALU
// opcode (others return 0).
inline constexpr uint32_t AluReference(Opcode op, uint32_t b, uint32_t c) {
  const int32_t sb = static_cast<int32_t>(b), sc = static_cast<int32_t>(c);
  const int64_t wide_sb = sb, wide_sc = sc;
  switch (op) {
    case Opcode::kAdd:
      return b + c;
    case Opcode::kSub:
      return b - c;
    case Opcode::kXor:
      return b ^ c;
    case Opcode::kOr:
      return b | c;
    case Opcode::kAnd:
      return b & c;
    case Opcode::kSll:
      return b << (c & 31);
    case Opcode::kSrl:
      return b >> (c & 31);
    case Opcode::kSra:
      return static_cast<uint32_t>(sb >> (c & 31));
    case Opcode::kSlt:
      return sb < sc ? 1 : 0;
    case Opcode::kSltu:
      return b < c ? 1 : 0;
    case Opcode::kMul:
      return b * c;
    case Opcode::kMulh:
      return static_cast<uint32_t>(static_cast<uint64_t>(wide_sb * wide_sc) >> 32);
    case Opcode::kMulhsu:
      return static_cast<uint32_t>(static_cast<uint64_t>(wide_sb * static_cast<int64_t>(c)) >> 32);
    case Opcode::kMulhu:
      return static_cast<uint32_t>((uint64_t{b} * c) >> 32);
    case Opcode::kDiv:
      if (c == 0) return 0xffffffffu;
      if (b == 0x80000000u && c == 0xffffffffu) return b;
      return static_cast<uint32_t>(sb / sc);
    case Opcode::kDivu:
      return c == 0 ? 0xffffffffu : b / c;
    case Opcode::kRem:
      if (c == 0) return b;
      if (b == 0x80000000u && c == 0xffffffffu) return 0;
      return static_cast<uint32_t>(sb % sc);
    case Opcode::kRemu:
      return c == 0 ? b : b % c;
    default:
      return 0;
  }
}

}  // namespace prova::rv32im
