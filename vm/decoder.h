#pragma once

// RV32IM decoding. `Instruction` gives the fields of a raw instruction word (Spike style);
// `Decode` turns a word into the compact predecoded form the interpreter dispatches on.

#include <cstdint>
#include <string_view>

namespace prova::vm {

// The instruction list, per extension, in one place. The interpreter has one handler per entry.
#define PROVA_RV32I_OPS(X)                                                                       \
  X(Lui)                                                                                         \
  X(Auipc) X(Jal) X(Jalr) X(Beq) X(Bne) X(Blt) X(Bge) X(Bltu) X(Bgeu) X(Lb) X(Lh) X(Lw) X(Lbu)   \
      X(Lhu) X(Sb) X(Sh) X(Sw) X(Addi) X(Slti) X(Sltiu) X(Xori) X(Ori) X(Andi) X(Slli) X(Srli)   \
          X(Srai) X(Add) X(Sub) X(Sll) X(Slt) X(Sltu) X(Xor) X(Srl) X(Sra) X(Or) X(And) X(Fence) \
              X(Ecall) X(Ebreak)
#define PROVA_RV32M_OPS(X) X(Mul) X(Mulh) X(Mulhsu) X(Mulhu) X(Div) X(Divu) X(Rem) X(Remu)
// rdcycle/rdinstret (low word) and rdcycleh/rdinstreth (high word): the step count.
#define PROVA_COUNTER_OPS(X) X(ReadCounter) X(ReadCounterHigh)
// Not instructions: an undecodable word, and a slot of the code cache that is not executable.
#define PROVA_PSEUDO_OPS(X) X(Illegal) X(FetchFault)

#define PROVA_ALL_OPS(X) \
  PROVA_RV32I_OPS(X) PROVA_RV32M_OPS(X) PROVA_COUNTER_OPS(X) PROVA_PSEUDO_OPS(X)

enum class Op : uint8_t {
#define PROVA_OP_ENUM(name) k##name,
  PROVA_ALL_OPS(PROVA_OP_ENUM)
#undef PROVA_OP_ENUM
      kCount
};

std::string_view OpName(Op op);

// Field accessors of a raw 32-bit instruction word.
struct Instruction {
  uint32_t bits;

  uint32_t opcode() const { return bits & 0x7f; }
  uint32_t rd() const { return (bits >> 7) & 0x1f; }
  uint32_t funct3() const { return (bits >> 12) & 0x7; }
  uint32_t rs1() const { return (bits >> 15) & 0x1f; }
  uint32_t rs2() const { return (bits >> 20) & 0x1f; }
  uint32_t funct7() const { return bits >> 25; }
  uint32_t csr() const { return bits >> 20; }
  int32_t imm_i() const { return static_cast<int32_t>(bits) >> 20; }
  int32_t imm_s() const {
    return ((static_cast<int32_t>(bits) >> 25) << 5) | static_cast<int32_t>((bits >> 7) & 0x1f);
  }
  int32_t imm_b() const {
    return ((static_cast<int32_t>(bits) >> 31) << 12) |
           static_cast<int32_t>(((bits >> 7) & 1) << 11) |
           static_cast<int32_t>(((bits >> 25) & 0x3f) << 5) |
           static_cast<int32_t>(((bits >> 8) & 0xf) << 1);
  }
  int32_t imm_u() const { return static_cast<int32_t>(bits & 0xfffff000u); }
  int32_t imm_j() const {
    return ((static_cast<int32_t>(bits) >> 31) << 20) |
           static_cast<int32_t>(((bits >> 12) & 0xff) << 12) |
           static_cast<int32_t>(((bits >> 20) & 1) << 11) |
           static_cast<int32_t>(((bits >> 21) & 0x3ff) << 1);
  }
};

// Writes to x0 are redirected to this extra register slot, so the interpreter needs no x0 test:
// x[0] is never written and reads as zero, x[32] is never read.
inline constexpr uint8_t kDiscardRegister = 32;

// 8 bytes: one entry per instruction slot of the code cache.
struct DecodedInstruction {
  Op op = Op::kIllegal;
  uint8_t rd = kDiscardRegister;  // kDiscardRegister when the instruction writes no register or x0
  uint8_t rs1 = 0;                // 0 when the format has no rs1 (reads as zero, never traced)
  uint8_t rs2 = 0;                // 0 when the format has no rs2
  int32_t imm = 0;                // sign-extended immediate; shift amount for slli/srli/srai
};
static_assert(sizeof(DecodedInstruction) == 8);

// Strict decoding: reserved encodings, the C extension, any CSR other than the four read-only
// counters read with csrrs rd, csr, x0, and every SYSTEM encoding but ecall/ebreak give kIllegal.
DecodedInstruction Decode(uint32_t word);

}  // namespace prova::vm
