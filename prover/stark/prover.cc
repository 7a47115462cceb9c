#include "prover/stark/prover.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "common/error.h"
#include "common/heap.h"
#include "prover/fri/fri_prover.h"
#include "prover/ntt/ntt.h"
#include "prover/stark/coset_lde.h"
#include "prover/stark/quotient_cosets.h"
#include "verifier/air/check.h"
#include "verifier/air/logup.h"
#include "verifier/field/matrix.h"
#include "verifier/field/packed_extension.h"
#include "verifier/fri/fri.h"
#include "verifier/transcript/challenger.h"

namespace prova::stark {
namespace {

using Matrix = prova::RowMajorMatrix<BabyBear>;
constexpr size_t kLanes = Packed::kWidth;

// A copy into fresh storage, in parallel: the first touch of each page costs more than the copy.
Matrix ToMatrix(const air::RowMajorMatrix<BabyBear>& m) {
  Matrix out = Matrix::uninitialized(m.height(), m.width);
  constexpr size_t kChunk = size_t{1} << 16;
  const std::span<BabyBear> to = out.values().first(m.values.size());
  tbb::parallel_for(size_t{0}, (to.size() + kChunk - 1) / kChunk, [&](size_t c) {
    const size_t begin = c * kChunk, end = std::min(to.size(), begin + kChunk);
    std::copy(m.values.begin() + begin, m.values.begin() + end, to.begin() + begin);
  });
  return out;
}

// The rows of m (a power-of-two height n) in bit-reversed order, row i = m's row bitrev(i), in
// the first rows of fresh storage of `height` rows: the order the inverse NTT of Commitment
// takes, so the copy makes the bit-reversal pass unnecessary.
Matrix BitReversedRows(const air::RowMajorMatrix<BabyBear>& m, size_t height) {
  const size_t n = m.height(), width = m.width;
  PROVA_CHECK(height >= n && std::has_single_bit(n), "matrix storage shorter than its rows");
  Matrix out = Matrix::uninitialized(height, width);
  const uint32_t log_n = static_cast<uint32_t>(std::countr_zero(n));
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1024), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) {
      const BabyBear* from = m.values.data() + ntt::bit_reverse(i, log_n) * width;
      std::copy(from, from + width, out.row(i).begin());
    }
  });
  return out;
}

void Random(std::span<BabyBear> out) { merkle::FillWithSecureRandomness(out); }

// Batch inversion in independent blocks, in parallel (one field inversion per block).
template <class T>
std::vector<T> ParallelBatchInverse(const std::vector<T>& values) {
  std::vector<T> out(values.size());
  constexpr size_t kBlock = size_t{1} << 14;
  const size_t blocks = (values.size() + kBlock - 1) / kBlock;
  tbb::parallel_for(size_t{0}, blocks, [&](size_t b) {
    const size_t begin = b * kBlock, end = std::min(values.size(), begin + kBlock);
    const std::span<const T> in(values.data() + begin, end - begin);
    const std::span<T> inverses(out.data() + begin, end - begin);
    if constexpr (std::is_same_v<T, BabyBear4>) {
      batch_inverse_packed(in, inverses);
    } else {
      batch_inverse<T>(in, inverses);
    }
  });
  return out;
}

// The points of block `block` (2^log_block rows) of the bit-reversed coset shift * <w_N>,
// N = 2^log_size, the rows of ntt::coset_lde_block: the coset c H_m in bit-reversed order.
std::vector<BabyBear> CosetBlockPoints(size_t log_size, size_t log_block, size_t block) {
  const size_t m = size_t{1} << log_block;
  const BabyBear c = ntt::coset_lde_block_shift(static_cast<uint32_t>(log_size), fri::DomainShift(),
                                                static_cast<uint32_t>(log_block), block);
  const BabyBear w = BabyBear::two_adic_generator(static_cast<uint32_t>(log_block));
  std::vector<BabyBear> natural(m), out(m);
  constexpr size_t kBlock = size_t{1} << 12;
  tbb::parallel_for(size_t{0}, (m + kBlock - 1) / kBlock, [&](size_t b) {
    const size_t begin = b * kBlock, end = std::min(m, begin + kBlock);
    BabyBear p = c * w.pow(begin);
    for (size_t j = begin; j < end; ++j, p *= w) natural[j] = p;
  });
  tbb::parallel_for(size_t{0}, m, [&](size_t i) {
    out[i] = natural[ntt::bit_reverse(i, static_cast<uint32_t>(log_block))];
  });
  return out;
}

// The committed polynomials of a trace, kept as coefficients and extended a coset of the trace
// domain at a time: the trace's interpolants t or, with zero knowledge, t + Z_H r = t + (X^n - 1) r
// with r uniformly random of randomizer_len coefficients, which agrees with the trace on H_n.
// `coefficients` has degree_bound rows, the trace's rows in bit-reversed order in its first n
// (BitReversedRows, FlattenExtension): the polynomials are formed in place.
std::shared_ptr<const CosetLde> Commitment(Matrix coefficients, const TableLayout& l,
                                           std::shared_ptr<LdeCacheBudget> budget) {
  const size_t n = size_t{1} << l.log_height, width = coefficients.width();
  PROVA_CHECK(coefficients.height() == l.degree_bound, "trace storage is not degree_bound rows");
  ntt::inverse_from_bit_reversed(coefficients.view().rows(0, n));
  std::span<BabyBear> high = coefficients.values().subspan(n * width);
  Random(high);
  constexpr size_t kBlock = 4096;
  tbb::parallel_for(size_t{0}, (high.size() + kBlock - 1) / kBlock, [&](size_t b) {
    for (size_t i = b * kBlock; i < std::min(high.size(), (b + 1) * kBlock); ++i) {
      coefficients.values()[i] -= high[i];
    }
  });
  return std::make_shared<CosetLde>(std::move(coefficients), l.log_lde, l.log_height,
                                    std::move(budget));
}

// The bit-reversed coset LDE, written straight into the storage the Merkle tree keeps.
merkle::RowMajorMatrix Lde(const Matrix& evaluations, size_t log_blowup) {
  const size_t rows = evaluations.height() << log_blowup;
  std::vector<BabyBear> out(rows * evaluations.width());
  ntt::coset_lde_into(evaluations.view(), static_cast<uint32_t>(log_blowup), fri::DomainShift(),
                      RowMajorView<BabyBear>(out.data(), rows, evaluations.width()),
                      ntt::RowOrder::kBitReversed);
  return merkle::RowMajorMatrix(std::move(out), evaluations.width());
}

// Values at z of the polynomials of degree < M given by their evaluations on H_M (natural order,
// one column each): p(z) = (z^M - 1) / M * sum_i p(w^i) w^i / (z - w^i).
std::vector<BabyBear4> EvaluateAt(const Matrix& evaluations, const BabyBear4& z) {
  const size_t m = evaluations.height();
  const size_t width = evaluations.width();
  const uint32_t log_m = static_cast<uint32_t>(std::countr_zero(m));
  const BabyBear w = BabyBear::two_adic_generator(log_m);
  std::vector<BabyBear> powers(m);
  BabyBear p = BabyBear::one();
  for (size_t i = 0; i < m; ++i, p *= w) powers[i] = p;
  std::vector<BabyBear4> denominators(m);
  tbb::parallel_for(size_t{0}, m, [&](size_t i) { denominators[i] = z - powers[i]; });
  std::vector<BabyBear4> weights = ParallelBatchInverse(denominators);
  const BabyBear4 scale = (z.pow(m) - BabyBear::one()) * BabyBear::from_u64(m).inverse();
  tbb::parallel_for(size_t{0}, m, [&](size_t i) { weights[i] = weights[i] * powers[i] * scale; });
  constexpr size_t kBlock = 1024;
  const size_t blocks = (m + kBlock - 1) / kBlock;
  std::vector<std::vector<BabyBear4>> partial(blocks, std::vector<BabyBear4>(width));
  tbb::parallel_for(size_t{0}, blocks, [&](size_t b) {
    auto& acc = partial[b];
    for (size_t i = b * kBlock; i < std::min(m, (b + 1) * kBlock); ++i) {
      auto row = evaluations.row(i);
      for (size_t c = 0; c < width; ++c) acc[c] = acc[c] + weights[i] * row[c];
    }
  });
  std::vector<BabyBear4> out(width);
  for (const auto& part : partial) {
    for (size_t c = 0; c < width; ++c) out[c] = out[c] + part[c];
  }
  return out;
}

