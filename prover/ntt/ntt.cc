#include "prover/ntt/ntt.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "common/error.h"
#include "verifier/field/packed_babybear.h"

namespace prova::ntt {
namespace {

using F = BabyBear;
using P = PackedBabyBear;
constexpr size_t kLanes = P::kWidth;

// Twiddle factors for every layer of every transform up to 2^log_size points, in one table:
// table[h + k] = w_{2h}^k for h = 1, 2, 4, ..., 2^(log_size - 1) and k < h. A radix-2 layer with
// half-size h reads the contiguous slice [h, 2h). Because two_adic_generator(b)^2 ==
// two_adic_generator(b - 1), the entries do not depend on the transform size, so one table (the
// largest requested so far) serves every size.
struct Twiddles {
  uint32_t log_size = 0;
  std::vector<F> forward;
  std::vector<F> inverse;
};

std::shared_ptr<const Twiddles> BuildTwiddles(uint32_t log_size) {
  auto t = std::make_shared<Twiddles>();
  t->log_size = log_size;
  const size_t n = size_t{1} << log_size;
  t->forward.assign(std::max<size_t>(n, 2), F::one());
  t->inverse.assign(std::max<size_t>(n, 2), F::one());
  for (uint32_t bits = 1; bits <= log_size; ++bits) {
    const size_t h = size_t{1} << (bits - 1);
    const F w = F::two_adic_generator(bits);
    const F w_inv = w.inverse();
    // Chunks start from an exact power so that they can be filled in parallel.
    tbb::parallel_for(tbb::blocked_range<size_t>(0, h, 4096), [&](const auto& r) {
      F x = w.pow(r.begin()), y = w_inv.pow(r.begin());
      for (size_t k = r.begin(); k < r.end(); ++k) {
        t->forward[h + k] = x;
        t->inverse[h + k] = y;
        x *= w;
        y *= w_inv;
      }
    });
  }
  return t;
}

std::shared_ptr<const Twiddles> GetTwiddles(uint32_t log_size) {
  static std::mutex mutex;
  static std::shared_ptr<const Twiddles> cached;
  std::lock_guard<std::mutex> lock(mutex);
  if (!cached || cached->log_size < log_size) {
    cached = BuildTwiddles(std::max<uint32_t>(log_size, cached ? cached->log_size : 0));
  }
  return cached;
}

// The radix-2 butterfly on a pair of values (field elements or packed vectors) with twiddle t:
// decimation in frequency (Gentleman-Sande) (x, y) -> (x + y, (x - y) t), decimation in time
// (Cooley-Tukey) (x, y) -> (x + y t, x - y t).
template <bool kDif, class T>
inline void Butterfly(T& x, T& y, const T& t) {
  if constexpr (kDif) {
    const T sum = x + y;
    y = (x - y) * t;
    x = sum;
  } else {
    const T ty = y * t;
    y = x - ty;
    x = x + ty;
  }
}

// --- Butterflies on two rows of `width` elements, packed across the columns. ---
//
// A row whose width is not a multiple of kLanes ends with one vector that overlaps the previous
// one. Its inputs are loaded before the main loop writes anything and it is stored last: each lane
// only depends on its own inputs, so the overlapping lanes get the same values twice. (A scalar
// tail costs about a third of the time at width 100; masked stores are microcoded on AMD.)
template <class Butterfly>
inline void ForEachVectorOfTwoRows(F* a, F* b, size_t width, Butterfly butterfly) {
  if (width < kLanes) {
    for (size_t c = 0; c < width; ++c) butterfly(a[c], b[c]);
    return;
  }
  const size_t last = width - kLanes;
  P tail_a = P::load(a + last), tail_b = P::load(b + last);
  butterfly(tail_a, tail_b);
  for (size_t c = 0; c < last; c += kLanes) {
    P x = P::load(a + c), y = P::load(b + c);
    butterfly(x, y);
    x.store(a + c);
    y.store(b + c);
  }
  tail_a.store(a + last);
  tail_b.store(b + last);
}

// Butterfly on rows a and b with one twiddle.
template <bool kDif>
inline void ButterflyRows(F* a, F* b, F t, size_t width) {
  const P tp(t);
  ForEachVectorOfTwoRows(a, b, width, [&](auto& x, auto& y) {
    if constexpr (std::is_same_v<std::remove_reference_t<decltype(x)>, P>) {
      Butterfly<kDif>(x, y, tp);
    } else {
      Butterfly<kDif>(x, y, t);
    }
  });
}

#if defined(__AVX512F__)
// The butterflies of `count` consecutive row pairs (rows a + r and b + r, twiddle tw[r]) as one
// run of count * width elements per side, instead of one short loop per pair: at width 100 the
// per-pair loop setup and tail cost about as much as a third of the butterflies. A vector that
// straddles two rows takes each lane's twiddle from its row (width >= kLanes, so it meets at
// most one boundary). The run's last kLanes elements, which lie in its last row, are loaded
// first and stored last, as in ForEachVectorOfTwoRows.
template <bool kDif>
inline void RowRunButterflies(F* a, F* b, size_t count, size_t width, const F* tw) {
  const size_t total = count * width;
  const size_t last = total - kLanes;
  P tail_a = P::load(a + last), tail_b = P::load(b + last);
  Butterfly<kDif>(tail_a, tail_b, P(tw[count - 1]));
  size_t row = 0, row_end = width;  // the row of element e, and where that row ends
  for (size_t e = 0; e < last; e += kLanes) {
    P t(tw[row]);
    if (e + kLanes > row_end) {
      // Lanes from row_end - e on belong to the next row.
      const auto next_row_lanes = static_cast<__mmask16>(0xFFFFu << (row_end - e));
      t = P::from_vector(
          _mm512_mask_blend_epi32(next_row_lanes, t.vector(), P(tw[row + 1]).vector()));
    }
    P x = P::load(a + e), y = P::load(b + e);
    Butterfly<kDif>(x, y, t);
    x.store(a + e);
    y.store(b + e);
    if (e + kLanes >= row_end) {
      ++row;
      row_end += width;
    }
  }
  tail_a.store(a + last);
  tail_b.store(b + last);
}
#endif

// One radix-2 layer inside rows [base, base + 2h): butterflies k in [k0, k1) pair rows base + k
// and base + k + h with twiddle tw[k]. A single column is vectorised along k instead of columns.
template <bool kDif>
inline void LayerRange(F* data, size_t width, size_t base, size_t h, size_t k0, size_t k1,
                       const F* tw) {
  if (width == 1) {
    F* a = data + base;
    F* b = a + h;
    size_t k = k0;
    for (; k + kLanes <= k1; k += kLanes) {
      P x = P::load(a + k), y = P::load(b + k);
      Butterfly<kDif>(x, y, P::load(tw + k));
      x.store(a + k);
      y.store(b + k);
    }
    for (; k < k1; ++k) Butterfly<kDif>(a[k], b[k], tw[k]);
    return;
  }
#if defined(__AVX512F__)
  if (width >= kLanes && k1 - k0 >= 2) {
    RowRunButterflies<kDif>(data + (base + k0) * width, data + (base + k0 + h) * width, k1 - k0,
                            width, tw + k0);
    return;
  }
#endif
  for (size_t k = k0; k < k1; ++k) {
    F* a = data + (base + k) * width;
    ButterflyRows<kDif>(a, a + h * width, tw[k], width);
  }
}

// Rows per cache block: the layers with half-size < block rows run block by block while the block
// sits in L2 (1 MiB per core here; a quarter leaves room for twiddles and the other buffers).
constexpr size_t kCacheBlockElements = size_t{1} << 16;
// What a fused group of rows may occupy so that it stays in L1 (48 KiB per core here).
constexpr size_t kL1Bytes = size_t{32} << 10;
// Layers with half-size >= block rows are fused up to this many per pass over memory.
// (4 measured as fast as 6 or 7 at 2^20 x 100: the passes are not the bottleneck.)
constexpr int kMaxFusedLayers = 4;
// Elements of work per TBB task, so that tiny tasks do not dominate.
constexpr size_t kGrainElements = size_t{1} << 13;

size_t CacheBlockRows(size_t n, size_t width) {
  size_t rows = std::bit_floor(std::max<size_t>(1, kCacheBlockElements / width));
  return std::min(rows, n);
}

// Values per chunk of SmallLayersOfColumn: a kLanes x kLanes square.
constexpr size_t kSquare = kLanes * kLanes;

// The layers with half-size h in [h_low, h_high] (h < kLanes) of a single column, on squares of
// kSquare consecutive values [begin, end): loaded transposed, so vector c holds the values c,
// kLanes + c, 2 kLanes + c, ..., a layer pairs vector c with vector c + h under one twiddle,
// table[h + c mod h], and the square is transposed back. Along the column these layers would pair
// values inside one vector and run one element at a time: about two thirds of the time of a
// column's transform (the quotient's, the DEEP quotient's and the FRI mask's extension columns).
template <bool kDif>
void SmallLayersOfColumn(F* data, size_t begin, size_t end, size_t h_low, size_t h_high,
                         const F* table) {
  std::array<P, kLanes> twiddles;  // twiddles[h + k] = table[h + k] in every lane, h < kLanes
  for (size_t i = 1; i < kLanes; ++i) twiddles[i] = P(table[i]);
  std::array<P, kLanes> v;
  std::array<F, kSquare> transposed;
  auto layer = [&](size_t h) {
    for (size_t c = 0; c < kLanes; ++c) {
      if ((c & h) == 0) Butterfly<kDif>(v[c], v[c + h], twiddles[h + (c & (h - 1))]);
    }
  };
  for (size_t square = begin; square < end; square += kSquare) {
    LoadRowsTransposed(data + square, kLanes, v.data());
    if constexpr (kDif) {
      for (size_t h = h_high; h >= h_low; h >>= 1) layer(h);
    } else {
      for (size_t h = h_low; h <= h_high; h <<= 1) layer(h);
    }
    for (size_t c = 0; c < kLanes; ++c) v[c].store(transposed.data() + c * kLanes);
    LoadRowsTransposed(transposed.data(), kLanes, v.data());
    for (size_t r = 0; r < kLanes; ++r) v[r].store(data + square + r * kLanes);
  }
}

// Layers with half-size h in [h_low, h_high] (powers of two, each < block_rows) within each
// block of block_rows rows. kDif runs them from h_high down, DIT from h_low up.
template <bool kDif>
void BlockLocalLayers(F* data, size_t n, size_t width, size_t block_rows, size_t h_low,
                      size_t h_high, const F* table) {
  if (h_low > h_high) return;
  const size_t blocks = n / block_rows;
  // A single column's layers with h < kLanes go square by square (SmallLayersOfColumn).
  const bool squares = width == 1 && block_rows >= kSquare && h_low < kLanes;
  const size_t h_vector = squares ? std::max(h_low, kLanes) : h_low;
  const size_t h_small = std::min(h_high, kLanes / 2);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, blocks), [&](const auto& r) {
    for (size_t block = r.begin(); block < r.end(); ++block) {
      const size_t first = block * block_rows;
      auto layer = [&](size_t h) {
        for (size_t base = first; base < first + block_rows; base += 2 * h) {
          LayerRange<kDif>(data, width, base, h, 0, h, table + h);
        }
      };
      if constexpr (kDif) {
        for (size_t h = h_high; h >= h_vector; h >>= 1) layer(h);
        if (squares)
          SmallLayersOfColumn<true>(data, first, first + block_rows, h_low, h_small, table);
      } else {
        if (squares)
          SmallLayersOfColumn<false>(data, first, first + block_rows, h_low, h_small, table);
        for (size_t h = h_vector; h <= h_high; h <<= 1) layer(h);
      }
    }
  });
}

