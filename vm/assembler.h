#pragma once

// A minimal RV32IM encoder for building guest programs in memory (unit tests, benchmarks): one
// function per instruction format, named helpers per instruction, and a ProgramImage builder.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "vm/elf_loader.h"

namespace prova::vm::rv32 {

enum Reg : uint32_t {
  zero,
  ra,
  sp,
  gp,
  tp,
  t0,
  t1,
  t2,
  s0,
  s1,
  a0,
  a1,
  a2,
  a3,
  a4,
  a5,
  a6,
  a7,
  s2,
  s3,
  s4,
  s5,
  s6,
  s7,
  s8,
  s9,
  s10,
  s11,
  t3,
  t4,
  t5,
  t6
};

constexpr uint32_t EncodeR(uint32_t opcode, uint32_t funct3, uint32_t funct7, uint32_t rd,
                           uint32_t rs1, uint32_t rs2) {
  return opcode | (rd << 7) | (funct3 << 12) | (rs1 << 15) | (rs2 << 20) | (funct7 << 25);
}
constexpr uint32_t EncodeI(uint32_t opcode, uint32_t funct3, uint32_t rd, uint32_t rs1,
                           int32_t imm) {
  return opcode | (rd << 7) | (funct3 << 12) | (rs1 << 15) |
         ((static_cast<uint32_t>(imm) & 0xfff) << 20);
}
constexpr uint32_t EncodeS(uint32_t opcode, uint32_t funct3, uint32_t rs1, uint32_t rs2,
                           int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return opcode | ((u & 0x1f) << 7) | (funct3 << 12) | (rs1 << 15) | (rs2 << 20) |
         (((u >> 5) & 0x7f) << 25);
}
constexpr uint32_t EncodeB(uint32_t opcode, uint32_t funct3, uint32_t rs1, uint32_t rs2,
                           int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return opcode | (((u >> 11) & 1) << 7) | (((u >> 1) & 0xf) << 8) | (funct3 << 12) | (rs1 << 15) |
         (rs2 << 20) | (((u >> 5) & 0x3f) << 25) | (((u >> 12) & 1) << 31);
}
constexpr uint32_t EncodeU(uint32_t opcode, uint32_t rd, uint32_t upper) {
  return opcode | (rd << 7) | (upper & 0xfffff000u);
}
constexpr uint32_t EncodeJ(uint32_t opcode, uint32_t rd, int32_t imm) {
  const uint32_t u = static_cast<uint32_t>(imm);
  return opcode | (rd << 7) | (((u >> 12) & 0xff) << 12) | (((u >> 11) & 1) << 20) |
         (((u >> 1) & 0x3ff) << 21) | (((u >> 20) & 1) << 31);
}

// `upper` is the 32-bit value loaded (its low 12 bits must be zero).
constexpr uint32_t Lui(uint32_t rd, uint32_t upper) { return EncodeU(0x37, rd, upper); }
constexpr uint32_t Auipc(uint32_t rd, uint32_t upper) { return EncodeU(0x17, rd, upper); }
constexpr uint32_t Jal(uint32_t rd, int32_t offset) { return EncodeJ(0x6f, rd, offset); }
constexpr uint32_t Jalr(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x67, 0, rd, rs1, imm);
}
constexpr uint32_t Beq(uint32_t rs1, uint32_t rs2, int32_t off) {
  return EncodeB(0x63, 0, rs1, rs2, off);
}
constexpr uint32_t Bne(uint32_t rs1, uint32_t rs2, int32_t off) {
  return EncodeB(0x63, 1, rs1, rs2, off);
}
constexpr uint32_t Blt(uint32_t rs1, uint32_t rs2, int32_t off) {
  return EncodeB(0x63, 4, rs1, rs2, off);
}
constexpr uint32_t Bge(uint32_t rs1, uint32_t rs2, int32_t off) {
  return EncodeB(0x63, 5, rs1, rs2, off);
}
constexpr uint32_t Bltu(uint32_t rs1, uint32_t rs2, int32_t off) {
  return EncodeB(0x63, 6, rs1, rs2, off);
}
constexpr uint32_t Bgeu(uint32_t rs1, uint32_t rs2, int32_t off) {
  return EncodeB(0x63, 7, rs1, rs2, off);
}
constexpr uint32_t Lb(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x03, 0, rd, rs1, imm);
}
constexpr uint32_t Lh(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x03, 1, rd, rs1, imm);
}
constexpr uint32_t Lw(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x03, 2, rd, rs1, imm);
}
constexpr uint32_t Lbu(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x03, 4, rd, rs1, imm);
}
constexpr uint32_t Lhu(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x03, 5, rd, rs1, imm);
}
constexpr uint32_t Sb(uint32_t rs2, uint32_t rs1, int32_t imm) {
  return EncodeS(0x23, 0, rs1, rs2, imm);
}
constexpr uint32_t Sh(uint32_t rs2, uint32_t rs1, int32_t imm) {
  return EncodeS(0x23, 1, rs1, rs2, imm);
}
constexpr uint32_t Sw(uint32_t rs2, uint32_t rs1, int32_t imm) {
  return EncodeS(0x23, 2, rs1, rs2, imm);
}
constexpr uint32_t Addi(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x13, 0, rd, rs1, imm);
}
constexpr uint32_t Slti(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x13, 2, rd, rs1, imm);
}
constexpr uint32_t Sltiu(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x13, 3, rd, rs1, imm);
}
constexpr uint32_t Xori(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x13, 4, rd, rs1, imm);
}
constexpr uint32_t Ori(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x13, 6, rd, rs1, imm);
}
constexpr uint32_t Andi(uint32_t rd, uint32_t rs1, int32_t imm) {
  return EncodeI(0x13, 7, rd, rs1, imm);
}
constexpr uint32_t Slli(uint32_t rd, uint32_t rs1, uint32_t shamt) {
  return EncodeR(0x13, 1, 0, rd, rs1, shamt);
}
constexpr uint32_t Srli(uint32_t rd, uint32_t rs1, uint32_t shamt) {
  return EncodeR(0x13, 5, 0, rd, rs1, shamt);
}
constexpr uint32_t Srai(uint32_t rd, uint32_t rs1, uint32_t shamt) {
  return EncodeR(0x13, 5, 0x20, rd, rs1, shamt);
}
constexpr uint32_t Add(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 0, 0, rd, rs1, rs2);
}
constexpr uint32_t Sub(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 0, 0x20, rd, rs1, rs2);
}
constexpr uint32_t Sll(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 1, 0, rd, rs1, rs2);
}
constexpr uint32_t Slt(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 2, 0, rd, rs1, rs2);
}
constexpr uint32_t Sltu(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 3, 0, rd, rs1, rs2);
}
constexpr uint32_t Xor(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 4, 0, rd, rs1, rs2);
}
constexpr uint32_t Srl(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 5, 0, rd, rs1, rs2);
}
constexpr uint32_t Sra(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 5, 0x20, rd, rs1, rs2);
}
constexpr uint32_t Or(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 6, 0, rd, rs1, rs2);
}
constexpr uint32_t And(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 7, 0, rd, rs1, rs2);
}
constexpr uint32_t Mul(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 0, 1, rd, rs1, rs2);
}
constexpr uint32_t Mulh(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 1, 1, rd, rs1, rs2);
}
constexpr uint32_t Mulhsu(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 2, 1, rd, rs1, rs2);
}
constexpr uint32_t Mulhu(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 3, 1, rd, rs1, rs2);
}
constexpr uint32_t Div(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 4, 1, rd, rs1, rs2);
}
constexpr uint32_t Divu(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 5, 1, rd, rs1, rs2);
}
constexpr uint32_t Rem(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 6, 1, rd, rs1, rs2);
}
constexpr uint32_t Remu(uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return EncodeR(0x33, 7, 1, rd, rs1, rs2);
}
constexpr uint32_t Fence() { return 0x0ff0000f; }
constexpr uint32_t FenceI() { return 0x0000100f; }
constexpr uint32_t Ecall() { return 0x00000073; }
constexpr uint32_t Ebreak() { return 0x00100073; }
constexpr uint32_t Csrrs(uint32_t rd, uint32_t csr, uint32_t rs1) {
  return EncodeI(0x73, 2, rd, rs1, static_cast<int32_t>(csr));
}