// Values at each point of polynomials given by coefficients (row j = coefficient j of every
// column): out[k][c] = sum_j z_k^j a_(j,c), in parallel blocks of rows. The products are taken
// coefficient by coefficient of z_k^j, each a packed base-field product along the row.
std::vector<std::vector<BabyBear4>> EvaluateCoefficientsAt(const Matrix& coefficients,
                                                           std::span<const BabyBear4> points) {
  const size_t height = coefficients.height(), width = coefficients.width();
  const size_t packs = (width + kLanes - 1) / kLanes;
  constexpr size_t kBlock = 2048;
  const size_t blocks = (height + kBlock - 1) / kBlock;
  // partial[b][k][4 * p + i]: coefficient i of the sums of pack p at point k.
  std::vector<std::vector<std::vector<Packed>>> partial(
      blocks, std::vector<std::vector<Packed>>(points.size(), std::vector<Packed>(4 * packs)));
  tbb::parallel_for(size_t{0}, blocks, [&](size_t b) {
    const size_t begin = b * kBlock, end = std::min(height, begin + kBlock);
    auto load = [&](size_t j, size_t p) {
      return Packed::load_prefix(coefficients.row(j).subspan(p * kLanes));
    };
    for (size_t k = 0; k < points.size(); ++k) {
      auto& acc = partial[b][k];
      BabyBear4 power = points[k].pow(begin);
      size_t j = begin;
      // Four rows at a time: each coefficient of the sum gains one dot product of four, reduced
      // once (Packed::dot4).
      for (; j + 4 <= end; j += 4) {
        std::array<std::array<Packed, 4>, 4> z;  // z[i][r]: coefficient i of point^(j + r)
        for (size_t r = 0; r < 4; ++r, power = power * points[k]) {
          for (size_t i = 0; i < 4; ++i) z[i][r] = Packed(power.coeff(i));
        }
        for (size_t p = 0; p < packs; ++p) {
          const std::array<Packed, 4> v = {load(j, p), load(j + 1, p), load(j + 2, p),
                                           load(j + 3, p)};
          for (size_t i = 0; i < 4; ++i) acc[4 * p + i] += Packed::dot4(v.data(), z[i].data());
        }
      }
      for (; j < end; ++j, power = power * points[k]) {
        for (size_t p = 0; p < packs; ++p) {
          const Packed v = load(j, p);
          for (size_t i = 0; i < 4; ++i) acc[4 * p + i] += v * power.coeff(i);
        }
      }
    }
  });
  std::vector<std::vector<BabyBear4>> out(points.size(), std::vector<BabyBear4>(width));
  for (size_t k = 0; k < points.size(); ++k) {
    std::vector<Packed> total(4 * packs);
    for (const auto& part : partial) {
      for (size_t x = 0; x < total.size(); ++x) total[x] += part[k][x];
    }
    for (size_t p = 0; p < packs; ++p) {
      std::array<std::array<BabyBear, kLanes>, 4> lanes;
      for (size_t i = 0; i < 4; ++i) lanes[i] = total[4 * p + i].to_array();
      for (size_t l = 0; l < kLanes && p * kLanes + l < width; ++l) {
        out[k][p * kLanes + l] =
            BabyBear4::from_coeffs({lanes[0][l], lanes[1][l], lanes[2][l], lanes[3][l]});
      }
    }
  }
  return out;
}

// Rows rows[k] of a row-major matrix, column by column, one row per lane: the packed builders'
// view of kLanes rows. Consecutive rows (most of them: a quotient block's rows, and their next
// rows unless a carry crosses the lanes' bits) are loaded a square at a time (LoadRowsTransposed).
void GatherLanes(const BabyBear* values, size_t width, const std::array<size_t, kLanes>& rows,
                 std::span<Packed> out) {
  size_t c = 0;
  bool consecutive = true;
  for (size_t k = 1; k < kLanes; ++k) consecutive = consecutive && rows[k] == rows[0] + k;
  if (consecutive) {
    for (; c + kLanes <= width; c += kLanes) {
      LoadRowsTransposed(values + rows[0] * width + c, width, &out[c]);
    }
  }
  std::array<BabyBear, kLanes> a;
  for (; c < width; ++c) {
    for (size_t k = 0; k < kLanes; ++k) a[k] = values[rows[k] * width + c];
    out[c] = Packed::from_array(a);
  }
}

// Rows local[k] and next[k], as GatherLanes.
void GatherRows(const BabyBear* values, size_t width, const std::array<size_t, kLanes>& local,
                const std::array<size_t, kLanes>& next, std::span<Packed> local_out,
                std::span<Packed> next_out) {
  GatherLanes(values, width, local, local_out);
  GatherLanes(values, width, next, next_out);
}

// The LogUp auxiliary trace of air::GenerateAuxTrace (verifier/air/logup_trace.h), built in
// parallel blocks of rows: each block collects and inverts its denominators and keeps a local
// running sum; the block sums' prefixes then make the running sum global.
air::RowMajorMatrix<BabyBear4> ParallelAuxTrace(const ProverTable& table,
                                                const air::LogUpPlan& plan,
                                                const air::RowMajorMatrix<BabyBear>* fixed,
                                                const air::RowMajorMatrix<BabyBear>& main,
                                                std::span<const BabyBear> public_values,
                                                std::span<const BabyBear4> challenges,
                                                BabyBear4* cumulative_sum) {
  const size_t height = main.height(), k = plan.size();
  air::RowMajorMatrix<BabyBear4> aux(height, air::LogUpAuxWidth(plan));
  // The last batch has no column of its own: its column is the running sum (logup.h).
  const size_t running_sum = air::LogUpAuxWidth(plan) - 1;
  *cumulative_sum = BabyBear4::zero();
  if (k == 0) return aux;
  constexpr size_t kBlock = 1024;
  const size_t blocks = (height + kBlock - 1) / kBlock;
  std::vector<BabyBear4> block_sums(blocks);
  std::atomic<bool> zero_denominator{false};
  std::vector<Packed> packed_publics(public_values.begin(), public_values.end());
  std::vector<PackedBabyBear4> packed_challenges;
  for (const BabyBear4& c : challenges) packed_challenges.push_back(Broadcast(c));
  const std::vector<PackedBabyBear4> beta_powers = PackedBetaPowers(challenges[1]);
  const size_t prep_width = fixed != nullptr ? fixed->width : 0;
  tbb::parallel_for(size_t{0}, blocks, [&](size_t block) {
    const size_t begin = block * kBlock, end = std::min(height, begin + kBlock);
    // The interactions of kLanes rows at a time, one row per lane (rows past the end repeat the
    // last one and are dropped): denominators[g * k + i] for group g and interaction i.
    const size_t groups = (end - begin + kLanes - 1) / kLanes;
    std::vector<PackedBabyBear4> denominators(groups * k);
    std::vector<Packed> multiplicities(groups * k);
    std::vector<PackedBabyBear4> row_offsets(groups);  // air::LogUpOffset
    std::vector<Packed> prep_local(prep_width), prep_next(prep_width);
    std::vector<Packed> main_local(main.width), main_next(main.width);
    for (size_t first = begin; first < end; first += kLanes) {
      std::array<size_t, kLanes> rows, next_rows;
      std::array<BabyBear, kLanes> is_first, is_last, is_transition;
      for (size_t l = 0; l < kLanes; ++l) {
        rows[l] = std::min(first + l, end - 1);
        next_rows[l] = (rows[l] + 1) % height;
        is_first[l] = rows[l] == 0 ? BabyBear::one() : BabyBear::zero();
        is_last[l] = rows[l] + 1 == height ? BabyBear::one() : BabyBear::zero();
        is_transition[l] = BabyBear::one() - is_last[l];
      }
      if (prep_width > 0) {
        GatherRows(fixed->values.data(), prep_width, rows, next_rows, prep_local, prep_next);
      }
      GatherRows(main.values.data(), main.width, rows, next_rows, main_local, main_next);
      PackedInteractionCollector collector(
          {prep_local, prep_next, main_local, main_next, packed_publics, packed_challenges,
           beta_powers, Packed::from_array(is_first), Packed::from_array(is_last),
           Packed::from_array(is_transition)});
      collector.denominators.reserve(k);
      collector.multiplicities.reserve(k);
      table.Eval(collector);
      PROVA_CHECK(collector.denominators.size() == k,
                  "an AIR issued a different number of interactions than the layout counted");
      const size_t g = (first - begin) / kLanes;
      std::copy(collector.denominators.begin(), collector.denominators.end(),
                denominators.begin() + static_cast<std::ptrdiff_t>(g * k));
      std::copy(collector.multiplicities.begin(), collector.multiplicities.end(),
                multiplicities.begin() + static_cast<std::ptrdiff_t>(g * k));
      row_offsets[g] = collector.offset;
    }
    // h_i = +-m_i / d_i, then summed per column and per row.
    std::vector<PackedBabyBear4> h(denominators.size());
    if (!batch_inverse_lanes(denominators, h)) {
      zero_denominator = true;
      return;
    }
    for (size_t x = 0; x < h.size(); ++x) h[x] = h[x] * multiplicities[x];
    std::vector<PackedBabyBear4> column_sums(running_sum);
    std::array<BabyBear4, kLanes> lanes_out;
    BabyBear4 running = BabyBear4::zero();
    for (size_t g = 0; g < groups; ++g) {
      std::fill(column_sums.begin(), column_sums.end(), PackedBabyBear4::zero());
      PackedBabyBear4 row_sums = row_offsets[g];
      for (size_t i = 0; i < k; ++i) {
        if (plan[i] != running_sum) column_sums[plan[i]] += h[g * k + i];
        row_sums += h[g * k + i];
      }
      const size_t first = begin + g * kLanes, lanes = std::min(kLanes, end - first);
      for (size_t j = 0; j < running_sum; ++j) {
        UnpackExtension(column_sums[j], lanes_out.data());
        for (size_t l = 0; l < lanes; ++l) aux.at(first + l, j) = lanes_out[l];
      }
      UnpackExtension(row_sums, lanes_out.data());
      for (size_t l = 0; l < lanes; ++l) {
        aux.at(first + l, running_sum) = running;  // the block's rows before this one
        running = running + lanes_out[l];
      }
    }
    block_sums[block] = running;
  });
  if (zero_denominator) throw Error("LogUp challenge alpha equals a fingerprint");
  std::vector<BabyBear4> offsets(blocks, BabyBear4::zero());
  for (size_t b = 1; b < blocks; ++b) offsets[b] = offsets[b - 1] + block_sums[b - 1];
  *cumulative_sum = offsets[blocks - 1] + block_sums[blocks - 1];
  // Row r's running sum: the fractions of the rows before it, less r shares of the sum.
  const BabyBear4 share = air::CumulativeSumPerRow(*cumulative_sum, height);
  tbb::parallel_for(size_t{0}, blocks, [&](size_t block) {
    const size_t begin = block * kBlock, end = std::min(height, begin + kBlock);
    BabyBear4 deducted = share * BabyBear::from_canonical(static_cast<uint32_t>(begin));
    for (size_t r = begin; r < end; ++r, deducted = deducted + share) {
      aux.at(r, running_sum) = aux.at(r, running_sum) + offsets[block] - deducted;
    }
  });
  return aux;
}

