// Integer kernels of the model interpreter (model.h): int8 activations and weights, int32
// accumulators, fixed-point requantisation. Written for RV32IM cycle counts, since proving cost
// grows with cycles: the multiply-accumulate loops keep four accumulators in registers so each
// input byte is loaded once for four outputs (about 3.3 instructions per MAC instead of 4-7).
// Parameters are trusted here: Model::Load validated them.
#ifndef PROVA_NN_KERNELS_H_
#define PROVA_NN_KERNELS_H_

#include <cstdint>
#include <cstring>

#include "prova/nn/format.h"

namespace prova::nn {

// round(acc * multiplier / 2^shift), ties toward +infinity, in 64 bits (no overflow: |acc| <
// 2^31, |multiplier| <= 2^31, shift <= 62).
inline int64_t Requantize(int64_t acc, int32_t multiplier, int32_t shift) {
  return (acc * multiplier + (int64_t{1} << (shift - 1))) >> shift;
}

inline int8_t SaturateInt8(int64_t value, int32_t low) {
  return static_cast<int8_t>(value < low ? low : value > 127 ? 127 : value);
}

inline int32_t ActivationLow(uint32_t activation) {
  return activation == static_cast<uint32_t>(Activation::kRelu) ? 0 : -128;
}

inline void DenseLayer(const DenseParams& p, const int8_t* x, int8_t* y) {
  const uint32_t padded = (p.out_features + 3) / 4 * 4;
  const int32_t* bias = reinterpret_cast<const int32_t*>(&p + 1);
  const int32_t* multiplier = bias + padded;
  const int32_t* shift = multiplier + padded;
  const int8_t* weights = reinterpret_cast<const int8_t*>(shift + padded);
  const int32_t low = ActivationLow(p.activation);
  const uint32_t k_count = p.in_features;
  for (uint32_t b = 0; b < p.batch; ++b, x += k_count, y += p.out_features) {
    for (uint32_t n = 0; n < padded; n += 4) {
      const int8_t* w = weights + static_cast<size_t>(n) * k_count;
      int32_t acc0 = bias[n], acc1 = bias[n + 1], acc2 = bias[n + 2], acc3 = bias[n + 3];
#pragma GCC unroll 4
      for (uint32_t k = 0; k < k_count; ++k, w += 4) {
        const int32_t v = x[k];
        acc0 += v * w[0];
        acc1 += v * w[1];
        acc2 += v * w[2];
        acc3 += v * w[3];
      }
      const int32_t acc[4] = {acc0, acc1, acc2, acc3};
      for (uint32_t j = 0; j < 4 && n + j < p.out_features; ++j) {
        y[n + j] = SaturateInt8(Requantize(acc[j], multiplier[n + j], shift[n + j]), low);
      }
    }
  }
}

// Accumulates one output pixel for `Block` output channels. `in` points at the window's top-left
// in the zero-padded input of the group's first input channel. KernelW > 0 is a kernel width known
// at compile time (with dilation 1): the tap loop unrolls into constant offsets.
template <uint32_t Block, uint32_t KernelW>
inline void ConvPixel(const ConvParams& p, const int8_t* in, uint32_t channel_stride,
                      uint32_t row_stride, const int8_t* w, int32_t* acc) {
  const uint32_t cin_group = p.cin / p.groups;
  const uint32_t step_h = p.dilation_h * row_stride, step_w = p.dilation_w;
  for (uint32_t ic = 0; ic < cin_group; ++ic, in += channel_stride) {
    const int8_t* row = in;
    for (uint32_t ky = 0; ky < p.kernel_h; ++ky, row += step_h) {
      if constexpr (KernelW > 0) {
#pragma GCC unroll 8
        for (uint32_t kx = 0; kx < KernelW; ++kx, w += Block) {
          const int32_t v = row[kx];
          for (uint32_t j = 0; j < Block; ++j) acc[j] += v * w[j];
        }
      } else {
        const int8_t* px = row;
        for (uint32_t kx = 0; kx < p.kernel_w; ++kx, px += step_w, w += Block) {
          const int32_t v = *px;
          for (uint32_t j = 0; j < Block; ++j) acc[j] += v * w[j];
        }
      }
    }
  }
}

template <uint32_t Block, uint32_t KernelW>
inline void ConvBlocks(const ConvParams& p, const int8_t* padded, uint32_t padded_h,
                       uint32_t padded_w, int8_t* y) {
  const int32_t* bias = reinterpret_cast<const int32_t*>(&p + 1);
  const int32_t* multiplier = bias + p.cout;
  const int32_t* shift = multiplier + p.cout;
  const int8_t* weights = reinterpret_cast<const int8_t*>(shift + p.cout);
  const uint32_t cin_group = p.cin / p.groups, cout_group = p.cout / p.groups;
  const uint32_t block_weights = cin_group * p.kernel_h * p.kernel_w * Block;
  const uint32_t channel_stride = padded_h * padded_w;
  const uint32_t out_plane = p.out_height * p.out_width;
  const int32_t low = ActivationLow(p.activation);
  for (uint32_t oc = 0; oc < p.cout; oc += Block) {
    const int8_t* w = weights + static_cast<size_t>(oc / Block) * block_weights;
    const int8_t* group_in =
        padded + static_cast<size_t>(oc / cout_group) * cin_group * channel_stride;
    int8_t* out = y + static_cast<size_t>(oc) * out_plane;
    for (uint32_t oy = 0; oy < p.out_height; ++oy) {
      const int8_t* row_in = group_in + static_cast<size_t>(oy) * p.stride_h * padded_w;
      for (uint32_t ox = 0; ox < p.out_width; ++ox) {
        int32_t acc[Block];
        for (uint32_t j = 0; j < Block; ++j) acc[j] = bias[oc + j];
        ConvPixel<Block, KernelW>(p, row_in + ox * p.stride_w, channel_stride, padded_w, w, acc);
        const uint32_t at = oy * p.out_width + ox;
        for (uint32_t j = 0; j < Block; ++j) {
          out[j * out_plane + at] =
              SaturateInt8(Requantize(acc[j], multiplier[oc + j], shift[oc + j]), low);
        }
      }
    }
  }
}

// Copies each image into `scratch` with its zero padding (zero point 0), so the inner loops have
// no bounds checks.
inline void ConvLayer(const ConvParams& p, const int8_t* x, int8_t* y, int8_t* scratch) {
  const uint32_t padded_h = p.height + p.pad_top + p.pad_bottom;
  const uint32_t padded_w = p.width + p.pad_left + p.pad_right;
  const size_t in_image = static_cast<size_t>(p.cin) * p.height * p.width;
  const size_t out_image = static_cast<size_t>(p.cout) * p.out_height * p.out_width;
  for (uint32_t b = 0; b < p.batch; ++b) {
    const int8_t* image = x + b * in_image;
    std::memset(scratch, 0, static_cast<size_t>(p.cin) * padded_h * padded_w);
    for (uint32_t c = 0; c < p.cin; ++c) {
      for (uint32_t r = 0; r < p.height; ++r) {
        std::memcpy(
            scratch + (static_cast<size_t>(c) * padded_h + r + p.pad_top) * padded_w + p.pad_left,
            image + (static_cast<size_t>(c) * p.height + r) * p.width, p.width);
      }
    }
    int8_t* out = y + b * out_image;
    // Common kernel widths get unrolled tap loops.
    const uint32_t width = p.dilation_w == 1 ? p.kernel_w : 0;
    if (p.block == 4) {
      if (width == 3)
        ConvBlocks<4, 3>(p, scratch, padded_h, padded_w, out);
      else if (width == 1)
        ConvBlocks<4, 1>(p, scratch, padded_h, padded_w, out);
      else if (width == 5)
        ConvBlocks<4, 5>(p, scratch, padded_h, padded_w, out);
      else
        ConvBlocks<4, 0>(p, scratch, padded_h, padded_w, out);
    } else {
      if (width == 3)
        ConvBlocks<1, 3>(p, scratch, padded_h, padded_w, out);
      else
        ConvBlocks<1, 0>(p, scratch, padded_h, padded_w, out);
    }
  }
}

// Calls visit(value) for each in-bounds element of the window of output (oy, ox); returns the
// number of in-bounds elements.
template <typename Visit>
inline uint32_t PoolWindow(const PoolParams& p, const int8_t* plane, uint32_t oy, uint32_t ox,
                           Visit visit) {
  uint32_t count = 0;
  for (uint32_t ky = 0; ky < p.kernel_h; ++ky) {
    const int64_t iy = int64_t{oy} * p.stride_h + int64_t{ky} * p.dilation_h - p.pad_top;
    if (iy < 0 || iy >= p.height) continue;
    for (uint32_t kx = 0; kx < p.kernel_w; ++kx) {
      const int64_t ix = int64_t{ox} * p.stride_w + int64_t{kx} * p.dilation_w - p.pad_left;
      if (ix < 0 || ix >= p.width) continue;
      visit(plane[iy * p.width + ix]);
      ++count;
    }
  }
  return count;
}

inline void MaxPoolLayer(const PoolParams& p, const int8_t* x, int8_t* y) {
  // Without padding, every window whose last row and column are inside the input needs no bounds
  // checks (the common 2x2 / stride 2 pooling): the fast path covers them.
  const uint32_t extent_h = (p.kernel_h - 1) * p.dilation_h,
                 extent_w = (p.kernel_w - 1) * p.dilation_w;
  const bool unpadded = p.pad_top == 0 && p.pad_left == 0;
  for (uint32_t c = 0; c < p.planes; ++c) {
    const int8_t* plane = x + static_cast<size_t>(c) * p.height * p.width;
    for (uint32_t oy = 0; oy < p.out_height; ++oy) {
      const uint32_t iy = oy * p.stride_h;
      for (uint32_t ox = 0; ox < p.out_width; ++ox) {
        const uint32_t ix = ox * p.stride_w;
        // In 64 bits: (out - 1) * stride + extent can pass 2^32 (the loader bounds each term).
        if (unpadded && uint64_t{iy} + extent_h < p.height && uint64_t{ix} + extent_w < p.width) {
          const int8_t* row = plane + iy * p.width + ix;
          int32_t best = -128;
          for (uint32_t ky = 0; ky < p.kernel_h; ++ky, row += p.dilation_h * p.width) {
            for (uint32_t kx = 0; kx < p.kernel_w; ++kx) {
              const int32_t v = row[kx * p.dilation_w];
              best = v > best ? v : best;
            }
          }
          *y++ = static_cast<int8_t>(best);
          continue;
        }
        int32_t best = -128;
        PoolWindow(p, plane, oy, ox, [&](int32_t v) { best = v > best ? v : best; });
        *y++ = static_cast<int8_t>(best);
      }
    }
  }
}

inline void AveragePoolLayer(const PoolParams& p, const int8_t* x, int8_t* y) {
  const int32_t* multiplier = reinterpret_cast<const int32_t*>(&p + 1);
  const int32_t* shift = multiplier + p.kernel_h * p.kernel_w;
  for (uint32_t c = 0; c < p.planes; ++c) {
    const int8_t* plane = x + static_cast<size_t>(c) * p.height * p.width;
    for (uint32_t oy = 0; oy < p.out_height; ++oy) {
      for (uint32_t ox = 0; ox < p.out_width; ++ox) {
        int32_t sum = 0;
        uint32_t count = PoolWindow(p, plane, oy, ox, [&](int32_t v) { sum += v; });
        if (p.count_include_pad) count = p.kernel_h * p.kernel_w;
        // A window entirely in the padding averages nothing: 0.
        *y++ = count == 0
                   ? 0
                   : SaturateInt8(Requantize(sum, multiplier[count - 1], shift[count - 1]), -128);
      }
    }
  }
}

inline void BinaryLayer(const BinaryParams& p, const int8_t* a, const int8_t* b, int8_t* y) {
  const int32_t low = ActivationLow(p.activation);
  const int64_t round = int64_t{1} << (p.shift - 1);
  uint32_t index[kMaxRank] = {};
  uint32_t ia = 0, ib = 0;
  uint32_t count = 1;
  for (uint32_t d = 0; d < kMaxRank; ++d) count *= p.dims[d];
  const bool add = p.kind == static_cast<uint32_t>(BinaryKind::kAdd);
  for (uint32_t i = 0; i < count; ++i) {
    int64_t value;
    if (add) {
      value =
          (int64_t{a[ia]} * p.multiplier_a + int64_t{b[ib]} * p.multiplier_b + round) >> p.shift;
    } else {
      value = (int64_t{a[ia] * b[ib]} * p.multiplier_a + round) >> p.shift;
    }
    y[i] = SaturateInt8(value, low);
    // Odometer over the broadcast shape, innermost dimension last.
    for (int d = kMaxRank - 1; d >= 0; --d) {
      ia += p.a_strides[d];
      ib += p.b_strides[d];
      if (++index[d] < p.dims[d]) break;
      ia -= p.a_strides[d] * p.dims[d];
      ib -= p.b_strides[d] * p.dims[d];
      index[d] = 0;
    }
  }
}

inline void LookupLayer(const LookupParams& p, const int8_t* x, int8_t* y) {
  const int8_t* table = reinterpret_cast<const int8_t*>(&p + 1);
  for (uint32_t i = 0; i < p.count; ++i) y[i] = table[static_cast<uint8_t>(x[i])];
}

inline void SoftmaxLayer(const SoftmaxParams& p, const int8_t* x, int8_t* y) {
  const uint32_t* exp_table = reinterpret_cast<const uint32_t*>(&p + 1);
  for (uint32_t o = 0; o < p.outer; ++o, x += p.length, y += p.length) {
    int32_t max = -128;
    for (uint32_t i = 0; i < p.length; ++i) max = x[i] > max ? x[i] : max;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < p.length; ++i) sum += exp_table[max - x[i]];
    // The largest term is 2^16, so sum > 0; the quotient is in [0, 127].
    for (uint32_t i = 0; i < p.length; ++i) {
      y[i] = static_cast<int8_t>((exp_table[max - x[i]] * 127u + sum / 2) / sum);
    }
  }
}

