// The compiled model file (.pvm): a versioned, little-endian, 4-byte-aligned layout that the guest
// can execute in place, without copying the weights. Written by the host compiler (model/), read
// by prova::nn::Model (model.h) on both the guest and the host.
//
//   FileHeader                      (fixed size, magic "PVM1")
//   TensorEntry[num_tensors]
//   OpEntry[num_ops]
//   blob[blob_size]                 (op parameters and constant tensors, each 4-byte aligned)
//
// Every tensor is int8 with a symmetric scale (real = q * scale, zero point 0), stored row-major in
// one activation arena. Reshape-like ops alias their input's storage, so a tensor's bytes are never
// written twice. The scale is stored as float bits for the host (dequantising outputs); the guest
// never touches it.
#ifndef PROVA_NN_FORMAT_H_
#define PROVA_NN_FORMAT_H_

#include <cstdint>

namespace prova::nn {

inline constexpr uint32_t kMagic = 0x314d5650;  // bytes 'P' 'V' 'M' '1'
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kMaxRank = 6;
inline constexpr uint32_t kNoConstant = 0xffffffffu;
// Caps that keep every index computation inside 32 bits on the guest.
inline constexpr uint32_t kMaxArenaBytes = 64u << 20;
inline constexpr uint32_t kMaxTensors = 1u << 16;
inline constexpr uint32_t kMaxOps = 1u << 16;

enum class InputKind : uint32_t {
  kInt8 = 0,   // the input bytes are the quantised int8 tensor
  kUint8 = 1,  // raw uint8 values (e.g. pixels), requantised to the input tensor's scale
};

enum class Activation : uint32_t { kNone = 0, kRelu = 1 };

enum class OpKind : uint32_t {
  kDense = 1,          // y[b, n] = requant(bias[n] + sum_k x[b, k] w[n, k])       (Gemm, MatMul)
  kConv = 2,           // NCHW 2-D convolution, stride, padding, dilation, groups
  kMaxPool = 3,        // NCHW
  kAveragePool = 4,    // NCHW, count_include_pad or not
  kBinary = 5,         // Add / Sub / Mul with numpy broadcasting
  kLookup = 6,         // any int8 -> int8 elementwise function: a 256-entry table
  kSoftmax = 7,        // along the last axis; output scale 1/127
  kArgMax = 8,         // index along an axis, as int8
  kChannelAffine = 9,  // y = x * m[c] + b[c] per channel (a BatchNorm that was not folded)
  kAlias = 10,         // Reshape / Flatten / Squeeze / Identity: no code, storage shared
  kMatMul = 11,        // product of two activations (attention scores, weighted values)
  kTranspose = 12,     // any permutation of up to kMaxRank dims
  kLayerNorm = 13,     // normalisation over the trailing `length` elements, integer sqrt
};

enum class BinaryKind : uint32_t { kAdd = 0, kMul = 1 };

struct FileHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t file_size;
  uint32_t num_tensors;
  uint32_t num_ops;
  uint32_t input_tensor;
  uint32_t output_tensor;
  uint32_t input_kind;  // InputKind
  // kUint8 only: q = requant(byte, input_multiplier, input_shift).
  int32_t input_multiplier;
  int32_t input_shift;
  uint32_t arena_size;    // bytes of int8 activations
  uint32_t scratch_size;  // bytes of scratch (the zero-padded input of a convolution)
  uint32_t blob_size;
  uint32_t input_byte_scale_bits;  // kUint8: float, the real value of one input step (host only)
};

struct TensorEntry {
  uint32_t offset;  // in the arena
  uint32_t size;    // elements (= bytes)
  uint32_t rank;
  uint32_t dims[kMaxRank];
  uint32_t scale_bits;  // float
  uint32_t constant;    // blob offset of the constant's int8 data, or kNoConstant
  uint32_t reserved;
};

struct OpEntry {
  uint32_t kind;  // OpKind
  uint32_t inputs[2];
  uint32_t output;
  uint32_t params_offset;  // in the blob
  uint32_t params_size;
};

