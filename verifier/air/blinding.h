#pragma once

// Blinding of the per-table LogUp sums (docs/stark.md, section 4). A proof states every table's
// cumulative sum S_t (logup.h), and S_t is a fingerprint of the multiset of tuples the table
// sends and receives under public challenges: for a table whose multiplicities count executions
// it is a linear form in those counts. To hide it, a table carries four free main columns
// (BlindingCols) that add an offset to its sum: every row adds
//   sum_i beta^(i+1) v_i
// of its cells v to the running sum's step (air::LogUpOffset), so the stated sum is S_t + Z_t with
// Z_t the sum of the offsets of its rows. The prover leaves the cells zero but on one row, where it
// puts fresh uniformly random values, except in the last blinded table, whose cells are minus
// the sum of the others' (coordinate by coordinate), so that the offsets cancel for every beta and
// the sums of all tables still add up to zero. A table may instead take its offset from columns it
// has anyway (BlindingColumns), if they are free on some row it always has (most RV32IM tables
// whose rows have an is_real flag: columns that only is_real-weighted interactions and
// constraints read, on their last row, kept padding); the cancelling cells then cancel the other
// rows' values too.
//
// Hiding: Z_t is uniform over the extension field when beta, .., beta^4 are a basis of it over
// BabyBear, that is unless beta lies in a proper subfield (probability at most p^-2 over beta).
// So the stated sums are uniform and independent but for adding up to what the buses need,
// whatever the tables hold, within p^-2. The cells themselves are hidden like every trace value.
// Zero cells add nothing, so a table with columns of its own for them is unchanged without zero
// knowledge (but the cancelling table, where another table's cells are not zero).
//
// Soundness is untouched: the offsets are main-trace cells, committed before alpha and beta are
// drawn, so their total C = sum_i beta^(i+1) V_i (V_i the total of coordinate i) is fixed before
// the challenges and does not depend on alpha. The verifier accepts only if R(alpha) + C = 0,
// where R = sum over all tables of +-m / (alpha - fp). For a beta without fingerprint collisions
// (the term without offsets), if some tuple does not balance, R has a pole, so R + C times all
// the denominators is a non-zero polynomial in alpha (leading coefficient C if C != 0, otherwise
// R's numerator), zero with probability at most (total rows x interactions) / |EF|, the bound
// without offsets; if every tuple balances, R = 0 and the check asks only that the offsets
// cancel.

#include <array>
#include <cstddef>
#include <cstdint>

#include "verifier/air/air.h"

namespace prova::air {

template <class T>
struct BlindingCols {
  T offset[4];
};
inline constexpr size_t kBlindingWidth = kWidth<BlindingCols>;

// Whether a row struct ends with its blinding columns (for a table with columns of its own for
// them; the prover fills the cells on the table's last row).
template <template <class> class Cols>
inline constexpr bool kBlindingIsLast = offsetof(Cols<ColumnSlot>, blinding) + kBlindingWidth
                                        == kWidth<Cols>;

// Called once per row by a blinded table's eval().
template <class B, class T>
void BlindLogUpSum(B& b, const BlindingCols<T>& c) {
  b.offset_logup_sum({c.offset[0], c.offset[1], c.offset[2], c.offset[3]});
}

// The main columns whose cells offset a table's LogUp sum: its BlindingCols, or kBlindingWidth
// columns it has anyway that are free on a row it always has. One constant per table says which,
// for its eval() (the overload below) and for the prover, which fills them.
using BlindingColumns = std::array<size_t, kBlindingWidth>;

inline constexpr BlindingColumns ConsecutiveBlindingColumns(size_t first) {
  return {first, first + 1, first + 2, first + 3};
}

// The trailing BlindingCols of a row of `main_width` columns (kBlindingIsLast).
inline constexpr BlindingColumns TrailingBlindingColumns(size_t main_width) {
  return ConsecutiveBlindingColumns(main_width - kBlindingWidth);
}

// Called once per row by a table whose offset cells are `columns` of its main row.
template <class B>
void BlindLogUpSum(B& b, const BlindingColumns& columns) {
  const auto row = b.main_local();
  b.offset_logup_sum({row[columns[0]], row[columns[1]], row[columns[2]], row[columns[3]]});
}

}  // namespace prova::air
