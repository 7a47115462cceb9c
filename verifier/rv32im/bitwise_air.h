#pragma once

// AND, OR and XOR (docs/rv32im-alu.md). Per byte, one lookup (kAnd, b_i, c_i, n_i) on the BYTE
// bus proves b_i and c_i bytes and n_i = b_i AND c_i; the result is then linear in them:
//   AND: a_i = n_i    OR: a_i = b_i + c_i - n_i    XOR: a_i = b_i + c_i - 2 n_i
// (bitwise, x + y = (x XOR y) + 2 (x AND y) and x OR y = (x XOR y) + (x AND y)), so a is an
// expression, not a column, and is a byte by construction.

#include <cstddef>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/alu_common.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

template <class T>
struct BitwiseCols {
  T multiplicity;
  T is_or;  // AND when neither flag is set
  T is_xor;
  T b[4];
  T c[4];
  T b_and_c[4];
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<BitwiseCols>);

struct BitwiseAir {
  std::string_view name() const { return "alu bitwise"; }
  size_t main_width() const { return air::kWidth<BitwiseCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using Expr = typename B::Expr;
    using F = typename B::F;
    auto [row, next] = b.template rows<BitwiseCols>();
    (void)next;
    b.assert_bool(row.is_or, "bitwise: is_or boolean");
    b.assert_bool(row.is_xor, "bitwise: is_xor boolean");
    b.assert_zero(row.is_or * row.is_xor, "bitwise: one operation");

    Expr a[4];
    for (int i = 0; i < 4; ++i) {
      const Expr n = row.b_and_c[i];
      // n (AND), b + c - n (OR), b + c - 2 n (XOR).
      a[i] = n + (Expr(row.is_or) + row.is_xor) * (Expr(row.b[i]) + row.c[i]) -
             n * (row.is_or * F::two() + row.is_xor * F::from_canonical(3));
    }
    const Expr opcode = alu::OpConst<B>(Opcode::kAnd) +
                        row.is_or * alu::OpDelta<B>(Opcode::kOr, Opcode::kAnd) +
                        row.is_xor * alu::OpDelta<B>(Opcode::kXor, Opcode::kAnd);
    ReceiveAlu(b, opcode, a, row.b, row.c, row.multiplicity, "bitwise");
    for (int i = 0; i < 4; ++i) {
      SendByteAnd(b, row.b[i], row.c[i], row.b_and_c[i], F::one(), "bitwise: byte and");
    }
    air::BlindLogUpSum(b, row.blinding);
  }
};

}  // namespace prova::rv32im