// Parameters, each at the start of its blob range; arrays follow the fixed part in the order
// listed. Multipliers are in [0, 2^31) unless noted; shifts are in [1, 62].

// bias int32[padded], multiplier int32[padded], shift int32[padded], then the weights int8 in
// blocks of 4 outputs: w[n / 4][k][n % 4] (padded = out_features rounded up to 4, extra rows 0).
struct DenseParams {
  uint32_t batch;
  uint32_t in_features;
  uint32_t out_features;
  uint32_t activation;  // Activation
};

// bias int32[cout], multiplier int32[cout], shift int32[cout], then the weights int8 in blocks of
// `block` output channels: w[oc / block][ic][ky][kx][oc % block] (block is 4 when the channels per
// group divide by 4, else 1).
struct ConvParams {
  uint32_t batch, cin, height, width;
  uint32_t cout, out_height, out_width;
  uint32_t kernel_h, kernel_w, stride_h, stride_w;
  uint32_t pad_top, pad_left, pad_bottom, pad_right;
  uint32_t dilation_h, dilation_w;
  uint32_t groups;
  uint32_t block;
  uint32_t activation;
};

// kAveragePool: multiplier int32[kernel_h * kernel_w], shift int32[kernel_h * kernel_w], indexed
// by the number of summed elements minus one (the divisor is folded into the requantisation).
struct PoolParams {
  uint32_t planes, height, width, out_height, out_width;
  uint32_t kernel_h, kernel_w, stride_h, stride_w;
  uint32_t pad_top, pad_left;
  uint32_t dilation_h, dilation_w;
  uint32_t count_include_pad;
};

// Broadcasting over kMaxRank dims (leading dims 1): out = round((a*ma + b*mb) / 2^shift) for kAdd
// (ma, mb signed), round(a*b*ma / 2^shift) for kMul.
struct BinaryParams {
  uint32_t kind;  // BinaryKind
  uint32_t dims[kMaxRank];
  uint32_t a_strides[kMaxRank];
  uint32_t b_strides[kMaxRank];
  int32_t multiplier_a;
  int32_t multiplier_b;
  int32_t shift;
  uint32_t activation;
};

// table int8[256], indexed by the input byte (uint8)(int8 x).
struct LookupParams {
  uint32_t count;
};

// exp_table uint32[256]: round(2^16 * exp(-d * input_scale)) for d = max - x in [0, 255].
struct SoftmaxParams {
  uint32_t outer;
  uint32_t length;
};

struct ArgMaxParams {
  uint32_t outer, length, inner;
  uint32_t select_last;
};

// multiplier int32[channels] (signed), shift int32[channels], bias int64[channels] as (lo, hi)
// int32 pairs: y = round((x * m[c] + bias[c]) / 2^shift[c]).
struct ChannelAffineParams {
  uint32_t outer, channels, inner;
  uint32_t activation;
};

// y[b, m, n] = round(sum_k a[b, m, k] b[b, k, n] * multiplier / 2^shift); b_batch_stride is 0
// when the right operand is broadcast over the batch.
struct MatMulParams {
  uint32_t batch, rows, inner, cols;
  uint32_t a_batch_stride, b_batch_stride;
  int32_t multiplier, shift;
};

// y[i] = x[sum_d index_d * in_strides[d]] for the output odometer index over dims.
struct TransposeParams {
  uint32_t dims[kMaxRank];
  uint32_t in_strides[kMaxRank];
};

// Per row of `length` elements: D = length * x - sum(x), V = sum(D^2) / length,
// r = isqrt(V + epsilon), n = D * 2^15 / r (via one reciprocal per row), y = (n * gain[i] +
// bias[i] + 2^23) >> 24. gain int32[length], then bias int64[length] as (lo, hi) int32 pairs.
struct LayerNormParams {
  uint32_t outer, length;
  uint32_t epsilon_lo, epsilon_hi;  // uint64, epsilon / scale_x^2 * length^2
};

}  // namespace prova::nn

#endif  // PROVA_NN_FORMAT_H_