// dst[c] = src[c] * factor for c < width (src == dst allowed). Same overlapping tail as above.
inline void ScaleRow(const F* src, F* dst, size_t width, F factor) {
  if (width < kLanes) {
    for (size_t c = 0; c < width; ++c) dst[c] = src[c] * factor;
    return;
  }
  const P f(factor);
  const size_t last = width - kLanes;
  const P tail = P::load(src + last) * f;
  for (size_t c = 0; c < last; c += kLanes) (P::load(src + c) * f).store(dst + c);
  tail.store(dst + last);
}

// dst[c] += src[c] * factor for c < width (no overlapping tail: lanes must not add twice).
inline void AddScaledRow(const F* src, F* dst, size_t width, F factor) {
  const P f(factor);
  size_t c = 0;
  for (; c + kLanes <= width; c += kLanes) {
    (P::load(dst + c) + P::load(src + c) * f).store(dst + c);
  }
  for (; c < width; ++c) dst[c] += src[c] * factor;
}

// The rows of an LDE block computed from a matrix of `count` coefficient rows, folded with period
// m (the block's height): row r < m is the sum over t of rows[r + t m] * scales[r] * c_m^t (zero
// when r >= count). A transform's first pass can fill each row just before its butterflies, while
// it is in L1, instead of a pass of its own over the matrix (coset_lde_block).
struct ScaledSource {
  const F* rows;
  const F* scales;
  size_t count;
  size_t m;
  F c_m;
  void Fill(size_t r, F* dst, size_t width) const {
    if (r >= count) {
      std::fill_n(dst, width, F::zero());
      return;
    }
    ScaleRow(rows + r * width, dst, width, scales[r]);
    F factor = scales[r];
    for (size_t j = r + m; j < count; j += m) {
      factor *= c_m;
      AddScaledRow(rows + j * width, dst, width, factor);
    }
  }
};

