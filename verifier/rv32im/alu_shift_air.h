#pragma once

// SLL, SRL and SRA (docs/rv32im-alu.md). The shift amount s = c mod 32 is decomposed as
// c0 = k + 8 m + 32 q with k = bits[0] + 2 bits[1] + 4 bits[2] (the bit shift), m given by the
// one-hot byte_shift flags, and q a byte (BYTE bus), so s = 8 m + k is exact.
// Every byte of b is multiplied by pow = 2^k (left) or 2^(8-k) (right) and split as
//   b_j * pow = lo_j + 256 hi_j     (lo_j, hi_j bytes; b_j * pow <= 65280, so the split is unique)
// Then, for a left shift, byte j of b << k is lo_j + hi_(j-1); for a right shift, byte j of
// b >> k is lo_(j+1) + hi_j (the high fill lo_4 = sign * (256 - pow) for SRA). The byte shift
// m then selects which of those bytes lands in a_j; SRA fills with 255 * sign, where sign is the
// top bit of b (proven by the byte lookup of 2 b3 - 256 sign) and 0 unless SRA.

#include <cstddef>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/alu_common.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

template <class T>
struct ShiftCols {
  T multiplicity;
  T is_srl;  // SLL when neither flag is set
  T is_sra;
  T a[4];
  T b[4];
  T c[4];
  T bits[3];        // the bit shift k, little-endian
  T byte_shift[4];  // one-hot: byte_shift[m] = 1 for a shift by 8 m + k
  T c0_high;        // q = c0 >> 5
  T sign;           // top bit of b for SRA, else 0
  T pow;            // 2^k (left) or 2^(8 - k) (right)
  T lo[4];
  T hi[4];
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<ShiftCols>);

struct ShiftAir {
  std::string_view name() const { return "alu shift"; }
  size_t main_width() const { return air::kWidth<ShiftCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using Expr = typename B::Expr;
    using F = typename B::F;
    using alu::Const;
    auto [row, next] = b.template rows<ShiftCols>();
    (void)next;
    const Expr one = F::one();
    b.assert_bool(row.is_srl, "shift: is_srl boolean");
    b.assert_bool(row.is_sra, "shift: is_sra boolean");
    b.assert_zero(row.is_srl * row.is_sra, "shift: one operation");
    const Expr is_right = Expr(row.is_srl) + row.is_sra;
    const Expr is_left = one - is_right;
    b.assert_bool(row.sign, "shift: sign boolean");
    b.assert_zero(row.sign * (one - row.is_sra), "shift: sign only for sra");

    Expr flag_sum = Const<B>(0), m = Const<B>(0);
    for (int i = 0; i < 4; ++i) {
      b.assert_bool(row.byte_shift[i], "shift: byte shift flag boolean");
      flag_sum = flag_sum + row.byte_shift[i];
      m = m + row.byte_shift[i] * F::from_canonical(i);
    }
    b.assert_one(flag_sum, "shift: one byte shift");
    Expr k = Const<B>(0);
    for (int i = 0; i < 3; ++i) {
      b.assert_bool(row.bits[i], "shift: bit boolean");
      k = k + row.bits[i] * F::from_canonical(1u << i);
    }
    b.assert_eq(row.c[0], k + m * F::from_canonical(8) + row.c0_high * F::from_canonical(32),
                "shift: amount");
    // pow from the bits of k, a factor per bit: 2^k = (1 + b0)(1 + 3 b1)(1 + 15 b2) for a left
    // shift, 2^(8 - k) = 2 (2 - b0)(4 - 3 b1)(16 - 15 b2) for a right one. Degree 4 with the
    // selector, and one column fewer in a row that every LDE block, opening and query carries.
    const Expr left_pow = (one + row.bits[0]) * (one + row.bits[1] * F::from_canonical(3)) *
                          (one + row.bits[2] * F::from_canonical(15));
    const Expr right_pow = (Const<B>(2) - row.bits[0]) *
                           (Const<B>(4) - row.bits[1] * F::from_canonical(3)) *
                           (Const<B>(16) - row.bits[2] * F::from_canonical(15)) * F::two();
    b.assert_zero(is_left * (Expr(row.pow) - left_pow), "shift: left multiplier");
    b.assert_zero(is_right * (Expr(row.pow) - right_pow), "shift: right multiplier");
    for (int j = 0; j < 4; ++j) {
      b.assert_eq(row.b[j] * row.pow, row.lo[j] + row.hi[j] * F::from_canonical(256),
                  "shift: byte split");
    }

    static constexpr std::string_view kResultNames[4] = {
        "shift: result byte 0", "shift: result byte 1", "shift: result byte 2",
        "shift: result byte 3"};
    const Expr high_fill = row.sign * (Const<B>(256) - row.pow);  // lo_4 of a right shift
    const Expr fill = row.sign * F::from_canonical(255);
    for (int j = 0; j < 4; ++j) {
      Expr left = Const<B>(0), right = Const<B>(0), sign_part = Const<B>(0);
      for (int s = 0; s < 4; ++s) {
        if (j - s >= 0) {  // byte j - s of b << k
          Expr w = row.lo[j - s];
          if (j - s >= 1) w = w + row.hi[j - s - 1];
          left = left + row.byte_shift[s] * w;
        }
        const int src = j + s;  // byte src of b >> k
        if (src <= 2) {
          right = right + row.byte_shift[s] * (Expr(row.lo[src + 1]) + row.hi[src]);
        } else if (src == 3) {
          right = right + row.byte_shift[s] * row.hi[3];
          sign_part = sign_part + row.byte_shift[s] * high_fill;
        } else {
          sign_part = sign_part + row.byte_shift[s] * fill;
        }
      }
      // sign is 0 unless SRA, so sign_part needs no selector.
      b.assert_eq(row.a[j], is_left * left + is_right * right + sign_part, kResultNames[j]);
    }

    const Expr opcode = alu::OpConst<B>(Opcode::kSll) +
                        row.is_srl * alu::OpDelta<B>(Opcode::kSrl, Opcode::kSll) +
                        row.is_sra * alu::OpDelta<B>(Opcode::kSra, Opcode::kSll);
    ReceiveAlu(b, opcode, row.a, row.b, row.c, row.multiplicity, "shift");
    SendByteRange(b, row.b[0], row.b[1], one, "shift: b bytes");
    SendByteRange(b, row.b[2], row.b[3], one, "shift: b bytes");
    SendByteRange(b, row.c[0], row.c[1], one, "shift: c bytes");
    SendByteRange(b, row.c[2], row.c[3], one, "shift: c bytes");
    SendByteRange(b, row.c0_high, row.is_sra * (row.b[3] * F::two() - row.sign * Const<B>(256)),
                  one, "shift: amount high, sign bit");
    for (int j = 0; j < 4; ++j) {
      SendByteRange(b, row.lo[j], row.hi[j], one, "shift: byte split");
    }
    air::BlindLogUpSum(b, row.blinding);
  }
};

}  // namespace prova::rv32im
