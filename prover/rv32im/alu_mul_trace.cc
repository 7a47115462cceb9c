// Witness of the MUL table (verifier/rv32im/alu_mul_air.h).

#include "common/error.h"
#include "prover/rv32im/alu_trace.h"
#include "prover/rv32im/alu_trace_util.h"
#include "verifier/rv32im/alu_mul_air.h"

namespace prova::rv32im {
namespace {

using namespace alu_trace;

// 8 little-endian bytes of w, sign-extended when `sign`.
void Extend(uint32_t w, bool sign, uint32_t (&out)[8]) {
  for (int i = 0; i < 4; ++i) {
    out[i] = Byte(w, i);
    out[i + 4] = sign ? 255 : 0;
  }
}

void FillMul(MulCols<BabyBear>& row, Opcode op, uint32_t b, uint32_t c, ByteCounter* bytes,
             uint64_t times) {
  const bool b_signed = op == Opcode::kMulh || op == Opcode::kMulhsu;
  const bool c_signed = op == Opcode::kMulh;
  const bool sign_b = b_signed && (b >> 31) != 0;
  const bool sign_c = c_signed && (c >> 31) != 0;
  row.is_mulh = Fe(op == Opcode::kMulh);
  row.is_mulhsu = Fe(op == Opcode::kMulhsu);
  row.is_mulhu = Fe(op == Opcode::kMulhu);
  row.sign_b = Fe(sign_b);
  row.sign_c = Fe(sign_c);
  SetWord(row.b, b);
  SetWord(row.c, c);
  uint32_t be[8], ce[8];
  Extend(b, sign_b, be);
  Extend(c, sign_c, ce);
  uint64_t carry = 0;
  uint32_t limbs[4];
  for (int k = 0; k < 4; ++k) {
    uint64_t sum = carry;
    for (int i = 0; i <= 2 * k; ++i) sum += uint64_t{be[i]} * ce[2 * k - i];
    for (int i = 0; i <= 2 * k + 1; ++i) sum += 256 * uint64_t{be[i]} * ce[2 * k + 1 - i];
    limbs[k] = static_cast<uint32_t>(sum & 0xffff);
    carry = sum >> 16;
    PROVA_CHECK(carry < 32 * 256, "mul: carry out of range");
    row.carry_low[k] = Fe(carry & 31);
    row.carry_high[k] = Fe(carry >> 5);
    bytes->Range(static_cast<uint32_t>(carry & 31), static_cast<uint32_t>(carry >> 5), times);
  }
  const uint32_t lo = limbs[0] | limbs[1] << 16, hi = limbs[2] | limbs[3] << 16;
  PROVA_CHECK((op == Opcode::kMul ? lo : hi) == AluReference(op, b, c), "mul: wrong product");
  SetWord(row.lo, lo);
  SetWord(row.hi, hi);
  for (uint32_t w : {b, c, lo, hi}) {
    bytes->Range(Byte(w, 0), Byte(w, 1), times);
    bytes->Range(Byte(w, 2), Byte(w, 3), times);
  }
  bytes->Range(b_signed ? 2 * Byte(b, 3) - 256 * sign_b : 0,
               c_signed ? 2 * Byte(c, 3) - 256 * sign_c : 0, times);
}

}  // namespace

air::RowMajorMatrix<BabyBear> GenerateMulTrace(std::span<const AluRow> rows, ByteCounter* bytes) {
  return BuildTable<MulCols>(rows, AluTable::kMul, Opcode::kMul, FillMul, bytes);
}

}  // namespace prova::rv32im