// `layers` consecutive layers in one pass over memory: a group of 2^layers rows j * s + k
// (j < 2^layers) inside a block of 2^layers * s rows closes under those layers (half-sizes s,
// 2s, ..., s * 2^(layers-1)), so each group is loaded once and transformed in L1. With a source
// (ScaledSource), each group's rows are filled from it first.
template <bool kDif>
void FusedGlobalLayers(F* data, size_t n, size_t width, size_t s, uint32_t layers, const F* table,
                       const ScaledSource* source = nullptr) {
  const size_t group_rows = size_t{1} << layers;
  const size_t span = s * group_rows;  // rows per outer block
  const size_t groups = n / group_rows;
  // Butterfly j-pairs for layer step l (DIF walks half-sizes down, DIT up).
  auto half_of = [&](uint32_t l) -> size_t {
    return kDif ? size_t{1} << (layers - 1 - l) : size_t{1} << l;
  };
  if (width == 1 && s >= kLanes && source == nullptr) {
    // One column: kLanes consecutive k at once, twiddles loaded as vectors.
    const size_t vec_groups = groups / kLanes;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, vec_groups, 16), [&](const auto& r) {
      std::array<P, size_t{1} << kMaxFusedLayers> v;
      for (size_t g = r.begin(); g < r.end(); ++g) {
        const size_t k = (g * kLanes) % s;
        F* base = data + (g * kLanes) / s * span + k;
        for (size_t j = 0; j < group_rows; ++j) v[j] = P::load(base + j * s);
        for (uint32_t l = 0; l < layers; ++l) {
          const size_t half = half_of(l);
          const size_t h = half * s;
          for (size_t j = 0; j < group_rows; ++j) {
            if (j & half) continue;
            Butterfly<kDif>(v[j], v[j + half], P::load(table + h + k + (j & (half - 1)) * s));
          }
        }
        for (size_t j = 0; j < group_rows; ++j) v[j].store(base + j * s);
      }
    });
    return;
  }
  // Groups go in runs of `run` consecutive ones (consecutive k, one outer block): the rows j of a
  // run are `run` consecutive rows, whose butterflies RowRunButterflies takes in one loop, and
  // the run's 2^layers x run rows still fit in L1.
  size_t run = 1;
