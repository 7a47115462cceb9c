#pragma once

// The LogUp buses of the RV32IM circuit: bus ids and tuple layouts, in one place. Every tuple is
// fingerprinted with its bus id (verifier/air/logup.h), so tuples of different buses never mix.
// Words are 4 little-endian byte limbs unless a layout says otherwise.
//
//  PROGRAM  (pc, opcode, rd, rs1, rs2, imm, flags...)       CPU sends, program table receives
//           layout: cpu_air.h / program_air.h
//  ALU      (opcode, a[4], b[4], c[4]) meaning a = op(b, c) CPU sends, ALU tables receive
//  MEMORY   (address space, address, value, timestamp)      layout: memory_air.h
//  BYTE     (byte op, x, y, z)                               any table sends, byte table receives
//  JOURNAL  (index, byte)                                    syscall rows send, the verifier
//                                                            receives from the public journal
//  SYSCALL  (is_input, clock, word, offset, remaining, index) ecall and read-call rows start a
//  chain
//           of io-word rows; layout: io_air.h
//  READ     (clock, word, offset, count, n, short)           the ecall table sends per read,
//                                                            the read-call table receives; io_air.h
//  ECALL    (clock, a7, a0, new a0)                          CPU sends per ecall but exit, the
//                                                            ecall table receives; ecall_air.h
//
// The ALU bus contract: a receiving ALU table proves that every limb of a, b and c is a byte and
// that a = op(b, c) for the opcode, so the sender needs no range check of the result (and none of
// the operands either, although register values are bytes anyway).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

enum Bus : uint32_t {
  kProgramBus = 1,
  kAluBus = 2,
  kMemoryBus = 3,
  kByteBus = 4,
  kJournalBus = 5,
  kSyscallBus = 6,
  kReadBus = 7,
  kEcallBus = 8,
};

inline constexpr size_t kWordBytes = 4;

// ---------------------------------------------------------------------------------------------
// ALU bus: (opcode, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3).

inline constexpr size_t kAluTupleSize = 1 + 3 * kWordBytes;

// One ALU-bus interaction. `opcode` and `multiplicity` are expressions (or constants) of the
// builder; a, b and c are anything indexable by 0..3 whose elements convert to B::Expr (a row
// struct's `T x[4]`, a std::array of expressions, ...).
template <class B, class Op, class WA, class WB, class WC, class M>
void AluInteract(B& builder, air::Direction direction, const Op& opcode, const WA& a, const WB& b,
                 const WC& c, const M& multiplicity, std::string_view name = "alu") {
  using Expr = typename B::Expr;
  builder.interact(
      kAluBus,
      {Expr(opcode), Expr(a[0]), Expr(a[1]), Expr(a[2]), Expr(a[3]), Expr(b[0]), Expr(b[1]),
       Expr(b[2]), Expr(b[3]), Expr(c[0]), Expr(c[1]), Expr(c[2]), Expr(c[3])},
      Expr(multiplicity), direction, name);
}

// The CPU's side: "a = op(b, c)" with the given multiplicity (usually 1 or an is_alu flag).
template <class B, class Op, class WA, class WB, class WC, class M>
void SendAlu(B& builder, const Op& opcode, const WA& a, const WB& b, const WC& c,
             const M& multiplicity, std::string_view name = "alu") {
  AluInteract(builder, air::Direction::kSend, opcode, a, b, c, multiplicity, name);
}

template <class B, class Op, class WA, class WB, class WC, class M>
void ReceiveAlu(B& builder, const Op& opcode, const WA& a, const WB& b, const WC& c,
                const M& multiplicity, std::string_view name = "alu") {
  AluInteract(builder, air::Direction::kReceive, opcode, a, b, c, multiplicity, name);
}

// An opcode as a field constant of builder B.
template <class B>
typename B::Expr OpcodeConstant(Opcode op) {
  return typename B::Expr(B::F::from_canonical(OpcodeId(op)));
}

// ---------------------------------------------------------------------------------------------
// BYTE bus: (op, x, y, z), served by the byte table (byte_air.h, 2^14 rows, four byte pairs each).
//  kRange: x and y are bytes, z = 0                   (range check of two bytes at once)
//  kAnd:   x and y are bytes, z = x AND y             (x XOR y = x + y - 2 z, x OR y = x + y - z)
//  kU16:   x < 2^16, y = z = 0                        (16-bit range check of one value)

enum class ByteOp : uint32_t {
  kRange = 1,
  kAnd = 2,
  kU16 = 3,
};

inline constexpr size_t kByteTupleSize = 4;

template <class B, class X, class Y, class Z, class M>
void ByteInteract(B& builder, air::Direction direction, ByteOp op, const X& x, const Y& y,
                  const Z& z, const M& multiplicity, std::string_view name) {
  using Expr = typename B::Expr;
  builder.interact(
      kByteBus, {Expr(B::F::from_canonical(static_cast<uint32_t>(op))), Expr(x), Expr(y), Expr(z)},
      Expr(multiplicity), direction, name);
}

// Sender helpers: each is one interaction (one auxiliary column) of the calling table.
template <class B, class X, class Y, class M>
void SendByteRange(B& builder, const X& x, const Y& y, const M& multiplicity,
                   std::string_view name = "byte range") {
  ByteInteract(builder, air::Direction::kSend, ByteOp::kRange, x, y, B::F::zero(), multiplicity,
               name);
}

template <class B, class X, class Y, class Z, class M>
void SendByteAnd(B& builder, const X& x, const Y& y, const Z& x_and_y, const M& multiplicity,
                 std::string_view name = "byte and") {
  ByteInteract(builder, air::Direction::kSend, ByteOp::kAnd, x, y, x_and_y, multiplicity, name);
}

template <class B, class X, class M>
void SendU16Range(B& builder, const X& x, const M& multiplicity,
                  std::string_view name = "u16 range") {
  ByteInteract(builder, air::Direction::kSend, ByteOp::kU16, x, B::F::zero(), B::F::zero(),
               multiplicity, name);
}

}  // namespace prova::rv32im
