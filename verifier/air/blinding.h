#pragma once

// Blinding of the per-table LogUp sums (docs/stark.md, section 4). A proof states every table's
// cumulative sum S_t (logup.h), and S_t is a fingerprint of the multiset of tuples the table
// sends and receives under public challenges: for a table whose multiplicities count executions
// it is a linear form in those counts. To hide it, a table carries five free main columns
// (BlindingCols) and one more interaction on the BLINDING bus, sending (v_0, .., v_3) with
// multiplicity m. The prover leaves them zero except on one row, where it puts m = 1 and four
// fresh uniformly random values, so the stated sum becomes S_t + 1 / (alpha - fp(BLINDING, v)).
// One more table (BlindingAir) receives every such tuple, so the BLINDING bus balances and the
// sums of all tables still add up to zero.
//
// Hiding: alpha - fp(BLINDING, v) = alpha - BLINDING - sum_i beta^(i+1) v_i is uniform over the
// extension field when beta, .., beta^4 are a basis of it over BabyBear, that is unless beta lies
// in a proper subfield (probability at most p^-2 over beta); the blinding term, its inverse, is
// then uniform over the non-zero elements (a zero denominator, probability p^-4, makes the prover
// abort). So each stated sum is within p^-2 + p^-4 of uniform, whatever S_t is. The cells
// themselves are hidden like every trace value. A free multiplicity (rather than a row selector)
// keeps all-zero blinding columns inert, so a table proved without zero knowledge needs no
// receiver rows.
//
// Soundness is untouched: the BLINDING bus has its own bus constant, so its fingerprints are
// distinct polynomials from every other bus's and no BLINDING tuple can cancel another bus's
// fraction, whatever the prover puts in these columns; and they are main-trace cells, committed
// before the challenges are drawn.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"

namespace prova::air {

// Distinct from every bus of the circuits (small integers).
inline constexpr uint32_t kBlindingBus = uint32_t{1} << 30;

template <class T>
struct BlindingCols {
  T multiplicity;
  T value[4];
};
inline constexpr size_t kBlindingWidth = kWidth<BlindingCols>;

// Whether a row struct ends with its blinding columns (the prover fills the last kBlindingWidth
// columns of a blinded table's main trace).
template <template <class> class Cols>
inline constexpr bool kBlindingIsLast = offsetof(Cols<ColumnSlot>, blinding) + kBlindingWidth
                                        == kWidth<Cols>;

// The blinded table's side: called once per row, at the end of its eval().
template <class B, class T>
void SendBlinding(B& b, const BlindingCols<T>& c) {
  b.send(kBlindingBus, {c.value[0], c.value[1], c.value[2], c.value[3]}, c.multiplicity,
         "blinding");
}

// The receiving table: one row per blinded table, zero on padding rows. Its
// own sum is minus the sum of all blinding terms, which the other stated sums already determine
// (they add up to zero), so it needs no blinding itself.
struct BlindingAir {
  std::string_view name() const { return "blinding"; }
  size_t main_width() const { return kBlindingWidth; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <AirBuilder B>
  void eval(B& b) const {
    auto [local, next] = b.template rows<BlindingCols>();
    (void)next;
    b.receive(kBlindingBus, {local.value[0], local.value[1], local.value[2], local.value[3]},
              local.multiplicity, "blinding");
  }
};

}  // namespace prova::air