#if defined(__AVX512F__)
  if (width >= kLanes) {
    while (run * 2 <= s && run * 2 * group_rows * width * sizeof(F) <= kL1Bytes) run *= 2;
  }
#endif
  const size_t grain = std::max<size_t>(1, kGrainElements / (width * group_rows * run));
  tbb::parallel_for(tbb::blocked_range<size_t>(0, groups / run, grain), [&](const auto& r) {
    std::array<F*, size_t{1} << kMaxFusedLayers> rows;
    for (size_t u = r.begin(); u < r.end(); ++u) {
      const size_t g = u * run;
      const size_t k = g % s;
      const size_t first = g / s * span + k;
      for (size_t j = 0; j < group_rows; ++j) rows[j] = data + (first + j * s) * width;
      if (source != nullptr) {
        for (size_t j = 0; j < group_rows; ++j) {
          for (size_t t = 0; t < run; ++t)
            source->Fill(first + j * s + t, rows[j] + t * width, width);
        }
      }
      for (uint32_t l = 0; l < layers; ++l) {
        const size_t half = half_of(l);
        const size_t h = half * s;
        for (size_t j = 0; j < group_rows; ++j) {
          if (j & half) continue;
          const F* t = table + h + k + (j & (half - 1)) * s;
#if defined(__AVX512F__)
          if (run > 1) {
            RowRunButterflies<kDif>(rows[j], rows[j + half], run, width, t);
            continue;
          }
#endif
          ButterflyRows<kDif>(rows[j], rows[j + half], *t, width);
        }
      }
    }
  });
}