// The base coordinates of each extension element, rows in bit-reversed order (as
// BitReversedRows), in the first rows of `height` rows of storage.
Matrix FlattenExtension(const air::RowMajorMatrix<BabyBear4>& m, size_t height) {
  const size_t n = m.height();
  PROVA_CHECK(height >= n && std::has_single_bit(n), "matrix storage shorter than its rows");
  Matrix out = Matrix::uninitialized(height, 4 * m.width);
  const uint32_t log_n = static_cast<uint32_t>(std::countr_zero(n));
  tbb::parallel_for(size_t{0}, n, [&](size_t r) {
    const std::span<BabyBear> row = out.row(r);
    const size_t from = ntt::bit_reverse(r, log_n);
    for (size_t c = 0; c < m.width; ++c) {
      for (size_t k = 0; k < 4; ++k) row[4 * c + k] = m.at(from, c).coeff(k);
    }
  });
  return out;
}

struct TableState {
  TableLayout layout;
  Matrix preprocessed;                                       // natural order on H_n
  const merkle::RowMajorMatrix* preprocessed_lde = nullptr;  // kept by the proving key
  std::shared_ptr<const CosetLde> main, aux;
  BabyBear4 cumulative_sum = BabyBear4::zero();
  TableOpenings openings, second_openings;  // at zeta and at zeta'
};

// A reusable buffer for one LDE block of a source (unused when the source kept the block).
struct BlockBuffer {
  merkle::BlockScratch values;
  std::span<const BabyBear> Fill(const CosetLde* source, size_t block) {
    if (source == nullptr) return {};
    return source->Block(block, values);
  }
};

// What every evaluation of a table's quotient shares: the public values, challenges and constraint
// weights, broadcast to the lanes.
struct QuotientContext {
  std::vector<Packed> public_values;
  std::vector<PackedBabyBear4> challenges, beta_powers;
  std::vector<BabyBear4> alpha_powers;
  PackedBabyBear4 cumulative_sum_per_row;
};

QuotientContext MakeQuotientContext(const TableState& s, std::span<const BabyBear> public_values,
                                    std::span<const BabyBear4> challenges, const BabyBear4& alpha) {
  QuotientContext c;
  c.public_values.assign(public_values.begin(), public_values.end());
  for (const auto& x : challenges) c.challenges.push_back(Broadcast(x));
  if (challenges.size() >= air::kLogUpChallenges) c.beta_powers = PackedBetaPowers(challenges[1]);
  c.alpha_powers.resize(s.layout.num_constraints);
  BabyBear4 power = BabyBear4::one();
  for (size_t i = c.alpha_powers.size(); i-- > 0; power = power * alpha) c.alpha_powers[i] = power;
  c.cumulative_sum_per_row =
      Broadcast(air::CumulativeSumPerRow(s.cumulative_sum, size_t{1} << s.layout.log_height));
  return c;
}

// The rows of kLanes points, one point per lane, and the selectors there: what the folder reads.
struct LaneRows {
  std::vector<Packed> prep_local, prep_next, main_local, main_next, aux_local, aux_next;
  std::array<BabyBear, kLanes> first, last, transition, inv_vanishing;

  explicit LaneRows(const TableLayout& l)
      : prep_local(l.preprocessed_width),
        prep_next(l.preprocessed_width),
        main_local(l.main_width),
        main_next(l.main_width),
        aux_local(l.aux_base_width()),
        aux_next(l.aux_base_width()) {}
};

// (sum alpha^i C_i) / Z_H at the lanes' points.
std::array<BabyBear4, kLanes> FoldedQuotient(const ProverTable& table, const TableLayout& l,
                                             const QuotientContext& c, const LaneRows& rows) {
  std::vector<PackedBabyBear4> aux_local(l.aux_width), aux_next(l.aux_width);
  for (size_t k = 0; k < l.aux_width; ++k) {
    const Packed* lo = &rows.aux_local[4 * k];
    const Packed* hi = &rows.aux_next[4 * k];
    aux_local[k] = PackedBabyBear4::from_coeffs({lo[0], lo[1], lo[2], lo[3]});
    aux_next[k] = PackedBabyBear4::from_coeffs({hi[0], hi[1], hi[2], hi[3]});
  }
  ProverFolder::Inputs in;
  in.rows = {rows.prep_local,
             rows.prep_next,
             rows.main_local,
             rows.main_next,
             c.public_values,
             c.challenges,
             c.beta_powers,
             Packed::from_array(rows.first),
             Packed::from_array(rows.last),
             Packed::from_array(rows.transition)};
  in.aux_local = aux_local;
  in.aux_next = aux_next;
  in.cumulative_sum_per_row = c.cumulative_sum_per_row;
  in.alpha_powers = c.alpha_powers;
  in.logup_plan = l.logup_plan;
  ProverFolder folder(in);
  table.Eval(folder);
  folder.finish_interactions();
  PROVA_CHECK(folder.constraints_folded() == l.num_constraints,
              "fewer constraints than the layout counted");
  std::array<BabyBear4, kLanes> q;
  UnpackExtension(folder.folded() * Packed::from_array(rows.inv_vanishing), q.data());
  return q;
}

// Q = (sum alpha^i C_i) / Z_H on the first `cosets` blocks of the quotient domain (the first
// 2^log_quotient rows of the bit-reversed LDEs; QuotientCosets), in bit-reversed order. Computed a
// block (a coset of the trace domain H_n) at a time: the next row of a point x is x * w_n, in the
// same coset.
std::vector<BabyBear4> ComputeQuotient(const ProverTable& table, const TableState& s,
                                       const QuotientContext& context, size_t cosets) {
  const TableLayout& l = s.layout;
  const size_t nq = size_t{1} << l.log_quotient;
  const size_t n = size_t{1} << l.log_height;
  PROVA_CHECK(cosets >= 1 && cosets * n <= nq, "quotient cosets outside the quotient domain");
  const size_t next_step = nq >> l.log_height;
  const BabyBear g_inv =
      BabyBear::two_adic_generator(static_cast<uint32_t>(l.log_height)).inverse();

  std::vector<BabyBear4> quotient(cosets * n);
  const size_t batches = (n + kLanes - 1) / kLanes;
  BlockBuffer main_buffer, aux_buffer;
  for (size_t block = 0; block < cosets; ++block) {
    const size_t block_start = block * n;
    const BabyBear* main_block = main_buffer.Fill(s.main.get(), block).data();
    const BabyBear* aux_block = aux_buffer.Fill(s.aux.get(), block).data();
    // Selectors on the block, the coset c H_n: Z_H(x) = x^n - 1 = c^n - 1 is constant on it.
    const std::vector<BabyBear> x = CosetBlockPoints(l.log_quotient, l.log_height, block);
    const BabyBear vanishing = x[0].pow(n) - BabyBear::one();
    const BabyBear inv_vanishing = vanishing.inverse();
    std::vector<BabyBear> x_minus_one(n), x_minus_last(n);
    tbb::parallel_for(size_t{0}, n, [&](size_t r) {
      x_minus_one[r] = x[r] - BabyBear::one();
      x_minus_last[r] = x[r] - g_inv;
    });
    const std::vector<BabyBear> inv_first = ParallelBatchInverse(x_minus_one);
    const std::vector<BabyBear> inv_last = ParallelBatchInverse(x_minus_last);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, batches, 16), [&](const auto& range) {
      LaneRows rows(l);
      for (size_t b = range.begin(); b < range.end(); ++b) {
        std::array<size_t, kLanes> local, next;
        for (size_t k = 0; k < kLanes; ++k) {
          const size_t pos = block_start + (b * kLanes + k) % n;
          local[k] = pos;
          const size_t j = fri::ReverseBits(pos, l.log_quotient);
          next[k] = fri::ReverseBits((j + next_step) & (nq - 1), l.log_quotient);
          const size_t r = pos - block_start;
          rows.first[k] = vanishing * inv_first[r];
          rows.last[k] = vanishing * inv_last[r];
          rows.transition[k] = x_minus_last[r];
          rows.inv_vanishing[k] = inv_vanishing;
        }
        // The preprocessed LDE is stored whole; the main and auxiliary blocks start at block_start.
        if (l.preprocessed_width > 0) {
          GatherRows(s.preprocessed_lde->values.data(), l.preprocessed_width, local, next,
                     rows.prep_local, rows.prep_next);
        }
        std::array<size_t, kLanes> local_in_block, next_in_block;
        for (size_t k = 0; k < kLanes; ++k) {
          local_in_block[k] = local[k] - block_start;
          next_in_block[k] = next[k] - block_start;
        }
        GatherRows(main_block, l.main_width, local_in_block, next_in_block, rows.main_local,
                   rows.main_next);
        if (l.aux_width > 0) {
          GatherRows(aux_block, l.aux_base_width(), local_in_block, next_in_block, rows.aux_local,
                     rows.aux_next);
        }
        const std::array<BabyBear4, kLanes> q = FoldedQuotient(table, l, context, rows);
        std::copy_n(q.begin(), std::min(kLanes, n - b * kLanes),
                    quotient.begin() + static_cast<std::ptrdiff_t>(block_start + b * kLanes));
      }
    });
  }
  return quotient;
}

