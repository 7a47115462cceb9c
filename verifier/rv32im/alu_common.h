#pragma once

// Small pieces shared by the ALU tables (alu_*_air.h): 16-bit halves of byte-limb words and
// constants of a builder's field.

#include <cstdint>

#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im::alu {

// c as a constant of builder B's field.
template <class B>
typename B::Expr Const(uint32_t c) {
  return typename B::Expr(B::F::from_canonical(c));
}

template <class B>
typename B::Expr OpConst(Opcode op) {
  return Const<B>(OpcodeId(op));
}

// id(x) - id(y) as a field element (negative differences wrap mod p, not mod 2^32).
template <class B>
typename B::F OpDelta(Opcode x, Opcode y) {
  return B::F::from_canonical(OpcodeId(x)) - B::F::from_canonical(OpcodeId(y));
}

// x0 + 256 x1: the low (half 0) or high (half 1) 16 bits of a word given as byte limbs.
template <class B, class W>
typename B::Expr Half(const W& w, int half) {
  using Expr = typename B::Expr;
  return Expr(w[2 * half]) + Expr(w[2 * half + 1]) * B::F::from_canonical(256);
}

}  // namespace prova::rv32im::alu