// `global_layers` layers split into as few passes as kMaxFusedLayers allows, as evenly as possible.
std::vector<uint32_t> SplitIntoPasses(int global_layers) {
  std::vector<uint32_t> passes;
  for (int left = global_layers; left > 0;) {
    const int passes_left = (left + kMaxFusedLayers - 1) / kMaxFusedLayers;
    const int layers = (left + passes_left - 1) / passes_left;
    passes.push_back(static_cast<uint32_t>(layers));
    left -= layers;
  }
  return passes;
}

// A matrix narrower than a vector (an extension column as 4 base columns: the quotient, the DEEP
// quotient, the FRI mask) would run its butterflies one element at a time, the scalar branch of
// ForEachVectorOfTwoRows. Each column is transformed on its own instead, copied out contiguously,
// where the single-column code vectorises along the rows (2^22 x 4: 188 -> 80 ms, field_bench).
// Returns false, doing nothing, for the shapes the row-wise code handles well.
template <class Transform>
bool TransformColumnsApart(RowMajorView<F> m, Transform transform) {
  const size_t n = m.height(), width = m.width();
  constexpr size_t kMinRows = size_t{1} << 12;  // below, the copies cost more than they save
  if (width <= 1 || width >= kLanes || n < kMinRows) return false;
  RowMajorMatrix<F> columns = RowMajorMatrix<F>::uninitialized(width, n);  // row c = column c
  auto copy = [&](bool to_columns) {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, kGrainElements), [&](const auto& r) {
      for (size_t c = 0; c < width; ++c) {
        F* column = columns.data() + c * n;
        for (size_t i = r.begin(); i < r.end(); ++i) {
          F& cell = m.data()[i * width + c];
          if (to_columns) {
            column[i] = cell;
          } else {
            cell = column[i];
          }
        }
      }
    });
  };
  copy(true);
  for (size_t c = 0; c < width; ++c) transform(RowMajorView<F>(columns.data() + c * n, n, 1));
  copy(false);
  return true;
}

// Whether Dif of an n x width matrix starts with a pass of fused global layers over whole rows,
// which can read its input from a ScaledSource.
bool DifStartsWithGlobalPass(size_t n, size_t width) {
  return width >= kLanes && CacheBlockRows(n, width) < n;
}

