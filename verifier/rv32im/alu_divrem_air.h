#pragma once

// DIV, DIVU, REM and REMU (docs/rv32im-alu.md). A row holds the quotient q and remainder r of
// b / c and proves
//   ext(c) * ext(q) + ext(r) = ext'(b)   (mod 2^64, hence over the integers)
// with the carry scheme of the MUL table, where ext() sign-extends for DIV/REM and zero-extends
// for DIVU/REMU, plus the remainder bound, sent as one SLTU lookup on the ALU bus:
//   |r| < |c|  as  r_abs <u c_abs, with r_abs = (b < 0 ? -r : r), c_abs = (c < 0 ? -c : c).
// Taking r_abs from the sign of b (not of r) forces r to be 0 or to have b's sign, so q and r
// are unique: the truncating division of the RISC-V spec.
// Special cases, each a flag whose wrong value leaves no valid row:
//  - c_zero: implies c = 0 and q = 2^32 - 1; then the product gives r = b; no bound is sent.
//    With c = 0 and c_zero = 0 the bound r_abs < 0 cannot be looked up.
//  - overflow: implies signed, b = INT_MIN, c = -1; b is then extended with zeros, so the product
//    reads -q + r = 2^31, i.e. q = INT_MIN, r = 0. Without the flag that case has no solution.

#include <cstddef>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/alu_common.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

template <class T>
struct DivRemCols {
  T multiplicity;
  T is_signed;  // DIV, REM
  T is_rem;     // REM, REMU
  T b[4];
  T c[4];
  T q[4];
  T r[4];
  T sign_b;  // each 0 unless signed; then the operand's top bit
  T sign_c;
  T sign_q;
  T sign_r;
  T c_zero;
  T overflow;
  T carry_low[4];  // carry_K = carry_low[K] + 32 carry_high[K]
  T carry_high[4];
  T r_abs[4];
  T c_abs[4];
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<DivRemCols>);