inline void ArgMaxLayer(const ArgMaxParams& p, const int8_t* x, int8_t* y) {
  for (uint32_t o = 0; o < p.outer; ++o) {
    for (uint32_t in = 0; in < p.inner; ++in) {
      const int8_t* v = x + static_cast<size_t>(o) * p.length * p.inner + in;
      uint32_t best = 0;
      for (uint32_t i = 1; i < p.length; ++i) {
        const int8_t candidate = v[i * p.inner], current = v[best * p.inner];
        if (candidate > current || (p.select_last && candidate == current)) best = i;
      }
      y[o * p.inner + in] = static_cast<int8_t>(best);
    }
  }
}

inline void ChannelAffineLayer(const ChannelAffineParams& p, const int8_t* x, int8_t* y) {
  const int32_t* multiplier = reinterpret_cast<const int32_t*>(&p + 1);
  const int32_t* shift = multiplier + p.channels;
  const int32_t* bias = shift + p.channels;  // (lo, hi) pairs
  const int32_t low = ActivationLow(p.activation);
  for (uint32_t o = 0; o < p.outer; ++o) {
    for (uint32_t c = 0; c < p.channels; ++c) {
      const int64_t b = static_cast<int64_t>(
          (static_cast<uint64_t>(static_cast<uint32_t>(bias[2 * c + 1])) << 32) |
          static_cast<uint32_t>(bias[2 * c]));
      const int64_t round = int64_t{1} << (shift[c] - 1);
      for (uint32_t i = 0; i < p.inner; ++i) {
        *y++ = SaturateInt8((int64_t{*x++} * multiplier[c] + b + round) >> shift[c], low);
      }
    }
  }
}