// Radix-2 decimation in frequency over all layers: natural order in, bit-reversed out. With a
// source (DifStartsWithGlobalPass only), the input rows are the source's, not m's.
void Dif(RowMajorView<F> m, const F* table, const ScaledSource* source = nullptr) {
  const size_t n = m.height(), width = m.width();
  if (n <= 1 || width == 0) return;
  PROVA_CHECK(source == nullptr || DifStartsWithGlobalPass(n, width),
              "a scaled source needs a first pass over whole rows");
  if (TransformColumnsApart(m, [&](RowMajorView<F> column) { Dif(column, table); })) return;
  const size_t block_rows = CacheBlockRows(n, width);
  // Global layers: half-sizes n/2 down to block_rows, fused from the top.
  size_t h = n / 2;
  for (uint32_t layers : SplitIntoPasses(std::countr_zero(n) - std::countr_zero(block_rows))) {
    FusedGlobalLayers<true>(m.data(), n, width, h >> (layers - 1), layers, table, source);
    source = nullptr;
    h >>= layers;
  }
  BlockLocalLayers<true>(m.data(), n, width, block_rows, 1, std::min(h, block_rows / 2), table);
}

// Radix-2 decimation in time over layers with half-size >= h_start: bit-reversed in, natural
// out. h_start > 1 skips the first layers, which the LDE replaces by copying rows.
void Dit(RowMajorView<F> m, const F* table, size_t h_start = 1) {
  const size_t n = m.height(), width = m.width();
  if (n <= 1 || width == 0 || h_start >= n) return;
  if (TransformColumnsApart(m, [&](RowMajorView<F> column) { Dit(column, table, h_start); })) {
    return;
  }
  const size_t block_rows = CacheBlockRows(n, width);
  BlockLocalLayers<false>(m.data(), n, width, block_rows, h_start, block_rows / 2, table);
  size_t h = std::max(h_start, block_rows);
  for (uint32_t layers : SplitIntoPasses(std::countr_zero(n) - std::countr_zero(h))) {
    FusedGlobalLayers<false>(m.data(), n, width, h, layers, table);
    h <<= layers;
  }
}

void Scale(std::span<F> values, F factor) {
  tbb::parallel_for(tbb::blocked_range<size_t>(0, values.size(), 1 << 14), [&](const auto& r) {
    size_t i = r.begin();
    const P f(factor);
    for (; i + kLanes <= r.end(); i += kLanes) (P::load(&values[i]) * f).store(&values[i]);
    for (; i < r.end(); ++i) values[i] *= factor;
  });
}

// powers[j] = start * base^j for j < count, computed in parallel chunks.
std::vector<F> Powers(F base, F start, size_t count) {
  std::vector<F> powers(count);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, count, 4096), [&](const auto& r) {
    F x = start * base.pow(r.begin());
    for (size_t j = r.begin(); j < r.end(); ++j) {
      powers[j] = x;
      x *= base;
    }
  });
  return powers;
}

}  // namespace

uint32_t log2_size(size_t n) {
  PROVA_CHECK(n != 0 && std::has_single_bit(n), "NTT size must be a power of two");
  const uint32_t log_n = static_cast<uint32_t>(std::countr_zero(n));
  PROVA_CHECK(log_n <= kMaxLogSize, "NTT size exceeds BabyBear's two-adicity (2^27)");
  return log_n;
}

void bit_reverse_rows(RowMajorView<F> m) {
  const size_t n = m.height(), width = m.width();
  const uint32_t log_n = log2_size(n);
  if (n <= 2 || width == 0) return;
  if (width <= 4) {
    // Narrow rows: a gather from a copy (independent random reads, sequential writes) is several
    // times faster than swapping pairs of random locations in place.
    std::vector<F> copy(m.values().begin(), m.values().end());
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 4096), [&](const auto& r) {
      for (size_t i = r.begin(); i < r.end(); ++i) {
        const F* src = copy.data() + bit_reverse(i, log_n) * width;
        for (size_t c = 0; c < width; ++c) m.data()[i * width + c] = src[c];
      }
    });
    return;
  }
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1024), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) {
      const size_t j = bit_reverse(i, log_n);
      if (i < j) {
        std::swap_ranges(m.data() + i * width, m.data() + (i + 1) * width, m.data() + j * width);
      }
    }
  });
}

void forward_to_bit_reversed(RowMajorView<F> m) {
  const auto twiddles = GetTwiddles(log2_size(m.height()));
  Dif(m, twiddles->forward.data());
}