struct DivRemAir {
  std::string_view name() const { return "alu divrem"; }
  size_t main_width() const { return air::kWidth<DivRemCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using Expr = typename B::Expr;
    using F = typename B::F;
    using alu::Const;
    using alu::Half;
    auto [row, next] = b.template rows<DivRemCols>();
    (void)next;
    const Expr one = F::one();
    b.assert_bool(row.is_signed, "divrem: is_signed boolean");
    b.assert_bool(row.is_rem, "divrem: is_rem boolean");
    b.assert_bool(row.sign_b, "divrem: sign_b boolean");
    b.assert_bool(row.sign_c, "divrem: sign_c boolean");
    b.assert_bool(row.sign_q, "divrem: sign_q boolean");
    b.assert_bool(row.sign_r, "divrem: sign_r boolean");
    b.assert_bool(row.c_zero, "divrem: c_zero boolean");
    b.assert_bool(row.overflow, "divrem: overflow boolean");
    const Expr is_unsigned = one - row.is_signed;
    b.assert_zero(is_unsigned * (Expr(row.sign_b) + row.sign_c + row.sign_q + row.sign_r),
                  "divrem: unsigned has no signs");
    b.assert_zero(is_unsigned * row.overflow, "divrem: overflow only signed");
    for (int i = 0; i < 4; ++i) {
      b.assert_zero(row.c_zero * row.c[i], "divrem: c_zero means c = 0");
      b.assert_zero(row.c_zero * (row.q[i] - Const<B>(255)), "divrem: division by zero quotient");
      b.assert_zero(row.overflow * (row.c[i] - Const<B>(255)), "divrem: overflow means c = -1");
      b.assert_zero(row.overflow * (row.b[i] - Const<B>(i == 3 ? 128 : 0)),
                    "divrem: overflow means b = INT_MIN");
    }

    // ext(c) * ext(q) + ext(r) = ext'(b), limb by limb.
    Expr ce[8], qe[8], re[8], be[8], carry[4];
    const Expr b_fill = Expr(row.sign_b) - row.overflow;
    for (int i = 0; i < 4; ++i) {
      ce[i] = row.c[i];
      qe[i] = row.q[i];
      re[i] = row.r[i];
      be[i] = row.b[i];
      ce[i + 4] = row.sign_c * F::from_canonical(255);
      qe[i + 4] = row.sign_q * F::from_canonical(255);
      re[i + 4] = row.sign_r * F::from_canonical(255);
      be[i + 4] = b_fill * F::from_canonical(255);
      carry[i] = row.carry_low[i] + row.carry_high[i] * F::from_canonical(32);
    }
    static constexpr std::string_view kLimbNames[4] = {
        "divrem: product limb 0", "divrem: product limb 1", "divrem: product limb 2",
        "divrem: product limb 3"};
    for (int k = 0; k < 4; ++k) {
      Expr lhs = re[2 * k] + re[2 * k + 1] * F::from_canonical(256);
      if (k > 0) lhs = lhs + carry[k - 1];
      for (int i = 0; i <= 2 * k; ++i) lhs = lhs + ce[i] * qe[2 * k - i];
      for (int i = 0; i <= 2 * k + 1; ++i) {
        lhs = lhs + ce[i] * qe[2 * k + 1 - i] * F::from_canonical(256);
      }
      b.assert_eq(
          lhs,
          be[2 * k] + be[2 * k + 1] * F::from_canonical(256) + carry[k] * F::from_canonical(65536),
          kLimbNames[k]);
    }

    // r_abs = sign_b ? -r : r and c_abs = sign_c ? -c : c (mod 2^32), per 16-bit half: the sum
    // of a half and its negation is 0 or 2^16 (with the low half's carry into the high half).
    auto negation = [&](const auto& x, const auto& x_abs, const Expr& sign,
                        std::string_view lo_name, std::string_view hi_name) {
      const Expr sum_lo = Half<B>(x, 0) + Half<B>(x_abs, 0);
      const Expr sum_hi =
          Half<B>(x, 1) + Half<B>(x_abs, 1) + sum_lo * F::from_canonical(65536).inverse();
      const Expr two16 = Const<B>(65536);
      b.assert_zero(
          sign * sum_lo * (sum_lo - two16) + (one - sign) * (Half<B>(x_abs, 0) - Half<B>(x, 0)),
          lo_name);
      b.assert_zero(
          sign * sum_hi * (sum_hi - two16) + (one - sign) * (Half<B>(x_abs, 1) - Half<B>(x, 1)),
          hi_name);
    };
    negation(row.r, row.r_abs, row.sign_b, "divrem: r_abs low", "divrem: r_abs high");
    negation(row.c, row.c_abs, row.sign_c, "divrem: c_abs low", "divrem: c_abs high");

    Expr a[4];
    for (int i = 0; i < 4; ++i) a[i] = row.q[i] + row.is_rem * (row.r[i] - row.q[i]);
    const Expr opcode = alu::OpConst<B>(Opcode::kDivu) +
                        row.is_signed * alu::OpDelta<B>(Opcode::kDiv, Opcode::kDivu) +
                        row.is_rem * alu::OpDelta<B>(Opcode::kRemu, Opcode::kDivu);
    ReceiveAlu(b, opcode, a, row.b, row.c, row.multiplicity, "divrem");
    // The bound is sent on every row with a non-zero divisor, whatever the row's multiplicity:
    // the multiplicity column is free (any field element), so the argument rests on every row
    // being a true statement, which tying this send to the multiplicity would give up.
    const Expr bound_true[4] = {one, Const<B>(0), Const<B>(0), Const<B>(0)};
    SendAlu(b, alu::OpConst<B>(Opcode::kSltu), bound_true, row.r_abs, row.c_abs, one - row.c_zero,
            "divrem: remainder bound");

    for (int i = 0; i < 4; i += 2) {
      SendByteRange(b, row.b[i], row.b[i + 1], one, "divrem: b bytes");
      SendByteRange(b, row.c[i], row.c[i + 1], one, "divrem: c bytes");
      SendByteRange(b, row.q[i], row.q[i + 1], one, "divrem: q bytes");
      SendByteRange(b, row.r[i], row.r[i + 1], one, "divrem: r bytes");
    }
    // Structured bindings cannot be captured implicitly by clang 14, hence the explicit capture.
    auto sign_term = [&, &row = row](const auto& x, const Expr& sign) {
      return row.is_signed * (x[3] * F::two() - sign * Const<B>(256));
    };
    SendByteRange(b, sign_term(row.b, row.sign_b), sign_term(row.c, row.sign_c), one,
                  "divrem: b c sign bits");
    SendByteRange(b, sign_term(row.q, row.sign_q), sign_term(row.r, row.sign_r), one,
                  "divrem: q r sign bits");
    for (int k = 0; k < 4; ++k) {
      SendByteRange(b, row.carry_low[k], row.carry_high[k], one, "divrem: carry");
    }
    air::BlindLogUpSum(b, row.blinding);
  }
};

}  // namespace prova::rv32im