// Q on the small overflow coset y K of `plan` (quotient_cosets.h), in OverflowCosetPoints order.
// Its points lie outside every LDE, so the rows there come from the committed coefficients: the
// local rows on y K and the next rows on y w_n K, each a fold of the coefficients and one NTT of
// size |K| (ntt::coset_lde_block).
std::vector<BabyBear4> ComputeOverflowQuotient(const ProverTable& table, const TableState& s,
                                               const QuotientContext& context,
                                               const QuotientCosets& plan) {
  const TableLayout& l = s.layout;
  const size_t size = plan.overflow_points();
  const size_t n = size_t{1} << l.log_height;
  const BabyBear g = BabyBear::two_adic_generator(static_cast<uint32_t>(l.log_height));
  const BabyBear y = OverflowCosetShift();
  auto on_coset = [&](const Matrix& coefficients, BabyBear shift) {
    Matrix out = Matrix::uninitialized(size, coefficients.width());
    if (coefficients.width() == 0) return out;
    const uint32_t log_size = std::max(static_cast<uint32_t>(plan.log_overflow),
                                       ntt::log2_size(std::bit_ceil(coefficients.height())));
    ntt::coset_lde_block(coefficients.view(), log_size, shift,
                         static_cast<uint32_t>(plan.log_overflow), 0, out.view());
    return out;
  };
  Matrix prep_local, prep_next;
  if (l.preprocessed_width > 0) {
    Matrix coefficients = s.preprocessed;  // natural order on H_n
    ntt::inverse(coefficients.view());
    prep_local = on_coset(coefficients, y);
    prep_next = on_coset(coefficients, y * g);
  }
  const Matrix main_local = on_coset(s.main->coefficients(), y);
  const Matrix main_next = on_coset(s.main->coefficients(), y * g);
  Matrix aux_local, aux_next;
  if (l.aux_width > 0) {
    aux_local = on_coset(s.aux->coefficients(), y);
    aux_next = on_coset(s.aux->coefficients(), y * g);
  }
  const std::vector<BabyBear> x = OverflowCosetPoints(plan);
  // Z_H(x) = y^n - 1 on the whole coset (|K| divides n).
  const BabyBear vanishing = y.pow(n) - BabyBear::one();
  const BabyBear inv_vanishing = vanishing.inverse();
  const BabyBear g_inv = g.inverse();
  std::vector<BabyBear4> quotient(size);
  tbb::parallel_for(size_t{0}, size / kLanes, [&](size_t b) {
    LaneRows rows(l);
    std::array<size_t, kLanes> index;
    for (size_t k = 0; k < kLanes; ++k) {
      const size_t i = b * kLanes + k;
      index[k] = i;
      rows.first[k] = vanishing * (x[i] - BabyBear::one()).inverse();
      rows.last[k] = vanishing * (x[i] - g_inv).inverse();
      rows.transition[k] = x[i] - g_inv;
      rows.inv_vanishing[k] = inv_vanishing;
    }
    if (l.preprocessed_width > 0) {
      GatherLanes(prep_local.values().data(), l.preprocessed_width, index, rows.prep_local);
      GatherLanes(prep_next.values().data(), l.preprocessed_width, index, rows.prep_next);
    }
    GatherLanes(main_local.values().data(), l.main_width, index, rows.main_local);
    GatherLanes(main_next.values().data(), l.main_width, index, rows.main_next);
    if (l.aux_width > 0) {
      GatherLanes(aux_local.values().data(), l.aux_base_width(), index, rows.aux_local);
      GatherLanes(aux_next.values().data(), l.aux_base_width(), index, rows.aux_next);
    }
    const std::array<BabyBear4, kLanes> q = FoldedQuotient(table, l, context, rows);
    std::copy(q.begin(), q.end(), quotient.begin() + static_cast<std::ptrdiff_t>(b * kLanes));
  });
  return quotient;
}

// Adds weight * Q_t(c X^(2^k)) to the combined quotient's coefficients, with c = s^(1 - 2^k) the
// constant that takes a point of the largest LDE to the table's row (TablePoint).
void AddLiftedQuotient(std::span<const BabyBear4> q_t, size_t log_lift, const BabyBear4& weight,
                       std::vector<BabyBear4>& combined) {
  const BabyBear s = fri::DomainShift();
  const BabyBear c = s * s.pow(uint64_t{1} << log_lift).inverse();
  const BabyBear c_lanes = c.pow(kLanes);
  constexpr size_t kBlock = size_t{1} << 12;
  tbb::parallel_for(size_t{0}, (q_t.size() + kBlock - 1) / kBlock, [&](size_t b) {
    const size_t begin = b * kBlock, end = std::min(q_t.size(), begin + kBlock);
    BabyBear4 w = weight * c.pow(begin);
    size_t j = begin;
    if (end - begin >= kLanes) {
      // kLanes coefficients at a time: lane l carries weight c^(j + l).
      std::array<BabyBear4, kLanes> lanes;
      for (size_t l = 0; l < kLanes; ++l, w = w * c) lanes[l] = w;
      PackedBabyBear4 w_lanes = PackExtension(lanes.data());
      for (; j + kLanes <= end; j += kLanes, w_lanes = w_lanes * c_lanes) {
        const PackedBabyBear4 terms = w_lanes * PackExtension(&q_t[j]);
        UnpackExtension(terms, lanes.data());
        for (size_t l = 0; l < kLanes; ++l) {
          BabyBear4& slot = combined[(j + l) << log_lift];
          slot = slot + lanes[l];
        }
      }
      w = weight * c.pow(j);
    }
    for (; j < end; ++j, w = w * c) {
      BabyBear4& slot = combined[j << log_lift];
      slot = slot + w * q_t[j];
    }
  });
}

// Splits the combined quotient Q into num_chunks polynomials of chunk_len coefficients
// (Q = sum_i X^(i chunk_len) q_i) and, with zero knowledge, masks them: q_i += X^chunk_len b_i -
// b_(i-1) with random b_i of randomizer_len coefficients, which keeps sum_i X^(i chunk_len) q_i =
// Q and makes each chunk's openings uniformly random. Returns degree_bound x 4 num_chunks
// coefficients.
Matrix QuotientChunks(const std::vector<BabyBear4>& q, const QuotientPlan& plan) {
  const size_t n = plan.chunk_len();
  Matrix chunks = Matrix::uninitialized(plan.degree_bound, plan.base_width());
  constexpr size_t kBlock = size_t{1} << 12;
  tbb::parallel_for(size_t{0}, (plan.degree_bound + kBlock - 1) / kBlock, [&](size_t b) {
    for (size_t j = b * kBlock; j < std::min(plan.degree_bound, (b + 1) * kBlock); ++j) {
      const std::span<BabyBear> row = chunks.row(j);
      for (size_t i = 0; i < plan.num_chunks; ++i) {
        const bool present = j < n && i * n + j < q.size();
        const BabyBear4 value = present ? q[i * n + j] : BabyBear4::zero();
        for (size_t k = 0; k < 4; ++k) row[4 * i + k] = value.coeff(k);
      }
    }
  });
  if (plan.randomizer_len > 0) {
    std::vector<BabyBear> b(plan.randomizer_len * 4);
    for (size_t i = 0; i + 1 < plan.num_chunks; ++i) {
      Random(b);
      for (size_t j = 0; j < plan.randomizer_len; ++j) {
        for (size_t k = 0; k < 4; ++k) {
          chunks.at(n + j, 4 * i + k) += b[4 * j + k];
          chunks.at(j, 4 * (i + 1) + k) -= b[4 * j + k];
        }
      }
    }
  }
  return chunks;
}

void ObserveOpenings(transcript::DuplexChallenger& c, const TableOpenings& o) {
  for (const auto* v : {&o.preprocessed_local, &o.preprocessed_next, &o.main_local, &o.main_next,
                        &o.aux_local, &o.aux_next}) {
    for (const BabyBear4& x : *v) c.ObserveExtension(x);
  }
}

// The given columns of a matrix, in that order.
Matrix SelectColumns(const Matrix& m, std::span<const uint32_t> columns) {
  Matrix out = Matrix::uninitialized(m.height(), columns.size());
  tbb::parallel_for(size_t{0}, m.height(), [&](size_t i) {
    const auto row = m.row(i);
    for (size_t j = 0; j < columns.size(); ++j) out.at(i, j) = row[columns[j]];
  });
  return out;
}

// The next `count` powers gamma^k, advancing *gamma_power.
std::vector<BabyBear4> NextPowers(BabyBear4* gamma_power, const BabyBear4& gamma, size_t count) {
  std::vector<BabyBear4> out(count);
  for (auto& p : out) {
    p = *gamma_power;
    *gamma_power = *gamma_power * gamma;
  }
  return out;
}

BabyBear4 Dot(std::span<const BabyBear4> powers, std::span<const BabyBear4> values) {
  BabyBear4 acc = BabyBear4::zero();
  for (size_t c = 0; c < powers.size(); ++c) acc = acc + powers[c] * values[c];
  return acc;
}

// sum_j powers[columns[j]] * values[j].
BabyBear4 DotAt(std::span<const BabyBear4> powers, std::span<const uint32_t> columns,
                std::span<const BabyBear4> values) {
  BabyBear4 acc = BabyBear4::zero();
  for (size_t j = 0; j < columns.size(); ++j) acc = acc + powers[columns[j]] * values[j];
  return acc;
}