inline void MatMulLayer(const MatMulParams& p, const int8_t* a, const int8_t* b, int8_t* y) {
  const int64_t round = int64_t{1} << (p.shift - 1);
  for (uint32_t batch = 0; batch < p.batch; ++batch) {
    const int8_t* a_batch = a + static_cast<size_t>(batch) * p.a_batch_stride;
    const int8_t* b_batch = b + static_cast<size_t>(batch) * p.b_batch_stride;
    for (uint32_t m = 0; m < p.rows; ++m) {
      const int8_t* row = a_batch + static_cast<size_t>(m) * p.inner;
      for (uint32_t n = 0; n < p.cols; ++n) {
        const int8_t* column = b_batch + n;
        int32_t acc = 0;
        for (uint32_t k = 0; k < p.inner; ++k) acc += row[k] * column[k * p.cols];
        *y++ = SaturateInt8((int64_t{acc} * p.multiplier + round) >> p.shift, -128);
      }
    }
  }
}

inline void TransposeLayer(const TransposeParams& p, const int8_t* x, int8_t* y) {
  uint32_t count = 1;
  for (uint32_t d = 0; d < kMaxRank; ++d) count *= p.dims[d];
  uint32_t index[kMaxRank] = {};
  uint32_t from = 0;
  for (uint32_t i = 0; i < count; ++i) {
    y[i] = x[from];
    for (int d = kMaxRank - 1; d >= 0; --d) {
      from += p.in_strides[d];
      if (++index[d] < p.dims[d]) break;
      from -= p.in_strides[d] * p.dims[d];
      index[d] = 0;
    }
  }
}

