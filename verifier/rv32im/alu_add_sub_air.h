#pragma once

// ADD and SUB (docs/rv32im-alu.md). A row holds a sum x = y + z mod 2^32 of byte-limb words:
//   ADD a = b + c:  a = x, b = y, c = z
//   SUB a = b - c:  a = y, b = x, c = z   (b = a + c)
// so one carry chain serves both. The carries out of each 16-bit half are expressions of the
// limbs, k = (y + z + k_in - x) / 2^16, proven boolean; every limb is a byte (BYTE bus), so each
// half-sum identity holds over the integers (its terms are below 2^18 << p).

#include <cstddef>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/alu_common.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

template <class T>
struct AddSubCols {
  T multiplicity;  // ALU-bus lookups served by this row (0 on padding rows)
  T is_sub;
  T x[4];  // the sum
  T y[4];
  T z[4];
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<AddSubCols>);

struct AddSubAir {
  std::string_view name() const { return "alu add/sub"; }
  size_t main_width() const { return air::kWidth<AddSubCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using Expr = typename B::Expr;
    using alu::Const;
    using alu::Half;
    auto [row, next] = b.template rows<AddSubCols>();
    (void)next;
    b.assert_bool(row.is_sub, "add/sub: is_sub boolean");

    const Expr two16 = Const<B>(65536);
    const Expr carry_lo = Half<B>(row.y, 0) + Half<B>(row.z, 0) - Half<B>(row.x, 0);  // 2^16 k0
    b.assert_zero(carry_lo * (carry_lo - two16), "add/sub: carry 0 boolean");
    const Expr carry_hi = Half<B>(row.y, 1) + Half<B>(row.z, 1) - Half<B>(row.x, 1) +
                          carry_lo * B::F::from_canonical(65536).inverse();  // 2^16 k1
    b.assert_zero(carry_hi * (carry_hi - two16), "add/sub: carry 1 boolean");

    Expr a[4], bw[4];
    for (int i = 0; i < 4; ++i) {
      a[i] = row.x[i] + row.is_sub * (row.y[i] - row.x[i]);
      bw[i] = row.y[i] + row.is_sub * (row.x[i] - row.y[i]);
    }
    const Expr opcode =
        alu::OpConst<B>(Opcode::kAdd) + row.is_sub * alu::OpDelta<B>(Opcode::kSub, Opcode::kAdd);
    ReceiveAlu(b, opcode, a, bw, row.z, row.multiplicity, "add/sub");
    for (int i = 0; i < 4; i += 2) {
      SendByteRange(b, row.x[i], row.x[i + 1], B::F::one(), "add/sub: x bytes");
      SendByteRange(b, row.y[i], row.y[i + 1], B::F::one(), "add/sub: y bytes");
      SendByteRange(b, row.z[i], row.z[i + 1], B::F::one(), "add/sub: z bytes");
    }
    air::BlindLogUpSum(b, row.blinding);
  }
};

}  // namespace prova::rv32im
