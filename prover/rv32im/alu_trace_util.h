#pragma once

// Internal helpers of the ALU witness generators (alu_*.cc).

#include <algorithm>
#include <bit>
#include <span>
#include <string>

#include "common/error.h"
#include "prover/rv32im/alu_trace.h"
#include "prover/stark/zeroed_matrix.h"
#include "verifier/air/air.h"

namespace prova::rv32im::alu_trace {

using Matrix = air::RowMajorMatrix<BabyBear>;

inline BabyBear Fe(uint64_t x) { return BabyBear::from_u64(x); }

inline uint32_t Byte(uint32_t w, int i) { return (w >> (8 * i)) & 0xff; }

inline void SetWord(BabyBear (&limbs)[4], uint32_t w) {
  for (int i = 0; i < 4; ++i) limbs[i] = Fe(Byte(w, i));
}

template <template <class> class Cols>
Cols<BabyBear>& RowAt(Matrix& m, size_t r) {
  return *reinterpret_cast<Cols<BabyBear>*>(m.row(r).data());
}

// Builds a table of the next power-of-two height: fill(row, op, b, c, bytes, times) writes one
// row (all but the multiplicity) and records its BYTE-bus lookups `times` times. Padding rows
// repeat `padding_op`(0, 0) with multiplicity 0; their lookups are recorded once, times the count.
template <template <class> class Cols, class Fill>
inline Matrix BuildTable(std::span<const AluRow> rows, AluTable table, Opcode padding_op, Fill fill,
                         ByteCounter* bytes) {
  const size_t height = PaddedTableHeight(rows.size());
  Matrix m = stark::ZeroedMatrix<BabyBear>(height, air::kWidth<Cols>);
  for (size_t r = 0; r < rows.size(); ++r) {
    const AluRow& row = rows[r];
    if (!IsAluOpcode(row.op) || TableOf(row.op) != table) {
      throw Error("ALU trace: opcode " + std::string(OpcodeName(row.op)) +
                  " does not belong to this table");
    }
    if (row.multiplicity >= BabyBear::kPrime) throw Error("ALU trace: multiplicity too large");
    Cols<BabyBear>& cols = RowAt<Cols>(m, r);
    fill(cols, row.op, row.b, row.c, bytes, 1);
    cols.multiplicity = Fe(row.multiplicity);
  }
  if (rows.size() < height) {
    const size_t padding = height - rows.size();
    fill(RowAt<Cols>(m, rows.size()), padding_op, 0, 0, bytes, padding);
    RowAt<Cols>(m, rows.size()).multiplicity = BabyBear::zero();
    for (size_t r = rows.size() + 1; r < height; ++r) {
      std::copy(m.row(rows.size()).begin(), m.row(rows.size()).end(), m.row(r).begin());
    }
  }
  return m;
}

}  // namespace prova::rv32im::alu_trace
