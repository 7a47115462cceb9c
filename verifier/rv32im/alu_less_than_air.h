#pragma once

// SLT and SLTU (docs/rv32im-alu.md): a = (b < c) as the word (lt, 0, 0, 0). The row proves the
// subtraction b' - c' = d - 2^32 lt with d a 32-bit value (two 16-bit halves on the BYTE bus) and
// lt boolean, where b', c' are b, c for SLTU and b XOR 2^31, c XOR 2^31 for SLT (flipping the
// sign bit maps signed order onto unsigned order). The sign bits are proven by the lookup of
// the byte pair (2 b3 - 256 msb_b, 2 c3 - 256 msb_c), b3 and c3 being range-checked bytes:
// 2 b3 - 256 msb_b is a byte only if msb_b = b3 >> 7.

#include <cstddef>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/alu_common.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

template <class T>
struct LessThanCols {
  T multiplicity;
  T is_slt;  // SLTU otherwise
  T lt;      // the result
  T b[4];
  T c[4];
  T msb_b;
  T msb_c;
  T diff_lo;  // d = b' - c' mod 2^32, in 16-bit halves
  T diff_hi;
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<LessThanCols>);

struct LessThanAir {
  std::string_view name() const { return "alu less-than"; }
  size_t main_width() const { return air::kWidth<LessThanCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using Expr = typename B::Expr;
    using F = typename B::F;
    using alu::Const;
    using alu::Half;
    auto [row, next] = b.template rows<LessThanCols>();
    (void)next;
    b.assert_bool(row.is_slt, "less-than: is_slt boolean");
    b.assert_bool(row.lt, "less-than: lt boolean");
    b.assert_bool(row.msb_b, "less-than: msb_b boolean");
    b.assert_bool(row.msb_c, "less-than: msb_c boolean");

    const Expr two16 = Const<B>(65536);
    // 2^16 times the borrow out of the low half.
    const Expr borrow_lo = Expr(row.diff_lo) - Half<B>(row.b, 0) + Half<B>(row.c, 0);
    b.assert_zero(borrow_lo * (borrow_lo - two16), "less-than: borrow boolean");
    const Expr flip_b = row.is_slt * (Const<B>(32768) - row.msb_b * two16);
    const Expr flip_c = row.is_slt * (Const<B>(32768) - row.msb_c * two16);
    b.assert_zero(Half<B>(row.b, 1) + flip_b - Half<B>(row.c, 1) - flip_c -
                      borrow_lo * F::from_canonical(65536).inverse() - row.diff_hi + row.lt * two16,
                  "less-than: high half");

    const Expr zero = Const<B>(0);
    const Expr a[4] = {row.lt, zero, zero, zero};
    const Expr opcode =
        alu::OpConst<B>(Opcode::kSltu) + row.is_slt * alu::OpDelta<B>(Opcode::kSlt, Opcode::kSltu);
    ReceiveAlu(b, opcode, a, row.b, row.c, row.multiplicity, "less-than");
    const Expr one = F::one();
    SendByteRange(b, row.b[0], row.b[1], one, "less-than: b bytes");
    SendByteRange(b, row.b[2], row.c[2], one, "less-than: b2 c2 bytes");
    SendByteRange(b, row.c[0], row.c[1], one, "less-than: c bytes");
    SendByteRange(b, row.b[3], row.c[3], one, "less-than: b3 c3 bytes");
    SendByteRange(b, row.b[3] * F::two() - row.msb_b * Const<B>(256),
                  row.c[3] * F::two() - row.msb_c * Const<B>(256), one, "less-than: sign bits");
    SendU16Range(b, row.diff_lo, one, "less-than: diff low");
    SendU16Range(b, row.diff_hi, one, "less-than: diff high");
    air::BlindLogUpSum(b, row.blinding);
  }
};

}  // namespace prova::rv32im
