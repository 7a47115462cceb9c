#pragma once

// MUL, MULH, MULHSU and MULHU (docs/rv32im-alu.md). A row proves the 64-bit product
//   ext(b) * ext(c) = lo + 2^32 hi   (mod 2^64)
// where ext() sign-extends a signed operand (MULH: both, MULHSU: b) to 8 bytes with 255 * sign
// and zero-extends otherwise; the result is lo for MUL and hi for the others. The schoolbook
// product is checked per 16-bit limb K with a carry carry_K = low + 32 high whose two parts are
// bytes (one BYTE-bus pair lookup): carries stay below 8416, so every limb identity
//   sum_{i+j=2K} b_i c_j + 256 sum_{i+j=2K+1} b_i c_j + carry_{K-1} = r_2K + 256 r_2K+1 + 2^16
//   carry_K
// has both sides below 2^30 < p and holds over the integers. (A plain 16-bit range check of the
// carry would not do: 2^16 carry could exceed p and let the identity wrap.)

#include <cstddef>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/alu_common.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

template <class T>
struct MulCols {
  T multiplicity;
  T is_mulh;  // MUL when no flag is set
  T is_mulhsu;
  T is_mulhu;
  T b[4];
  T c[4];
  T lo[4];         // the product's low word
  T hi[4];         // its high word
  T carry_low[4];  // carry_K = carry_low[K] + 32 carry_high[K]
  T carry_high[4];
  T sign_b;  // 1 when b is signed (MULH, MULHSU) and negative
  T sign_c;  // 1 when c is signed (MULH) and negative
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<MulCols>);

struct MulAir {
  std::string_view name() const { return "alu mul"; }
  size_t main_width() const { return air::kWidth<MulCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using Expr = typename B::Expr;
    using F = typename B::F;
    using alu::Const;
    auto [row, next] = b.template rows<MulCols>();
    (void)next;
    b.assert_bool(row.is_mulh, "mul: is_mulh boolean");
    b.assert_bool(row.is_mulhsu, "mul: is_mulhsu boolean");
    b.assert_bool(row.is_mulhu, "mul: is_mulhu boolean");
    b.assert_zero(
        row.is_mulh * row.is_mulhsu + row.is_mulh * row.is_mulhu + row.is_mulhsu * row.is_mulhu,
        "mul: one operation");
    const Expr b_signed = Expr(row.is_mulh) + row.is_mulhsu;
    const Expr c_signed = row.is_mulh;
    b.assert_bool(row.sign_b, "mul: sign_b boolean");
    b.assert_bool(row.sign_c, "mul: sign_c boolean");
    b.assert_zero(row.sign_b * (F::one() - b_signed), "mul: b unsigned");
    b.assert_zero(row.sign_c * (F::one() - c_signed), "mul: c unsigned");

    Expr be[8], ce[8], r[8], carry[4];
    for (int i = 0; i < 4; ++i) {
      be[i] = row.b[i];
      ce[i] = row.c[i];
      be[i + 4] = row.sign_b * F::from_canonical(255);
      ce[i + 4] = row.sign_c * F::from_canonical(255);
      r[i] = row.lo[i];
      r[i + 4] = row.hi[i];
      carry[i] = row.carry_low[i] + row.carry_high[i] * F::from_canonical(32);
    }
    static constexpr std::string_view kLimbNames[4] = {
        "mul: product limb 0", "mul: product limb 1", "mul: product limb 2", "mul: product limb 3"};
    for (int k = 0; k < 4; ++k) {
      Expr lhs = k == 0 ? Const<B>(0) : carry[k - 1];
      for (int i = 0; i <= 2 * k; ++i) lhs = lhs + be[i] * ce[2 * k - i];
      for (int i = 0; i <= 2 * k + 1; ++i) {
        lhs = lhs + be[i] * ce[2 * k + 1 - i] * F::from_canonical(256);
      }
      b.assert_eq(
          lhs,
          r[2 * k] + r[2 * k + 1] * F::from_canonical(256) + carry[k] * F::from_canonical(65536),
          kLimbNames[k]);
    }

    const Expr high = Expr(row.is_mulh) + row.is_mulhsu + row.is_mulhu;
    Expr a[4];
    for (int i = 0; i < 4; ++i) a[i] = row.lo[i] + high * (row.hi[i] - row.lo[i]);
    const Expr opcode = alu::OpConst<B>(Opcode::kMul) +
                        row.is_mulh * alu::OpDelta<B>(Opcode::kMulh, Opcode::kMul) +
                        row.is_mulhsu * alu::OpDelta<B>(Opcode::kMulhsu, Opcode::kMul) +
                        row.is_mulhu * alu::OpDelta<B>(Opcode::kMulhu, Opcode::kMul);
    ReceiveAlu(b, opcode, a, row.b, row.c, row.multiplicity, "mul");
    const Expr one = F::one();
    for (int i = 0; i < 4; i += 2) {
      SendByteRange(b, row.b[i], row.b[i + 1], one, "mul: b bytes");
      SendByteRange(b, row.c[i], row.c[i + 1], one, "mul: c bytes");
      SendByteRange(b, row.lo[i], row.lo[i + 1], one, "mul: lo bytes");
      SendByteRange(b, row.hi[i], row.hi[i + 1], one, "mul: hi bytes");
    }
    SendByteRange(b, b_signed * (row.b[3] * F::two() - row.sign_b * Const<B>(256)),
                  c_signed * (row.c[3] * F::two() - row.sign_c * Const<B>(256)), one,
                  "mul: sign bits");
    for (int k = 0; k < 4; ++k) {
      SendByteRange(b, row.carry_low[k], row.carry_high[k], one, "mul: carry");
    }
    air::BlindLogUpSum(b, row.blinding);
  }
};

}  // namespace prova::rv32im
