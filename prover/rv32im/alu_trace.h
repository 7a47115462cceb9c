#pragma once

// Witness generation of the ALU tables (verifier/rv32im/alu_*_air.h, bitwise_air.h): from the
// CPU's ALU events to each table's main trace, recording the tables' BYTE-bus lookups in a
// ByteCounter (whose Trace() is the byte table's main trace).
//
//   ByteCounter bytes;
//   AluTraces alu = GenerateAluTraces(events, &bytes);
//   ... alu.add_sub is the main trace of AddSubAir, bytes.Trace() that of ByteAir.
//
// Identical events share a row (its multiplicity counts them). Heights are the next power of two
// of the rows used, at least kMinTableHeight (PaddedTableHeight); padding rows hold a valid
// operation with multiplicity 0.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "prover/rv32im/alu_events.h"
#include "prover/rv32im/byte_trace.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"
#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

// Every table of the circuit has at least this many rows. Zero knowledge needs randomisers of
// stark::RevealedValues (100) coefficients or more (docs/stark.md, section 4): a table this short
// takes randomisers as long as itself (its degree and LDE double), which a test checks against
// DefaultConfig(). 256 rather than 2048, where every table took short randomisers, makes the
// small tables of a typical guest eight times shorter (docs/stark.md, section 9, has what that
// saves); the price is that a table's height reveals its row count rounded up to a power of two
// from 256 rows on instead of from 2048 (docs/security.md).
inline constexpr size_t kMinTableHeight = 256;

// The height of a table of `rows` rows: the next power of two, at least kMinTableHeight.
inline size_t PaddedTableHeight(size_t rows) {
  return std::bit_ceil(std::max(rows, kMinTableHeight));
}

// One distinct operation and how many lookups of it the table serves.
struct AluRow {
  Opcode op = Opcode::kAdd;
  uint32_t b = 0;
  uint32_t c = 0;
  uint64_t multiplicity = 1;
};

enum class AluTable { kAddSub, kBitwise, kLessThan, kShift, kMul, kDivRem };
inline constexpr size_t kNumAluTables = 6;

// The table that proves an ALU opcode. Throws prova::Error for a non-ALU opcode.
AluTable TableOf(Opcode op);

// Per-table generators: every row's opcode must belong to the table (prova::Error otherwise).
air::RowMajorMatrix<BabyBear> GenerateAddSubTrace(std::span<const AluRow> rows, ByteCounter* bytes);
air::RowMajorMatrix<BabyBear> GenerateBitwiseTrace(std::span<const AluRow> rows,
                                                   ByteCounter* bytes);
air::RowMajorMatrix<BabyBear> GenerateLessThanTrace(std::span<const AluRow> rows,
                                                    ByteCounter* bytes);
air::RowMajorMatrix<BabyBear> GenerateShiftTrace(std::span<const AluRow> rows, ByteCounter* bytes);
air::RowMajorMatrix<BabyBear> GenerateMulTrace(std::span<const AluRow> rows, ByteCounter* bytes);
// DIV/DIVU/REM/REMU rows also need one SLTU lookup (remainder bound) each when the divisor is
// not zero: DivRemBoundEvents lists them, to be added to the less-than table's rows.
air::RowMajorMatrix<BabyBear> GenerateDivRemTrace(std::span<const AluRow> rows, ByteCounter* bytes);
std::vector<AluEvent> DivRemBoundEvents(std::span<const AluRow> rows);

struct AluTraces {
  air::RowMajorMatrix<BabyBear> add_sub, bitwise, less_than, shift, mul, divrem;
  // Rows per table before padding (distinct operations), in AluTable order.
  size_t used_rows[kNumAluTables] = {};
};

// All ALU tables from the CPU's events (any order, repeats allowed).
AluTraces GenerateAluTraces(std::span<const AluEvent> events, ByteCounter* bytes);

// The same in two steps, for a caller that has every event but a few SLTU ones (the ecall
// table's) well before the rest: StartAluTraces builds every table but less-than and keeps its
// rows, FinishAluTraces adds the later less-than events and builds it. GenerateAluTraces(e, b)
// is FinishAluTraces(StartAluTraces(e, b), {}, b); splitting the events between the two calls
// changes the order of the less-than rows, not the rows.
struct StartedAluTraces {
  AluTraces traces;  // less_than and its used_rows not built yet
  std::vector<AluRow> less_than_rows;
};
StartedAluTraces StartAluTraces(std::span<const AluEvent> events, ByteCounter* bytes);
// Throws prova::Error if a later event is not one of the less-than table's.
AluTraces FinishAluTraces(StartedAluTraces started, std::span<const AluEvent> less_than_events,
                          ByteCounter* bytes);

// Groups equal events into rows, in order of first occurrence.
std::vector<AluRow> CountAluRows(std::span<const AluEvent> events);
// The union of two row lists (equal operations add their multiplicities).
std::vector<AluRow> MergeAluRows(std::span<const AluRow> x, std::span<const AluRow> y);

}  // namespace prova::rv32im