// acc[i] += sum_j powers[columns[j]] * row_i[columns[j]] for every row i of a row-major matrix
// (every column when `columns` is empty). kLanes rows at a time, one per lane, so that each column
// is multiplied by its weight's four coefficients broadcast, four columns per reduction
// (Packed::dot4), and no sum across lanes is needed; the rows past the last full group of kLanes
// are summed one at a time.
void AccumulateSelected(std::span<const BabyBear> values, size_t width, size_t rows,
                        std::span<const uint32_t> columns, std::span<const BabyBear4> powers,
                        std::vector<BabyBear4>& acc) {
  const size_t count = columns.empty() ? width : columns.size();
  if (count == 0) return;
  auto column = [&](size_t j) { return columns.empty() ? j : size_t{columns[j]}; };
  // weights[k][j]: coefficient k of the j-th summed column's power, in every lane.
  std::array<std::vector<Packed>, 4> weights;
  for (size_t k = 0; k < 4; ++k) {
    weights[k].resize(count);
    for (size_t j = 0; j < count; ++j) weights[k][j] = Packed(powers[column(j)].coeff(k));
  }
  const size_t groups = rows / kLanes;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, groups, 16), [&](const auto& range) {
    std::vector<Packed> lanes(columns.empty() ? width : count);
    std::array<BabyBear, kLanes> gathered;
    for (size_t g = range.begin(); g < range.end(); ++g) {
      const size_t first = g * kLanes;
      if (columns.empty()) {
        std::array<size_t, kLanes> rows_of_lanes;
        for (size_t l = 0; l < kLanes; ++l) rows_of_lanes[l] = first + l;
        GatherLanes(values.data(), width, rows_of_lanes, lanes);
      } else {
        for (size_t j = 0; j < count; ++j) {
          for (size_t l = 0; l < kLanes; ++l) {
            gathered[l] = values[(first + l) * width + columns[j]];
          }
          lanes[j] = Packed::from_array(gathered);
        }
      }
      std::array<Packed, 4> sums;
      size_t j = 0;
      for (; j + 4 <= count; j += 4) {
        for (size_t k = 0; k < 4; ++k) sums[k] += Packed::dot4(&lanes[j], &weights[k][j]);
      }
      for (; j < count; ++j) {
        for (size_t k = 0; k < 4; ++k) sums[k] += lanes[j] * weights[k][j];
      }
      std::array<std::array<BabyBear, kLanes>, 4> coeffs;
      for (size_t k = 0; k < 4; ++k) coeffs[k] = sums[k].to_array();
      for (size_t l = 0; l < kLanes; ++l) {
        acc[first + l] = acc[first + l] + BabyBear4::from_coeffs({coeffs[0][l], coeffs[1][l],
                                                                  coeffs[2][l], coeffs[3][l]});
      }
    }
  });
  for (size_t i = groups * kLanes; i < rows; ++i) {
    const BabyBear* row = values.data() + i * width;
    std::array<BabyBear, 4> total{};
    for (size_t j = 0; j < count; ++j) {
      for (size_t k = 0; k < 4; ++k) total[k] += row[column(j)] * powers[column(j)].coeff(k);
    }
    acc[i] = acc[i] + BabyBear4::from_coeffs(total);
  }
}

// acc[i] += sum_c powers[c] * row_i[c] for every row of a row-major matrix.
void AccumulateRows(std::span<const BabyBear> values, size_t width, size_t rows,
                    std::span<const BabyBear4> powers, std::vector<BabyBear4>& acc) {
  AccumulateSelected(values, width, rows, {}, powers, acc);
}

// acc[i] += sum_j powers[columns[j]] * row_i[columns[j]]: the next-row combination, over the few
// columns the constraints read there.
void AccumulateColumns(std::span<const BabyBear> values, size_t width, size_t rows,
                       std::span<const uint32_t> columns, std::span<const BabyBear4> powers,
                       std::vector<BabyBear4>& acc) {
  if (columns.empty()) return;
  if (columns.size() == width) {  // every column, in order (columns are increasing)
    AccumulateRows(values, width, rows, powers, acc);
    return;
  }
  AccumulateSelected(values, width, rows, columns, powers, acc);
}

// The values on `like`'s LDE of extension-field polynomials given by their coefficients (at most
// as many as `like` has): a linear combination of committed columns, formed in coefficient space,
// is extended as 4 base columns per polynomial instead of extending every column it combines.
CosetLde ExtensionLde(std::span<const std::vector<BabyBear4>> polynomials, const CosetLde& like) {
  const size_t height = polynomials.empty() ? 0 : polynomials[0].size();
  const size_t width = 4 * polynomials.size();
  Matrix coefficients = Matrix::uninitialized(height, width);
  tbb::parallel_for(size_t{0}, height, [&](size_t j) {
    for (size_t p = 0; p < polynomials.size(); ++p) {
      for (size_t k = 0; k < 4; ++k) coefficients.at(j, 4 * p + k) = polynomials[p][j].coeff(k);
    }
  });
  return CosetLde(std::move(coefficients), like.log_lde(), like.log_block());
}

}  // namespace

namespace {

// Every table's fixed columns (empty for a table without any).
std::vector<air::RowMajorMatrix<BabyBear>> FixedColumnsOf(
    std::span<const ProverTable* const> tables) {
  std::vector<air::RowMajorMatrix<BabyBear>> fixed(tables.size());
  for (size_t t = 0; t < tables.size(); ++t) {
    if (tables[t]->preprocessed_width() > 0) fixed[t] = tables[t]->preprocessed_trace();
  }
  return fixed;
}

// Setup, from the tables' fixed columns (FixedColumnsOf).
ProvingKey SetupFrom(const StarkConfig& config, std::span<const ProverTable* const> tables,
                     std::vector<air::RowMajorMatrix<BabyBear>> fixed) {
  Validate(config);
  ProvingKey pk;
  pk.vk.config = config;
  pk.vk.preprocessed_log_heights.assign(tables.size(), 0);
  pk.preprocessed.resize(tables.size());
  std::vector<merkle::RowMajorMatrix> matrices;
  for (size_t t = 0; t < tables.size(); ++t) {
    if (tables[t]->preprocessed_width() == 0) continue;
    const size_t h = fixed[t].height();
    if (fixed[t].width != tables[t]->preprocessed_width() || h < 2 || (h & (h - 1)) != 0) {
      throw Error("table '" + std::string(tables[t]->name()) +
                  "': fixed columns have the wrong shape");
    }
    const size_t log_h = static_cast<size_t>(std::countr_zero(h));
    pk.vk.preprocessed_log_heights[t] = log_h;
    const size_t extra = LogDegree(log_h, config) - log_h;
    matrices.push_back(Lde(ToMatrix(fixed[t]), config.fri.log_blowup + extra));
    pk.preprocessed[t] = std::move(fixed[t]);
  }
  if (!matrices.empty()) {
    pk.preprocessed_tree = std::make_shared<merkle::MerkleTree>(std::move(matrices), 0);
    pk.vk.preprocessed_root = pk.preprocessed_tree->root();
  }
  return pk;
}

}  // namespace

ProvingKey Setup(const StarkConfig& config, std::span<const ProverTable* const> tables) {
  return SetupFrom(config, tables, FixedColumnsOf(tables));
}

std::shared_ptr<const ProvingKey> CachedSetup(const StarkConfig& config,
                                              std::span<const ProverTable* const> tables) {
  // A few keys: a worker serving a handful of guests keeps each one's.
  constexpr size_t kKeptKeys = 4;
  static std::mutex* mutex = new std::mutex;  // never destroyed, like the keys
  static auto* keys = new std::vector<std::shared_ptr<const ProvingKey>>;
  std::vector<air::RowMajorMatrix<BabyBear>> fixed = FixedColumnsOf(tables);
  auto same = [&](const ProvingKey& pk) {
    if (!(pk.vk.config == config) || pk.preprocessed.size() != tables.size()) return false;
    for (size_t t = 0; t < tables.size(); ++t) {
      if (fixed[t].width != pk.preprocessed[t].width ||
          fixed[t].values != pk.preprocessed[t].values) {
        return false;
      }
    }
    return true;
  };
  {
    const std::lock_guard<std::mutex> lock(*mutex);
    for (size_t k = 0; k < keys->size(); ++k) {
      if (!same(*(*keys)[k])) continue;
      std::shared_ptr<const ProvingKey> key = (*keys)[k];
      keys->erase(keys->begin() + static_cast<std::ptrdiff_t>(k));
      keys->push_back(key);  // most recently used last
      return key;
    }
  }
  auto key = std::make_shared<const ProvingKey>(SetupFrom(config, tables, std::move(fixed)));
  const std::lock_guard<std::mutex> lock(*mutex);
  keys->push_back(key);
  if (keys->size() > kKeptKeys) keys->erase(keys->begin());
  return key;
}

