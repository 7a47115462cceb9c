// Witness of the DIV/REM table (verifier/rv32im/alu_divrem_air.h).

#include "common/error.h"
#include "prover/rv32im/alu_trace.h"
#include "prover/rv32im/alu_trace_util.h"
#include "verifier/rv32im/alu_divrem_air.h"

namespace prova::rv32im {
namespace {

using namespace alu_trace;

struct Division {
  bool is_signed, c_zero, overflow;
  uint32_t q, r, r_abs, c_abs;
  bool sign_b, sign_c, sign_q, sign_r;
};

Division Divide(Opcode op, uint32_t b, uint32_t c) {
  Division d;
  d.is_signed = op == Opcode::kDiv || op == Opcode::kRem;
  d.q = AluReference(d.is_signed ? Opcode::kDiv : Opcode::kDivu, b, c);
  d.r = AluReference(d.is_signed ? Opcode::kRem : Opcode::kRemu, b, c);
  d.c_zero = c == 0;
  d.overflow = d.is_signed && b == 0x80000000u && c == 0xffffffffu;
  d.sign_b = d.is_signed && (b >> 31) != 0;
  d.sign_c = d.is_signed && (c >> 31) != 0;
  d.sign_q = d.is_signed && (d.q >> 31) != 0;
  d.sign_r = d.is_signed && (d.r >> 31) != 0;
  d.r_abs = d.sign_b ? 0u - d.r : d.r;
  d.c_abs = d.sign_c ? 0u - c : c;
  return d;
}

void FillDivRem(DivRemCols<BabyBear>& row, Opcode op, uint32_t b, uint32_t c, ByteCounter* bytes,
                uint64_t times) {
  const Division d = Divide(op, b, c);
  row.is_signed = Fe(d.is_signed);
  row.is_rem = Fe(op == Opcode::kRem || op == Opcode::kRemu);
  SetWord(row.b, b);
  SetWord(row.c, c);
  SetWord(row.q, d.q);
  SetWord(row.r, d.r);
  row.sign_b = Fe(d.sign_b);
  row.sign_c = Fe(d.sign_c);
  row.sign_q = Fe(d.sign_q);
  row.sign_r = Fe(d.sign_r);
  row.c_zero = Fe(d.c_zero);
  row.overflow = Fe(d.overflow);
  SetWord(row.r_abs, d.r_abs);
  SetWord(row.c_abs, d.c_abs);

  auto extend = [](uint32_t w, uint32_t fill, uint32_t(&out)[8]) {
    for (int i = 0; i < 4; ++i) {
      out[i] = Byte(w, i);
      out[i + 4] = fill;
    }
  };
  uint32_t ce[8], qe[8], re[8], be[8];
  extend(c, d.sign_c ? 255 : 0, ce);
  extend(d.q, d.sign_q ? 255 : 0, qe);
  extend(d.r, d.sign_r ? 255 : 0, re);
  extend(b, d.sign_b && !d.overflow ? 255 : 0, be);
  uint64_t carry = 0;
  for (int k = 0; k < 4; ++k) {
    uint64_t sum = carry + re[2 * k] + 256 * uint64_t{re[2 * k + 1]};
    for (int i = 0; i <= 2 * k; ++i) sum += uint64_t{ce[i]} * qe[2 * k - i];
    for (int i = 0; i <= 2 * k + 1; ++i) sum += 256 * uint64_t{ce[i]} * qe[2 * k + 1 - i];
    const uint64_t target = be[2 * k] + 256 * uint64_t{be[2 * k + 1]};
    PROVA_CHECK(sum >= target && (sum - target) % 65536 == 0, "divrem: product does not match");
    carry = (sum - target) >> 16;
    PROVA_CHECK(carry < 32 * 256, "divrem: carry out of range");
    row.carry_low[k] = Fe(carry & 31);
    row.carry_high[k] = Fe(carry >> 5);
    bytes->Range(static_cast<uint32_t>(carry & 31), static_cast<uint32_t>(carry >> 5), times);
  }
  for (uint32_t w : {b, c, d.q, d.r}) {
    bytes->Range(Byte(w, 0), Byte(w, 1), times);
    bytes->Range(Byte(w, 2), Byte(w, 3), times);
  }
  auto sign_term = [&](uint32_t w, bool sign) {
    return d.is_signed ? 2 * Byte(w, 3) - 256 * static_cast<uint32_t>(sign) : 0;
  };
  bytes->Range(sign_term(b, d.sign_b), sign_term(c, d.sign_c), times);
  bytes->Range(sign_term(d.q, d.sign_q), sign_term(d.r, d.sign_r), times);
}

}  // namespace

air::RowMajorMatrix<BabyBear> GenerateDivRemTrace(std::span<const AluRow> rows,
                                                  ByteCounter* bytes) {
  return BuildTable<DivRemCols>(rows, AluTable::kDivRem, Opcode::kDivu, FillDivRem, bytes);
}

std::vector<AluEvent> DivRemBoundEvents(std::span<const AluRow> rows) {
  std::vector<AluEvent> events;
  for (const AluRow& row : rows) {
    if (row.c == 0) continue;
    const Division d = Divide(row.op, row.b, row.c);
    PROVA_CHECK(d.r_abs < d.c_abs, "divrem: remainder bound does not hold");
    events.push_back({Opcode::kSltu, d.r_abs, d.c_abs});
  }
  return events;
}

}  // namespace prova::rv32im