// floor(sqrt(v)), bit by bit (a handful of calls per row, not on the hot path).
inline uint64_t IntegerSqrt(uint64_t v) {
  uint64_t result = 0, bit = uint64_t{1} << 62;
  while (bit > v) bit >>= 2;
  while (bit != 0) {
    if (v >= result + bit) {
      v -= result + bit;
      result = (result >> 1) + bit;
    } else {
      result >>= 1;
    }
    bit >>= 2;
  }
  return result;
}

inline void LayerNormLayer(const LayerNormParams& p, const int8_t* x, int8_t* y) {
  const int32_t* gain = reinterpret_cast<const int32_t*>(&p + 1);
  const int32_t* bias = gain + p.length;  // (lo, hi) pairs
  const uint64_t epsilon = uint64_t{p.epsilon_hi} << 32 | p.epsilon_lo;
  const int32_t length = static_cast<int32_t>(p.length);
  for (uint32_t o = 0; o < p.outer; ++o, x += p.length, y += p.length) {
    int32_t sum = 0;
    for (int32_t i = 0; i < length; ++i) sum += x[i];
    uint64_t squares = 0;
    for (int32_t i = 0; i < length; ++i) {
      const int64_t d = int64_t{length} * x[i] - sum;
      squares += static_cast<uint64_t>(d * d);
    }
    uint64_t root = IntegerSqrt(squares / p.length + epsilon);
    if (root == 0) root = 1;
    const int64_t reciprocal = static_cast<int64_t>((uint64_t{1} << 40) / root);
    for (int32_t i = 0; i < length; ++i) {
      const int64_t d = int64_t{length} * x[i] - sum;
      const int64_t normalized = (d * reciprocal + (int64_t{1} << 24)) >> 25;  // Q15
      const int64_t b = static_cast<int64_t>(
          (static_cast<uint64_t>(static_cast<uint32_t>(bias[2 * i + 1])) << 32) |
          static_cast<uint32_t>(bias[2 * i]));
      y[i] = SaturateInt8((normalized * gain[i] + b + (int64_t{1} << 23)) >> 24, -128);
    }
  }
}

}  // namespace prova::nn

#endif  // PROVA_NN_KERNELS_H_