namespace {

// owned: the witnesses themselves, when the caller gave them up (their main traces are freed).
StarkProof ProveImpl(const ProvingKey& pk, std::span<const ProverTable* const> tables,
                     std::span<const TableWitness> witnesses, std::vector<TableWitness>* owned,
                     const ProveOptions& options) {
  const StarkConfig& config = pk.vk.config;
  const bool zk = config.zero_knowledge;
  const size_t salt = zk ? config.salt_elements : 0;
  const size_t num_tables = tables.size();
  if (num_tables == 0 || num_tables > kMaxTables || witnesses.size() != num_tables ||
      pk.vk.preprocessed_log_heights.size() != num_tables) {
    throw Error("prove: tables, witnesses and proving key do not match");
  }
  StarkProof proof;
  std::vector<TableState> state(num_tables);
  std::vector<TableLayout> layouts;
  std::vector<std::vector<BabyBear>> public_values;
  bool any_aux = false;
  for (size_t t = 0; t < num_tables; ++t) {
    const auto& main = witnesses[t].main;
    const size_t h = main.height();
    const std::string name(tables[t]->name());
    if (main.width != tables[t]->main_width() || h < 2 || (h & (h - 1)) != 0) {
      throw Error("table '" + name + "': trace must be a power-of-two height >= 2 of width " +
                  std::to_string(tables[t]->main_width()));
    }
    if (witnesses[t].public_values.size() != tables[t]->num_public_values()) {
      throw Error("table '" + name + "': wrong number of public values");
    }
    const size_t log_h = static_cast<size_t>(std::countr_zero(h));
    state[t].layout = MakeLayout(*tables[t], log_h, config);
    if (state[t].layout.preprocessed_width > 0) {
      if (pk.vk.preprocessed_log_heights[t] != log_h) {
        throw Error("table '" + name + "': height differs from its fixed columns");
      }
      state[t].preprocessed = ToMatrix(pk.preprocessed[t]);
    }
    any_aux = any_aux || state[t].layout.aux_width > 0;
    layouts.push_back(state[t].layout);
    public_values.push_back(witnesses[t].public_values);
    proof.log_heights.push_back(static_cast<uint32_t>(log_h));
  }

  auto progress = [&](std::string_view phase, double fraction) {
    if (options.on_progress) options.on_progress(phase, fraction);
  };
  transcript::DuplexChallenger challenger;
  ObserveInstance(challenger, config, layouts, public_values);
  if (pk.vk.preprocessed_root) challenger.Observe(*pk.vk.preprocessed_root);

  const auto lde_budget =
      std::make_shared<LdeCacheBudget>(options.lde_cache_bytes == kLdeCacheFromSpareHeap
                                           ? std::min(kDefaultLdeCacheBytes, SpareHeapBytes())
                                           : options.lde_cache_bytes);

  // A main trace is read after its commitment by the LogUp round (tables with interactions) and
  // by the debug checker (where it runs, see below); a consumed witness's trace is freed as soon
  // as neither needs it, so that the buffers allocated after it reuse its memory.
  auto debug_checked = [&](const TableLayout& l) {
    return options.check_constraints &&
           (options.name_violations || l.quotient_len >= (size_t{1} << l.log_quotient));
  };
  auto free_main = [&](size_t t) {
    if (owned != nullptr) (*owned)[t].main = air::RowMajorMatrix<BabyBear>();
  };

  // Round 1: main traces.
  progress("committing traces", 0.0);
  std::vector<std::shared_ptr<const merkle::RowSource>> main_sources;
  for (size_t t = 0; t < num_tables; ++t) {
    const TableLayout& l = state[t].layout;
    state[t].main = Commitment(BitReversedRows(witnesses[t].main, l.degree_bound), l, lde_budget);
    main_sources.push_back(state[t].main);
    if (l.aux_width == 0 && !debug_checked(l)) free_main(t);
  }
  merkle::MerkleTree main_tree(std::move(main_sources), salt);
  proof.main_root = main_tree.root();
  challenger.Observe(proof.main_root);

  // Round 2: LogUp auxiliary traces, after alpha and beta are drawn.
  std::vector<BabyBear4> lookup_challenges;
  std::vector<air::RowMajorMatrix<BabyBear4>> aux_traces(num_tables);
  proof.cumulative_sums.assign(num_tables, BabyBear4::zero());
  if (any_aux) {
    progress("lookup arguments", 0.2);
    lookup_challenges = {challenger.SampleExtension(), challenger.SampleExtension()};
    for (size_t t = 0; t < num_tables; ++t) {
      if (state[t].layout.aux_width == 0) continue;
      const air::RowMajorMatrix<BabyBear>* fixed =
          state[t].layout.preprocessed_width > 0 ? &pk.preprocessed[t] : nullptr;
      aux_traces[t] = ParallelAuxTrace(*tables[t], state[t].layout.logup_plan, fixed,
                                       witnesses[t].main, witnesses[t].public_values,
                                       lookup_challenges, &proof.cumulative_sums[t]);
      state[t].cumulative_sum = proof.cumulative_sums[t];
    }
  }
  if (options.check_constraints) {
    // The quotient's degree checks each table's constraints later at no cost; the debug checker
    // runs now where that check is asked for by name, or impossible (no spare coefficient).
    std::string problems;
    BabyBear4 total = BabyBear4::zero();
    for (size_t t = 0; t < num_tables; ++t) {
      total = total + proof.cumulative_sums[t];
      if (!debug_checked(state[t].layout)) continue;
      progress("checking constraints", 0.35);
      air::TableTraces<BabyBear, BabyBear4> traces;
      traces.preprocessed = state[t].layout.preprocessed_width > 0 ? &pk.preprocessed[t] : nullptr;
      traces.main = &witnesses[t].main;
      traces.aux = state[t].layout.aux_width > 0 ? &aux_traces[t] : nullptr;
      traces.public_values = witnesses[t].public_values;
      air::DebugReport report = air::CheckTable<BabyBear, BabyBear4>(
          *tables[t], traces, std::span<const BabyBear4>(lookup_challenges),
          proof.cumulative_sums[t], [](size_t count, const auto& body) {
            tbb::parallel_for(size_t{0}, count, [&](size_t i) { body(i); });
          });
      if (!report.ok())
        problems += "table '" + std::string(tables[t]->name()) + "':\n" + report.ToString();
    }
    if (total != BabyBear4::zero()) {
      problems += "the LogUp bus does not balance:\n";
      air::BusBalance<BabyBear> balance;
      for (size_t t = 0; t < num_tables; ++t) {
        if (state[t].layout.aux_width == 0) continue;  // no interactions (its trace may be freed)
        balance.Add<BabyBear4>(
            *tables[t], state[t].layout.preprocessed_width > 0 ? &pk.preprocessed[t] : nullptr,
            witnesses[t].main, witnesses[t].public_values);
      }
      for (const std::string& line : balance.Unbalanced()) problems += "  " + line + "\n";
    }
    if (!problems.empty()) throw Error("prove: the traces violate their constraints:\n" + problems);
  }
  for (size_t t = 0; t < num_tables; ++t) free_main(t);
  std::unique_ptr<merkle::MerkleTree> aux_tree;
  if (any_aux) {
    progress("lookup arguments", 0.35);
    std::vector<std::shared_ptr<const merkle::RowSource>> aux_sources;
    for (size_t t = 0; t < num_tables; ++t) {
      if (state[t].layout.aux_width == 0) continue;
      state[t].aux = Commitment(FlattenExtension(aux_traces[t], state[t].layout.degree_bound),
                                state[t].layout, lde_budget);
      aux_traces[t] = air::RowMajorMatrix<BabyBear4>();  // committed as coefficients from here on
      aux_sources.push_back(state[t].aux);
    }
    aux_tree = std::make_unique<merkle::MerkleTree>(std::move(aux_sources), salt);
    proof.has_aux = true;
    proof.aux_root = aux_tree->root();
    challenger.Observe(proof.aux_root);
    for (const BabyBear4& s : proof.cumulative_sums) challenger.ObserveExtension(s);
  }

  // Round 3: the quotient chunks and the FRI mask.
  progress("quotient", 0.4);
  const BabyBear4 alpha = challenger.SampleExtension();
  const BabyBear4 beta = challenger.SampleExtension();
  const FriInput fri_shape = PlanFriInput(layouts);
  const QuotientPlan quotient_plan = PlanQuotient(fri_shape, layouts, config);
  const size_t log_max = fri_shape.log_size;
  {
    size_t prep_k = 0;
    for (size_t t = 0; t < num_tables; ++t) {
      if (state[t].layout.preprocessed_width > 0) {
        state[t].preprocessed_lde = &pk.preprocessed_tree->matrices()[prep_k++];
      }
    }
    // Q = sum_t beta^t Q_t, each table's quotient lifted to the largest LDE (QuotientPlan).
    std::shared_ptr<const CosetLde> quotient;
    {
      std::vector<BabyBear4> combined(quotient_plan.num_chunks * quotient_plan.chunk_len(),
                                      BabyBear4::zero());
      BabyBear4 beta_power = BabyBear4::one();
      for (size_t t = 0; t < num_tables; ++t, beta_power = beta_power * beta) {
        const TableLayout& l = state[t].layout;
        const QuotientContext context =
            MakeQuotientContext(state[t], witnesses[t].public_values, lookup_challenges, alpha);
        // The fewest evaluations that determine Q_t (quotient_cosets.h).
        const QuotientCosets cosets = PlanQuotientCosets(l);
        const std::vector<BabyBear4> values =
            ComputeQuotient(*tables[t], state[t], context, cosets.cosets);
        const std::vector<BabyBear4> q_t = InterpolateQuotient(
            cosets, values,
            cosets.has_overflow ? ComputeOverflowQuotient(*tables[t], state[t], context, cosets)
                                : std::vector<BabyBear4>(),
            l.quotient_len, options.check_constraints, tables[t]->name());
        AddLiftedQuotient(q_t, LogLift(fri_shape, l), beta_power, combined);
      }
      quotient = std::make_shared<CosetLde>(QuotientChunks(combined, quotient_plan), log_max,
                                            quotient_plan.log_chunk_len, lde_budget);
    }
    std::vector<std::shared_ptr<const merkle::RowSource>> quotient_sources = {quotient};
    std::shared_ptr<const CosetLde> mask;
    if (zk) {
      // R has the degree bound of the lifted DEEP quotient, to which it is added.
      Matrix mask_coefficients = Matrix::uninitialized(fri_shape.degree_bound, 4);
      Random(mask_coefficients.values());
      mask = std::make_shared<CosetLde>(std::move(mask_coefficients), log_max,
                                        log_max - config.fri.log_blowup);
      quotient_sources.push_back(mask);
    }
    merkle::MerkleTree quotient_tree(std::move(quotient_sources), salt);
    proof.quotient_root = quotient_tree.root();
    challenger.Observe(proof.quotient_root);

    // Openings at each table's point and next row.
    progress("out-of-domain openings", 0.7);
    // Two out-of-domain points: a false table identity must hold at both (docs/stark.md,
    // section 3), which squares the DEEP-ALI error that every lifted table adds.
    static_assert(kOutOfDomainPoints == 2, "a proof carries openings and second_openings");
    const BabyBear4 zeta = SampleOutOfDomainPoint(challenger, fri_shape.max_log_lift);
    const BabyBear4 zeta2 = SampleOutOfDomainPoint(challenger, fri_shape.max_log_lift);
    for (size_t t = 0; t < num_tables; ++t) {
      TableState& s = state[t];
      const TableLayout& l = s.layout;
      const BabyBear g = BabyBear::two_adic_generator(static_cast<uint32_t>(l.log_height));
      const std::array<BabyBear4, 2> points = {TablePoint(zeta, LogLift(fri_shape, l)),
                                               TablePoint(zeta2, LogLift(fri_shape, l))};
      const std::array<BabyBear4, 2> next_points = {points[0] * g, points[1] * g};
      std::array<TableOpenings*, 2> o = {&s.openings, &s.second_openings};
      // Both points in one pass over the coefficients. Only the columns the constraints read at
      // the next row are opened there; extension columns as one extension value each. When the
      // constraints read every column at the next row, the four points share one pass and the
      // coefficients are not copied.
      auto open = [&](const Matrix& coefficients, std::span<const uint32_t> next_columns,
                      bool extension, auto local_member, auto next_member) {
        auto store = [&](std::vector<BabyBear4>& values, auto member, size_t k) {
          o[k]->*member = extension ? ExtColumnValues(values) : std::move(values);
        };
        bool every_column = next_columns.size() == coefficients.width();
        for (size_t c = 0; every_column && c < next_columns.size(); ++c) {
          every_column = next_columns[c] == c;
        }
        if (every_column && !next_columns.empty()) {
          const std::array<BabyBear4, 4> z = {points[0], points[1], next_points[0], next_points[1]};
          std::vector<std::vector<BabyBear4>> values = EvaluateCoefficientsAt(coefficients, z);
          for (size_t k = 0; k < 2; ++k) {
            store(values[k], local_member, k);
            store(values[2 + k], next_member, k);
          }
          return;
        }
        std::vector<std::vector<BabyBear4>> local = EvaluateCoefficientsAt(coefficients, points);
        std::vector<std::vector<BabyBear4>> next =
            next_columns.empty()
                ? std::vector<std::vector<BabyBear4>>(2)
                : EvaluateCoefficientsAt(SelectColumns(coefficients, next_columns), next_points);
        for (size_t k = 0; k < 2; ++k) {
          store(local[k], local_member, k);
          store(next[k], next_member, k);
        }
      };
      if (l.preprocessed_width > 0) {
        for (size_t k = 0; k < 2; ++k) {
          o[k]->preprocessed_local = EvaluateAt(s.preprocessed, points[k]);
        }
        if (!l.preprocessed_next_columns.empty()) {
          const Matrix next = SelectColumns(s.preprocessed, l.preprocessed_next_columns);
          for (size_t k = 0; k < 2; ++k) {
            o[k]->preprocessed_next = EvaluateAt(next, next_points[k]);
          }
        }
      }
      open(s.main->coefficients(), l.main_next_columns, false, &TableOpenings::main_local,
           &TableOpenings::main_next);
      if (l.aux_width > 0) {
        open(s.aux->coefficients(), BaseColumnsOf(l.aux_next_columns), true,
             &TableOpenings::aux_local, &TableOpenings::aux_next);
      }
    }
    for (size_t t = 0; t < num_tables; ++t) {
      ObserveOpenings(challenger, state[t].openings);
      proof.openings.push_back(state[t].openings);
    }
    for (size_t t = 0; t < num_tables; ++t) {
      ObserveOpenings(challenger, state[t].second_openings);
      proof.second_openings.push_back(state[t].second_openings);
    }
    const std::array<BabyBear4, 2> zetas = {zeta, zeta2};
    for (const std::vector<BabyBear4>& values :
         EvaluateCoefficientsAt(quotient->coefficients(), zetas)) {
      const std::vector<BabyBear4> chunks = ExtColumnValues(values);
      proof.quotient_opening.insert(proof.quotient_opening.end(), chunks.begin(), chunks.end());
    }
    for (const BabyBear4& x : proof.quotient_opening) challenger.ObserveExtension(x);
    if (zk) {
      for (const std::vector<BabyBear4>& values :
           EvaluateCoefficientsAt(mask->coefficients(), zetas)) {
        proof.mask_opening.push_back(ExtColumnValues(values)[0]);
      }
      for (const BabyBear4& x : proof.mask_opening) challenger.ObserveExtension(x);
    }
    const BabyBear4 gamma = challenger.SampleExtension();

    // The DEEP quotient, lifted (docs/stark.md, section 2): at a point x of the largest LDE, a
    // table whose LDE is 2^k times smaller contributes the numerators of its row at index >> k,
    // sum_j gamma^j (p_j(y) - p_j(point)), over x - zeta, and those of its next row over
    // x - zeta w. So the numerators are computed on each table's own LDE and summed per LDE size
    // and denominator; the divisions happen once, on the largest LDE.
    std::map<size_t, std::vector<BabyBear4>> at_zeta;  // LDE log size -> numerators
    // next-row root's log order -> LDE log size -> numerators
    std::map<size_t, std::map<size_t, std::vector<BabyBear4>>> at_next;
    auto numerators = [](std::map<size_t, std::vector<BabyBear4>>& by_size, size_t log_size) {
      std::vector<BabyBear4>& v = by_size[log_size];
      if (v.empty()) v.assign(size_t{1} << log_size, BabyBear4::zero());
      return std::span<BabyBear4>(v);
    };

    // gamma powers: per table, gamma^j for the j-th opened value at its point (preprocessed and
    // main base columns, auxiliary and quotient extension columns: C values), and gamma^(C + j)
    // for the same column at its next row if it is opened there. So the next-row combination is
    // gamma^C times a sum over the point's powers: the same sum as at the point when every column
    // is opened at the next row. An extension column's weight w becomes w X^c on its base column
    // c (AppendBaseWeights), which the accumulation below works on.
    BabyBear4 gamma_power = BabyBear4::one();
    BabyBear4 zeta_delta = BabyBear4::zero();
    std::map<size_t, BabyBear4> next_delta;  // next-row root's log order -> delta
    for (size_t t = 0; t < num_tables; ++t) {
      const TableState& s = state[t];
      const TableLayout& l = s.layout;
      const TableOpenings& o = s.openings;
      const BabyBear4 start = gamma_power;
      const auto p_prep = NextPowers(&gamma_power, gamma, l.preprocessed_width);
      const auto p_main = NextPowers(&gamma_power, gamma, l.main_width);
      const auto w_aux = NextPowers(&gamma_power, gamma, l.aux_width);
      const BabyBear4 next_factor = gamma_power * start.inverse();  // gamma^C
      gamma_power = gamma_power * next_factor;
      std::vector<BabyBear4> p_aux;
      AppendBaseWeights(w_aux, &p_aux);
      const std::vector<uint32_t> aux_next_base = BaseColumnsOf(l.aux_next_columns);
      auto value_at_point = [&](const TableOpenings& v) {
        return Dot(p_prep, v.preprocessed_local) + Dot(p_main, v.main_local) +
               Dot(w_aux, v.aux_local);
      };
      auto value_at_next = [&](const TableOpenings& v) {
        return next_factor * (DotAt(p_prep, l.preprocessed_next_columns, v.preprocessed_next) +
                              DotAt(p_main, l.main_next_columns, v.main_next) +
                              DotAt(w_aux, l.aux_next_columns, v.aux_next));
      };
      const BabyBear4 v_zeta = value_at_point(o);
      const BabyBear4 v_next = value_at_next(o);
      // At zeta' the numerators are these plus the difference of the opened values' sums.
      zeta_delta = zeta_delta + v_zeta - value_at_point(s.second_openings);
      next_delta[NextRowLogOrder(fri_shape, l)] =
          next_delta[NextRowLogOrder(fri_shape, l)] + v_next - value_at_next(s.second_openings);
      const bool dense_next = l.preprocessed_next_columns.size() == l.preprocessed_width &&
                              l.main_next_columns.size() == l.main_width &&
                              l.aux_next_columns.size() == l.aux_width;
      const std::span<BabyBear4> num_zeta = numerators(at_zeta, l.log_lde);
      const std::span<BabyBear4> num_next =
          numerators(at_next[NextRowLogOrder(fri_shape, l)], l.log_lde);
      const size_t rows = s.main->block_height();
      PROVA_CHECK(rows == size_t{1} << l.log_height, "LDE blocks are cosets of the trace domain");
      // The main and auxiliary columns' combinations, formed on their coefficients and extended
      // once (ExtensionLde); the preprocessed columns' LDE is kept, so they are combined on it.
      std::vector<std::vector<BabyBear4>> combined(dense_next ? 1 : 2);
      for (auto& g : combined) g.assign(s.main->coefficients().height(), BabyBear4::zero());
      auto combine = [&](const CosetLde* source, std::span<const BabyBear4> powers,
                         std::span<const uint32_t> next_columns) {
        if (source == nullptr) return;
        const Matrix& c = source->coefficients();
        PROVA_CHECK(c.height() == combined[0].size(), "one degree bound per table");
        AccumulateRows(c.values(), c.width(), c.height(), powers, combined[0]);
        if (!dense_next) {
          AccumulateColumns(c.values(), c.width(), c.height(), next_columns, powers, combined[1]);
        }
      };
      combine(s.main.get(), p_main, l.main_next_columns);
      combine(s.aux.get(), p_aux, aux_next_base);
      const CosetLde combined_lde = ExtensionLde(combined, *s.main);
      merkle::BlockScratch scratch;
      for (size_t block = 0; block < s.main->num_blocks(); ++block) {
        const size_t first = block * rows;
        std::vector<BabyBear4> shared(rows), next_part;
        if (!dense_next) next_part.resize(rows);
        const std::span<const BabyBear> values = combined_lde.Block(block, scratch);
        const size_t width = combined_lde.width();
        tbb::parallel_for(size_t{0}, rows, [&](size_t i) {
          const BabyBear* v = values.data() + i * width;
          shared[i] = BabyBear4::from_coeffs({v[0], v[1], v[2], v[3]});
          if (!dense_next) next_part[i] = BabyBear4::from_coeffs({v[4], v[5], v[6], v[7]});
        });
        if (l.preprocessed_width > 0) {
          const auto values =
              std::span<const BabyBear>(s.preprocessed_lde->values)
                  .subspan(first * l.preprocessed_width, rows * l.preprocessed_width);
          AccumulateRows(values, l.preprocessed_width, rows, p_prep, shared);
          if (!dense_next) {
            AccumulateColumns(values, l.preprocessed_width, rows, l.preprocessed_next_columns,
                              p_prep, next_part);
          }
        }
        const std::vector<BabyBear4>& next_sum = dense_next ? shared : next_part;
        tbb::parallel_for(size_t{0}, rows, [&](size_t i) {
          num_zeta[first + i] = num_zeta[first + i] + shared[i] - v_zeta;
          num_next[first + i] = num_next[first + i] + next_factor * next_sum[i] - v_next;
        });
      }
    }
    // The quotient chunks, then the mask: extension columns of the largest LDE, opened at zeta
    // and zeta' only.
    // Their combinations are summed in coefficient space and extended once.
    struct Extra {
      const CosetLde* source;
      std::span<const BabyBear4> at_zeta, at_zeta2;
    };
    auto accumulate_extras = [&](std::span<const Extra> extras) {
      const CosetLde& like = *extras.front().source;
      size_t height = 0;
      for (const Extra& e : extras) height = std::max(height, e.source->coefficients().height());
      std::vector<std::vector<BabyBear4>> combined(1);
      combined[0].assign(height, BabyBear4::zero());
      BabyBear4 v = BabyBear4::zero();
      for (const Extra& e : extras) {
        const auto w = NextPowers(&gamma_power, gamma, e.at_zeta.size());
        std::vector<BabyBear4> p;
        AppendBaseWeights(w, &p);
        const BabyBear4 v_e = Dot(w, e.at_zeta);
        v = v + v_e;
        zeta_delta = zeta_delta + v_e - Dot(w, e.at_zeta2);
        const Matrix& c = e.source->coefficients();
        AccumulateRows(c.values(), c.width(), c.height(), p, combined[0]);
      }
      const std::span<BabyBear4> num_zeta = numerators(at_zeta, like.log_lde());
      const CosetLde combined_lde = ExtensionLde(combined, like);
      const size_t rows = like.block_height();
      merkle::BlockScratch scratch;
      for (size_t block = 0; block < like.num_blocks(); ++block) {
        const size_t first = block * rows;
        const std::span<const BabyBear> values = combined_lde.Block(block, scratch);
        tbb::parallel_for(size_t{0}, rows, [&](size_t i) {
          const BabyBear* x = values.data() + 4 * i;
          num_zeta[first + i] =
              num_zeta[first + i] + BabyBear4::from_coeffs({x[0], x[1], x[2], x[3]}) - v;
        });
      }
    };
    {
      const std::span<const BabyBear4> q(proof.quotient_opening);
      std::vector<Extra> extras = {
          {quotient.get(), q.first(quotient_plan.num_chunks), q.subspan(quotient_plan.num_chunks)}};
      if (zk) {
        extras.push_back({mask.get(), std::span<const BabyBear4>(proof.mask_opening).first(1),
                          std::span<const BabyBear4>(proof.mask_opening).subspan(1)});
      }
      // One LDE for both where their blocks agree (the tallest table's randomiser may give the
      // quotient chunks another block height than the mask), in the order of the gamma powers.
      const bool shared = extras.size() == 2 &&
                          extras[1].source->log_lde() == extras[0].source->log_lde() &&
                          extras[1].source->log_block() == extras[0].source->log_block();
      if (shared) {
        accumulate_extras(extras);
      } else {
        for (const Extra& e : extras) accumulate_extras(std::span<const Extra>(&e, 1));
      }
    }

    // The divisions, a block of the largest LDE at a time. A block of 2^(log_max - log_blowup)
    // positions is a coset of the subgroup that holds every next-row root w (of order
    // 2^(log_height + lift) <= 2^(log_max - log_blowup)), so x / w lies in the block too:
    // 1 / (x - zeta w) = w^-1 / (x / w - zeta) needs no inversion of its own.
    // The tallest table's numerators (it has the largest LDE) become FRI's input, divided in place.
    std::vector<BabyBear4> fri_input = std::move(at_zeta.at(log_max));
    at_zeta.erase(log_max);
    const size_t log_rows = log_max - config.fri.log_blowup;
    const size_t rows = size_t{1} << log_rows;
    struct Part {
      size_t shift;  // index >> shift is the position in this LDE size
      const BabyBear4* values;
    };
    auto parts_of = [&](const std::map<size_t, std::vector<BabyBear4>>& by_size) {
      std::vector<Part> parts;
      for (const auto& [log_size, v] : by_size) parts.push_back({log_max - log_size, v.data()});
      return parts;
    };
    struct NextPoint {
      size_t step;  // w = h^step for the block's generator h
      BabyBear w_inv;
      std::vector<Part> parts;
      BabyBear4 delta;  // at zeta' w the numerators are those at zeta w plus delta
    };
    const std::vector<Part> zeta_parts = parts_of(at_zeta);
    std::vector<NextPoint> next_points;
    for (const auto& [log_order, by_size] : at_next) {
      next_points.push_back(
          {rows >> log_order,
           BabyBear::two_adic_generator(static_cast<uint32_t>(log_order)).inverse(),
           parts_of(by_size), next_delta[log_order]});
    }
    for (size_t block = 0; block < (size_t{1} << config.fri.log_blowup); ++block) {
      const size_t first = block * rows;
      std::vector<BabyBear4> d(2 * rows);  // x - zeta, then x - zeta'
      {
        const std::vector<BabyBear> xs = CosetBlockPoints(log_max, log_rows, block);
        tbb::parallel_for(size_t{0}, rows, [&](size_t i) {
          d[i] = BabyBear4(xs[i]) - zeta;
          d[rows + i] = BabyBear4(xs[i]) - zeta2;
        });
      }
      const std::vector<BabyBear4> inv = ParallelBatchInverse(d);
      const BabyBear4* inv_zeta = inv.data();
      const BabyBear4* inv_zeta2 = inv.data() + rows;
      // kLanes consecutive positions at a time, in packed extension arithmetic; the values of
      // shorter LDEs and the inverses at the previous rows are gathered into lanes.
      const PackedBabyBear4 packed_zeta_delta = Broadcast(zeta_delta);
      std::vector<PackedBabyBear4> packed_next_delta;
      std::vector<Packed> packed_w_inv;
      for (const NextPoint& np : next_points) {
        packed_next_delta.push_back(Broadcast(np.delta));
        packed_w_inv.push_back(Packed(np.w_inv));
      }
      // A block shorter than kLanes rows (tiny proofs) fills the spare lanes with its last row.
      const size_t lanes = std::min(kLanes, rows);
      auto lane = [&](size_t i, size_t k) { return i + std::min(k, lanes - 1); };
      auto gather = [&](auto&& at, size_t i) {
        std::array<BabyBear4, kLanes> values;
        for (size_t k = 0; k < kLanes; ++k) values[k] = at(lane(i, k));
        return PackExtension(values.data());
      };
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, (rows + kLanes - 1) / kLanes, 64), [&](const auto& range) {
            for (size_t g = range.begin(); g < range.end(); ++g) {
              const size_t i = g * kLanes;
              PackedBabyBear4 sum = gather([&](size_t r) { return fri_input[first + r]; }, i);
              for (const Part& p : zeta_parts) {
                sum += gather([&](size_t r) { return p.values[(first + r) >> p.shift]; }, i);
              }
              PackedBabyBear4 value =
                  sum * gather([&](size_t r) { return inv_zeta[r]; }, i) +
                  (sum + packed_zeta_delta) * gather([&](size_t r) { return inv_zeta2[r]; }, i);
              for (size_t point = 0; point < next_points.size(); ++point) {
                const NextPoint& np = next_points[point];
                PackedBabyBear4 next = PackedBabyBear4::zero();
                for (const Part& p : np.parts) {
                  next += gather([&](size_t r) { return p.values[(first + r) >> p.shift]; }, i);
                }
                auto previous = [&](size_t r) {
                  const size_t natural = ntt::bit_reverse(r, static_cast<uint32_t>(log_rows));
                  return ntt::bit_reverse((natural + rows - np.step) & (rows - 1),
                                          static_cast<uint32_t>(log_rows));
                };
                value += (next * gather([&](size_t r) { return inv_zeta[previous(r)]; }, i) +
                          (next + packed_next_delta[point]) *
                              gather([&](size_t r) { return inv_zeta2[previous(r)]; }, i)) *
                         packed_w_inv[point];
              }
              std::array<BabyBear4, kLanes> out;
              UnpackExtension(value, out.data());
              std::copy_n(out.begin(), lanes,
                          fri_input.begin() + static_cast<std::ptrdiff_t>(first + i));
            }
          });
    }

