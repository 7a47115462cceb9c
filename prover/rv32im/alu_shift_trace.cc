// Witness of the shift table (verifier/rv32im/alu_shift_air.h).

#include "common/error.h"
#include "prover/rv32im/alu_trace.h"
#include "prover/rv32im/alu_trace_util.h"
#include "verifier/rv32im/alu_shift_air.h"

namespace prova::rv32im {
namespace {

using namespace alu_trace;

void FillShift(ShiftCols<BabyBear>& row, Opcode op, uint32_t b, uint32_t c, ByteCounter* bytes,
               uint64_t times) {
  const bool right = op == Opcode::kSrl || op == Opcode::kSra;
  const bool sign = op == Opcode::kSra && (b >> 31) != 0;
  const uint32_t shift = c & 31, k = shift & 7, m = shift >> 3, q = (c & 0xff) >> 5;
  const uint32_t pow = right ? 256u >> k : 1u << k;
  row.is_srl = Fe(op == Opcode::kSrl);
  row.is_sra = Fe(op == Opcode::kSra);
  SetWord(row.a, AluReference(op, b, c));
  SetWord(row.b, b);
  SetWord(row.c, c);
  for (uint32_t i = 0; i < 3; ++i) row.bits[i] = Fe((k >> i) & 1);
  for (uint32_t i = 0; i < 4; ++i) row.byte_shift[i] = Fe(i == m);
  row.c0_high = Fe(q);
  row.sign = Fe(sign);
  row.pow = Fe(pow);
  for (int j = 0; j < 4; ++j) {
    const uint32_t product = Byte(b, j) * pow;
    row.lo[j] = Fe(product & 0xff);
    row.hi[j] = Fe(product >> 8);
  }
  bytes->Range(Byte(b, 0), Byte(b, 1), times);
  bytes->Range(Byte(b, 2), Byte(b, 3), times);
  bytes->Range(Byte(c, 0), Byte(c, 1), times);
  bytes->Range(Byte(c, 2), Byte(c, 3), times);
  bytes->Range(q, op == Opcode::kSra ? 2 * Byte(b, 3) - 256 * static_cast<uint32_t>(sign) : 0,
               times);
  for (int j = 0; j < 4; ++j) {
    const uint32_t product = Byte(b, j) * pow;
    bytes->Range(product & 0xff, product >> 8, times);
  }
}

}  // namespace

air::RowMajorMatrix<BabyBear> GenerateShiftTrace(std::span<const AluRow> rows, ByteCounter* bytes) {
  return BuildTable<ShiftCols>(rows, AluTable::kShift, Opcode::kSll, FillShift, bytes);
}

}  // namespace prova::rv32im