void forward(RowMajorView<F> m) {
  forward_to_bit_reversed(m);
  bit_reverse_rows(m);
}

void inverse_to_bit_reversed(RowMajorView<F> m) {
  const uint32_t log_n = log2_size(m.height());
  const auto twiddles = GetTwiddles(log_n);
  Dif(m, twiddles->inverse.data());
  Scale(m.values(), F::from_canonical(static_cast<uint32_t>(m.height())).inverse());
}

void inverse_from_bit_reversed(RowMajorView<F> m) {
  const auto twiddles = GetTwiddles(log2_size(m.height()));
  Dit(m, twiddles->inverse.data());
  Scale(m.values(), F::from_canonical(static_cast<uint32_t>(m.height())).inverse());
}

void inverse(RowMajorView<F> m) {
  bit_reverse_rows(m);
  inverse_from_bit_reversed(m);
}

void coset_lde_into(RowMajorView<const F> evaluations, uint32_t log_blowup, F shift,
                    RowMajorView<F> out, RowOrder order) {
  const size_t n = evaluations.height(), width = evaluations.width();
  const uint32_t log_n = log2_size(n);
  PROVA_CHECK(log_n + log_blowup <= kMaxLogSize, "LDE size exceeds BabyBear's two-adicity");
  const size_t blowup = size_t{1} << log_blowup;
  const size_t big_n = n << log_blowup;
  PROVA_CHECK(out.height() == big_n && out.width() == width, "LDE output has the wrong shape");
  PROVA_CHECK(width == 0 || evaluations.data() + evaluations.size() <= out.data() ||
                  out.data() + out.size() <= evaluations.data(),
              "LDE output overlaps its input");
  if (width == 0) return;
  const auto twiddles = GetTwiddles(log_n + log_blowup);

  // No scratch matrix: the input is copied into out's first n rows and interpolated there
  // (memory is the scarce resource at 2^20 x 100 x blowup 4, and first touches are slow).
  RowMajorView<F> head = out.rows(0, n);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1024), [&](const auto& r) {
    std::memcpy(head.data() + r.begin() * width, evaluations.data() + r.begin() * width,
                (r.end() - r.begin()) * width * sizeof(F));
  });
  // Dif with inverse twiddles: coefficients times n, in bit-reversed order.
  Dif(head, twiddles->inverse.data());
  // Coefficient j is multiplied by shift^j / n, moving the evaluation domain onto the coset.
  const std::vector<F> factors =
      Powers(shift, F::from_canonical(static_cast<uint32_t>(n)).inverse(), n);
  const size_t grain = std::max<size_t>(1, kGrainElements / (width * blowup));

  if (order == RowOrder::kNatural) {
    // Bit-reversed coefficients of size N: coefficient j sits at bitrev_N(j) = bitrev_n(j) *
    // blowup, zeros between. The first log_blowup DIT layers would turn each run of blowup rows
    // (one coefficient then zeros) into blowup copies of it, so write the copies directly:
    // row i of head goes to rows [i * blowup, (i + 1) * blowup).
    auto spread = [&](size_t i) {
      F* dst = out.data() + i * blowup * width;
      ScaleRow(head.data() + i * width, dst, width, factors[bit_reverse(i, log_n)]);
      for (size_t copy = 1; copy < blowup; ++copy) {
        std::memcpy(dst + copy * width, dst, width * sizeof(F));
      }
    };
    if (blowup == 1) {
      tbb::parallel_for(tbb::blocked_range<size_t>(0, n, grain), [&](const auto& r) {
        for (size_t i = r.begin(); i < r.end(); ++i) spread(i);
      });
    } else {
      // In waves from the top: rows [start, end) with start * blowup >= end write only rows at or
      // above end, whose sources an earlier wave has already consumed.
      for (size_t end = n; end > 1;) {
        const size_t start = (end + blowup - 1) / blowup;
        tbb::parallel_for(tbb::blocked_range<size_t>(start, end, grain), [&](const auto& r) {
          for (size_t i = r.begin(); i < r.end(); ++i) spread(i);
        });
        end = start;
      }
      spread(0);  // reads row 0 before writing it
    }
    Dit(out, twiddles->forward.data(), blowup);
  } else {
    // Natural coefficients padded with zeros, then Dif: bit-reversed evaluations.
    bit_reverse_rows(head);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, big_n, grain), [&](const auto& r) {
      for (size_t j = r.begin(); j < r.end(); ++j) {
        F* row = out.data() + j * width;
        if (j < n) {
          ScaleRow(row, row, width, factors[j]);
        } else {
          std::fill_n(row, width, F::zero());
        }
      }
    });
    Dif(out, twiddles->forward.data());
  }
}