    progress("FRI", 0.8);
    std::vector<uint64_t> indices;
    std::vector<std::vector<BabyBear4>> fri_inputs;
    fri_inputs.push_back(std::move(fri_input));
    const std::vector<size_t> degree_bounds = {fri_shape.degree_bound};
    fri::FriParams fri_params = ProofFriParams(config, fri_shape);
    if (options.grinding_bits) fri_params.pow_bits = *options.grinding_bits;
    proof.fri = fri::Prove(fri_params, std::move(fri_inputs), degree_bounds, challenger, &indices);

    auto open = [&](const merkle::MerkleTree& tree) {
      std::vector<uint64_t> shifted(indices.size());
      for (size_t q = 0; q < indices.size(); ++q) {
        shifted[q] = indices[q] >> (log_max - tree.log_max_height());
      }
      return tree.Open(shifted);
    };
    progress("query openings", 0.97);
    if (pk.preprocessed_tree) proof.preprocessed_queries = open(*pk.preprocessed_tree);
    proof.main_queries = open(main_tree);
    if (aux_tree) proof.aux_queries = open(*aux_tree);
    proof.quotient_queries = open(quotient_tree);
  }
  progress("done", 1.0);
  return proof;
}

}  // namespace

StarkProof Prove(const ProvingKey& pk, std::span<const ProverTable* const> tables,
                 std::span<const TableWitness> witnesses, const ProveOptions& options) {
  return ProveImpl(pk, tables, witnesses, nullptr, options);
}

StarkProof ProveConsuming(const ProvingKey& pk, std::span<const ProverTable* const> tables,
                          std::vector<TableWitness> witnesses, const ProveOptions& options) {
  return ProveImpl(pk, tables, witnesses, &witnesses, options);
}

}  // namespace prova::stark