// lui + addi loading any 32-bit constant (always two words, so code size is predictable).
inline std::vector<uint32_t> Li(uint32_t rd, uint32_t value) {
  const uint32_t upper = (value + 0x800) & 0xfffff000u;
  const int32_t lower = static_cast<int32_t>(value - upper);
  return {Lui(rd, upper), Addi(rd, rd, lower)};
}

// Concatenates instruction words and Li sequences.
class Code {
 public:
  Code& operator<<(uint32_t word) {
    words_.push_back(word);
    return *this;
  }
  Code& operator<<(const std::vector<uint32_t>& words) {
    words_.insert(words_.end(), words.begin(), words.end());
    return *this;
  }
  // Byte offset of the next instruction (for branch offsets).
  int32_t here() const { return static_cast<int32_t>(words_.size() * 4); }
  const std::vector<uint32_t>& words() const { return words_; }

 private:
  std::vector<uint32_t> words_;
};

inline constexpr uint32_t kDefaultCodeAddress = 0x10000;
inline constexpr uint32_t kDefaultDataAddress = 0x20000;

// An image with the code at `code_address` (R+X, entry at its start) and, if data_size > 0, a
// read/write data segment at `data_address` holding `data` followed by zeros.
inline ProgramImage MakeImage(const std::vector<uint32_t>& code, std::vector<uint8_t> data = {},
                              uint32_t data_size = 0, uint32_t code_address = kDefaultCodeAddress,
                              uint32_t data_address = kDefaultDataAddress) {
  ProgramImage image;
  image.entry = code_address;
  Segment text;
  text.vaddr = code_address;
  text.mem_size = static_cast<uint32_t>(code.size() * 4);
  for (uint32_t w : code) {
    for (int i = 0; i < 4; ++i) text.bytes.push_back(static_cast<uint8_t>(w >> (8 * i)));
  }
  text.permissions = kRead | kExecute;
  image.segments.push_back(std::move(text));
  if (data_size > 0) {
    Segment seg;
    seg.vaddr = data_address;
    seg.mem_size = std::max<uint32_t>(data_size, static_cast<uint32_t>(data.size()));
    seg.bytes = std::move(data);
    seg.permissions = kRead | kWrite;
    image.segments.push_back(std::move(seg));
  }
  if (image.segments.size() == 2 && image.segments[1].vaddr < image.segments[0].vaddr) {
    std::swap(image.segments[0], image.segments[1]);
  }
  return image;
}

}  // namespace prova::vm::rv32
