#pragma once

// Number-theoretic transforms over BabyBear, batched over the columns of a row-major matrix (row i
// = one evaluation point, one value per column: the STARK trace layout). Every butterfly combines
// two whole rows, so the inner loop runs over contiguous columns with PackedBabyBear; a matrix
// with a single column is vectorised along the rows instead. Parallel with TBB.
//
// Conventions. Let n = height (a power of two, n <= 2^27) and w = BabyBear::two_adic_generator(
// log2 n). For one column with coefficients c_0..c_{n-1} of p(X) = sum c_j X^j:
//   forward:  natural coefficients      -> natural evaluations  out[i] = p(w^i)
//   inverse:  natural evaluations       -> natural coefficients (includes the 1/n)
// The bit-reversed variants skip the permutation when the caller can use the other order:
//   forward_to_bit_reversed:   out[bitrev(i)] = p(w^i)
//   inverse_to_bit_reversed:   out[bitrev(j)] = c_j
//
// Twiddle factors are computed once per size and cached for the life of the process.

#include <cstddef>
#include <cstdint>

#include "verifier/field/babybear.h"
#include "verifier/field/matrix.h"

namespace prova::ntt {

// The largest transform supported: BabyBear's two-adicity.
inline constexpr uint32_t kMaxLogSize = BabyBear::kTwoAdicity;

// log2 of n; aborts unless n is a power of two in [1, 2^27].
uint32_t log2_size(size_t n);

// Reverses the low `log_n` bits of i (i < 2^log_n).
constexpr size_t bit_reverse(size_t i, uint32_t log_n) {
  if (log_n == 0) return 0;
  uint64_t x = i;
  x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
  x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
  x = ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
  x = __builtin_bswap64(x);
  return static_cast<size_t>(x >> (64 - log_n));
}

// Permutes the rows: row i <-> row bitrev(i). An involution.
void bit_reverse_rows(RowMajorView<BabyBear> m);

// In place, every column independently. The height must be a power of two (<= 2^27).
void forward(RowMajorView<BabyBear> m);
void inverse(RowMajorView<BabyBear> m);
void forward_to_bit_reversed(RowMajorView<BabyBear> m);
void inverse_to_bit_reversed(RowMajorView<BabyBear> m);
// The inverse of forward_to_bit_reversed: values in bit-reversed order to coefficients in natural
// order, with no bit-reversal pass.
void inverse_from_bit_reversed(RowMajorView<BabyBear> m);

enum class RowOrder { kNatural, kBitReversed };

// Coset low-degree extension. `evaluations` holds, per column, the values of a polynomial p of
// degree < n on the subgroup H = <w_n> in natural order (row i = p(w_n^i)), n = height. Returns the
// (n << log_blowup) x width matrix of p on the coset shift * H', H' = <w_N>, N = n << log_blowup:
//   kNatural:     row i            = p(shift * w_N^i)
//   kBitReversed: row bitrev_N(i)  = p(shift * w_N^i)
// shift is usually BabyBear::multiplicative_generator() so that the coset avoids H'.
RowMajorMatrix<BabyBear> coset_lde(RowMajorView<const BabyBear> evaluations, uint32_t log_blowup,
                                   BabyBear shift, RowOrder order = RowOrder::kNatural);
// The same into caller-provided storage of (n << log_blowup) x width, which must not overlap the
// input; lets a prover reuse one buffer across proofs instead of paying first-touch page faults.
void coset_lde_into(RowMajorView<const BabyBear> evaluations, uint32_t log_blowup, BabyBear shift,
                    RowMajorView<BabyBear> out, RowOrder order = RowOrder::kNatural);

// One block of rows of a bit-reversed coset LDE, computed from coefficients: rows
// [block * 2^log_block, (block + 1) * 2^log_block) of the kBitReversed LDE of size
// N = 2^log_lde (shift * H_N) of the polynomials whose coefficients (natural order, any number
// <= N of rows) are given. Lets a prover recompute the part of an LDE it needs instead of keeping
// the whole LDE in memory; each block costs a fold of the coefficients and one 2^log_block NTT.
void coset_lde_block(RowMajorView<const BabyBear> coefficients, uint32_t log_lde, BabyBear shift,
                     uint32_t log_block, size_t block, RowMajorView<BabyBear> out);

// The coset that block holds: its rows are the points c * w_m^bitrev_m(r), r < m = 2^log_block,
// with the c returned here, c = shift * w_N^bitrev_(N/m)(block).
BabyBear coset_lde_block_shift(uint32_t log_lde, BabyBear shift, uint32_t log_block, size_t block);

}  // namespace prova::ntt