F coset_lde_block_shift(uint32_t log_lde, F shift, uint32_t log_block, size_t block) {
  PROVA_CHECK(log_block <= log_lde && log_lde <= kMaxLogSize, "LDE block larger than the LDE");
  // Row k*m + r of the bit-reversed LDE is the point shift * w_N^bitrev_N(k*m + r)
  // = shift * w_N^bitrev_(N/m)(k) * w_m^bitrev_m(r).
  return shift * F::two_adic_generator(log_lde).pow(bit_reverse(block, log_lde - log_block));
}

void coset_lde_block(RowMajorView<const F> coefficients, uint32_t log_lde, F shift,
                     uint32_t log_block, size_t block, RowMajorView<F> out) {
  const size_t degree = coefficients.height(), width = coefficients.width();
  const size_t m = size_t{1} << log_block;
  PROVA_CHECK(log_block <= log_lde && log_lde <= kMaxLogSize, "LDE block larger than the LDE");
  PROVA_CHECK(block < (size_t{1} << (log_lde - log_block)), "LDE block index out of range");
  PROVA_CHECK(degree <= (size_t{1} << log_lde), "more coefficients than LDE points");
  PROVA_CHECK(out.height() == m && out.width() == width, "LDE block output has the wrong shape");
  if (width == 0) return;
  // The block is the coset c * H_m in bit-reversed order (coset_lde_block_shift). On it,
  // p(c * y) = sum_r y^r sum_t a_(r + t m) c^(r + t m), since y^m = 1.
  const F c = coset_lde_block_shift(log_lde, shift, log_block, block);
  const std::vector<F> powers = Powers(c, F::one(), std::min(degree, m));
  const ScaledSource source{coefficients.data(), powers.data(), degree, m, c.pow(m)};
  if (degree <= m && DifStartsWithGlobalPass(m, width)) {
    // One coefficient row per output row (the trace's own blocks without zero knowledge): the
    // transform's first pass scales each row as it loads it. Folding the few rows of a
    // zero-knowledge randomiser there too measured no faster than the pass below (field_bench
    // CosetLdeBlock/20/84/45: 121 to 133 ms against 118 to 120).
    Dif(out, GetTwiddles(log_block)->forward.data(), &source);
    return;
  }
  // A row folds ceil(degree / m) coefficient rows: thousands when a small block (the quotient's
  // overflow coset) takes a whole trace's coefficients, so the grain counts them.
  const size_t row_elements = width * std::max<size_t>(1, (degree + m - 1) / m);
  const size_t grain = std::max<size_t>(1, kGrainElements / row_elements);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, m, grain), [&](const auto& r) {
    for (size_t i = r.begin(); i < r.end(); ++i) source.Fill(i, out.data() + i * width, width);
  });
  forward_to_bit_reversed(out);
}

RowMajorMatrix<F> coset_lde(RowMajorView<const F> evaluations, uint32_t log_blowup, F shift,
                            RowOrder order) {
  PROVA_CHECK(log2_size(evaluations.height()) + log_blowup <= kMaxLogSize,
              "LDE size exceeds BabyBear's two-adicity");
  const size_t big_n = evaluations.height() << log_blowup;
  RowMajorMatrix<F> out = RowMajorMatrix<F>::uninitialized(big_n, evaluations.width());
  coset_lde_into(evaluations, log_blowup, shift, out.view(), order);
  return out;
}

}  // namespace prova::ntt
