// Validating loader and integer interpreter of compiled models (.pvm, format.h). Header-only and
// free of exceptions, floating point and allocation, so the same code runs in the guest (RV32IM)
// and on the host with bit-identical results.
//
//   prova::nn::Model model;
//   Status status = model.Load(bytes, size);         // bytes: 4-byte aligned, kept alive
//   std::vector<int8_t> arena(model.arena_size() + model.scratch_size());
//   status = model.Run(input, input_size, arena.data());
//   const int8_t* out = model.Output(arena.data());  // model.output_size() int8 values
//
// Load checks every offset, size and parameter against the file before anything runs, so a
// malformed or hostile model (the private-weights mode takes the model from the prover) cannot
// make the interpreter read or write outside its buffers.
#ifndef PROVA_NN_MODEL_H_
#define PROVA_NN_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "prova/nn/format.h"
#include "prova/nn/kernels.h"

namespace prova::nn {

enum class Status : uint32_t {
  kOk = 0,
  kMisaligned,
  kTruncated,
  kBadMagic,
  kBadVersion,
  kBadFileSize,
  kBadTensor,
  kBadOp,
  kBadParams,
  kBadInputSize,
};

inline const char* StatusMessage(Status status) {
  switch (status) {
    case Status::kOk:
      return "ok";
    case Status::kMisaligned:
      return "model buffer is not 4-byte aligned";
    case Status::kTruncated:
      return "model file is truncated";
    case Status::kBadMagic:
      return "not a Prova model file (bad magic)";
    case Status::kBadVersion:
      return "unsupported model format version";
    case Status::kBadFileSize:
      return "model file size does not match its header";
    case Status::kBadTensor:
      return "model has an invalid tensor entry";
    case Status::kBadOp:
      return "model has an invalid operator entry";
    case Status::kBadParams:
      return "model has invalid operator parameters";
    case Status::kBadInputSize:
      return "input size does not match the model";
  }
  return "unknown status";
}

// first * rest..., or the largest uint64_t if that overflows: a blob's sizes are 32-bit, and
// three or four of them can multiply past 2^64 and wrap to a small number that matches a small
// tensor. Saturated, the product never equals a tensor size and exceeds every limit.
template <class... Rest>
inline uint64_t SaturatingProduct(uint64_t first, Rest... rest) {
  uint64_t p = first;
  bool overflow = false;
  ((overflow = overflow || __builtin_mul_overflow(p, uint64_t{rest}, &p)), ...);
  return overflow ? ~uint64_t{0} : p;
}

inline uint64_t SaturatingSum(uint64_t a, uint64_t b) {
  uint64_t s;
  return __builtin_add_overflow(a, b, &s) ? ~uint64_t{0} : s;
}

class Model {
 public:
  Status Load(const uint8_t* data, size_t size) {
    loaded_ = false;
    if (reinterpret_cast<uintptr_t>(data) % 4 != 0) return Status::kMisaligned;
    if (size < sizeof(FileHeader)) return Status::kTruncated;
    std::memcpy(&header_, data, sizeof(header_));
    if (header_.magic != kMagic) return Status::kBadMagic;
    if (header_.version != kFormatVersion) return Status::kBadVersion;
    if (header_.file_size != size)
      return size < header_.file_size ? Status::kTruncated : Status::kBadFileSize;
    if (header_.num_tensors == 0 || header_.num_tensors > kMaxTensors ||
        header_.num_ops > kMaxOps || header_.arena_size > kMaxArenaBytes ||
        header_.scratch_size > kMaxArenaBytes) {
      return Status::kBadFileSize;
    }
    const uint64_t tables = sizeof(FileHeader) +
                            uint64_t{header_.num_tensors} * sizeof(TensorEntry) +
                            uint64_t{header_.num_ops} * sizeof(OpEntry);
    if (tables + header_.blob_size != size) return Status::kBadFileSize;
    tensors_ = reinterpret_cast<const TensorEntry*>(data + sizeof(FileHeader));
    ops_ = reinterpret_cast<const OpEntry*>(tensors_ + header_.num_tensors);
    blob_ = data + tables;
    if (Status s = CheckTensors(); s != Status::kOk) return s;
    if (header_.input_tensor >= header_.num_tensors ||
        header_.output_tensor >= header_.num_tensors ||
        tensors_[header_.input_tensor].constant != kNoConstant) {
      return Status::kBadTensor;
    }
    if (header_.input_kind > static_cast<uint32_t>(InputKind::kUint8)) return Status::kBadParams;
    if (header_.input_kind == static_cast<uint32_t>(InputKind::kUint8) &&
        !ValidRequant(header_.input_multiplier, header_.input_shift)) {
      return Status::kBadParams;
    }
    for (uint32_t i = 0; i < header_.num_ops; ++i) {
      if (Status s = CheckOp(ops_[i]); s != Status::kOk) return s;
    }
    loaded_ = true;
    return Status::kOk;
  }

  bool loaded() const { return loaded_; }
  const FileHeader& header() const { return header_; }
  uint32_t num_tensors() const { return header_.num_tensors; }
  uint32_t num_ops() const { return header_.num_ops; }
  const TensorEntry& tensor(uint32_t i) const { return tensors_[i]; }
  const OpEntry& op(uint32_t i) const { return ops_[i]; }
  const uint8_t* ParamsBytes(const OpEntry& op) const { return blob_ + op.params_offset; }
  uint32_t arena_size() const { return header_.arena_size; }
  uint32_t scratch_size() const { return header_.scratch_size; }
  // Bytes the caller provides to Run: the arena followed by the scratch.
  uint32_t working_size() const { return header_.arena_size + header_.scratch_size; }
  uint32_t input_size() const { return tensors_[header_.input_tensor].size; }
  uint32_t output_size() const { return tensors_[header_.output_tensor].size; }
  InputKind input_kind() const { return static_cast<InputKind>(header_.input_kind); }

  const int8_t* Output(const int8_t* working) const {
    return working + tensors_[header_.output_tensor].offset;
  }
  const int8_t* Tensor(const int8_t* working, uint32_t index) const {
    return working + tensors_[index].offset;
  }

  // Runs the model on `input` (input_size() bytes, int8 or uint8 per input_kind()). `working`
  // holds working_size() bytes. Calls on_op(op_index) after each op when given (host tracing).
  template <typename OnOp = decltype([](uint32_t) {})>
  Status Run(const uint8_t* input, size_t input_size, int8_t* working, OnOp on_op = {}) const {
    if (!loaded_) return Status::kBadOp;
    const TensorEntry& in = tensors_[header_.input_tensor];
    if (input_size != in.size) return Status::kBadInputSize;
    int8_t* x = working + in.offset;
    if (header_.input_kind == static_cast<uint32_t>(InputKind::kInt8)) {
      std::memcpy(x, input, in.size);
    } else {
      for (uint32_t i = 0; i < in.size; ++i) {
        x[i] =
            SaturateInt8(Requantize(input[i], header_.input_multiplier, header_.input_shift), -128);
      }
    }
    for (uint32_t i = 0; i < header_.num_tensors; ++i) {
      const TensorEntry& t = tensors_[i];
      if (t.constant != kNoConstant) std::memcpy(working + t.offset, blob_ + t.constant, t.size);
    }
    int8_t* scratch = working + header_.arena_size;
    for (uint32_t i = 0; i < header_.num_ops; ++i) {
      RunOp(ops_[i], working, scratch);
      on_op(i);
    }
    return Status::kOk;
  }

 private:
  template <typename T>
  const T* Params(const OpEntry& op) const {
    return reinterpret_cast<const T*>(blob_ + op.params_offset);
  }

  static bool ValidRequant(int32_t multiplier, int32_t shift) {
    return multiplier >= 0 && shift >= 1 && shift <= 62;
  }
  static bool ValidSignedRequant(int32_t multiplier, int32_t shift) {
    return multiplier != INT32_MIN && shift >= 1 && shift <= 62;
  }

  // Keeps int32 accumulators from overflowing: 2^15 products of at most 2^14 plus a bias of at
  // most 2^30.
  static constexpr uint32_t kMaxDotLength = 1u << 15;
  static bool BiasesValid(const int32_t* bias, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      if (bias[i] < -(1 << 30) || bias[i] > (1 << 30)) return false;
    }
    return true;
  }

  Status CheckTensors() const {
    for (uint32_t i = 0; i < header_.num_tensors; ++i) {
      const TensorEntry& t = tensors_[i];
      if (t.rank > kMaxRank || t.size == 0) return Status::kBadTensor;
      uint64_t elements = 1;
      for (uint32_t d = 0; d < t.rank; ++d) {
        elements *= t.dims[d];
        if (elements > kMaxArenaBytes) return Status::kBadTensor;
      }
      if (elements != t.size) return Status::kBadTensor;
      if (uint64_t{t.offset} + t.size > header_.arena_size) return Status::kBadTensor;
      if (t.constant != kNoConstant &&
          (t.constant % 4 != 0 || uint64_t{t.constant} + t.size > header_.blob_size)) {
        return Status::kBadTensor;
      }
    }
    return Status::kOk;
  }

  // The op's params lie in the blob and hold at least `fixed` + `arrays` bytes.
  bool ParamsFit(const OpEntry& op, uint64_t bytes) const {
    return op.params_offset % 4 == 0 &&
           uint64_t{op.params_offset} + op.params_size <= header_.blob_size &&
           bytes <= op.params_size;
  }

  bool RequantArraysValid(const int32_t* multiplier, const int32_t* shift, uint32_t n) const {
    for (uint32_t i = 0; i < n; ++i) {
      if (!ValidRequant(multiplier[i], shift[i])) return false;
    }
    return true;
  }

  Status CheckOp(const OpEntry& op) const {
    const uint32_t n = header_.num_tensors;
    if (op.output >= n || op.inputs[0] >= n || op.inputs[1] >= n) return Status::kBadOp;
    const TensorEntry& x = tensors_[op.inputs[0]];
    const TensorEntry& y = tensors_[op.output];
    if (y.constant != kNoConstant || op.output == header_.input_tensor) return Status::kBadOp;
    switch (static_cast<OpKind>(op.kind)) {
      case OpKind::kDense: {
        if (!ParamsFit(op, sizeof(DenseParams))) return Status::kBadParams;
        const DenseParams& p = *Params<DenseParams>(op);
        const uint64_t padded = (uint64_t{p.out_features} + 3) / 4 * 4;
        const uint64_t bytes = sizeof(DenseParams) + padded * 12 + padded * p.in_features;
        if (p.in_features == 0 || p.out_features == 0 || p.batch == 0 || !ParamsFit(op, bytes) ||
            uint64_t{p.batch} * p.in_features != x.size ||
            uint64_t{p.batch} * p.out_features != y.size || p.activation > 1) {
          return Status::kBadParams;
        }
        const int32_t* bias = reinterpret_cast<const int32_t*>(&p + 1);
        if (p.in_features > kMaxDotLength || !BiasesValid(bias, static_cast<uint32_t>(padded)) ||
            !RequantArraysValid(bias + padded, bias + 2 * padded, p.out_features)) {
          return Status::kBadParams;
        }
        return Status::kOk;
      }
      case OpKind::kConv: {
        if (!ParamsFit(op, sizeof(ConvParams))) return Status::kBadParams;
        const ConvParams& p = *Params<ConvParams>(op);
        if (p.batch == 0 || p.cin == 0 || p.cout == 0 || p.groups == 0 || p.kernel_h == 0 ||
            p.kernel_w == 0 || p.stride_h == 0 || p.stride_w == 0 || p.dilation_h == 0 ||
            p.dilation_w == 0 || p.cin % p.groups != 0 || p.cout % p.groups != 0 ||
            (p.block != 1 && p.block != 4) || (p.cout / p.groups) % p.block != 0 ||
            p.activation > 1 || p.height > 65535 || p.width > 65535 || p.pad_top > 65535 ||
            p.pad_bottom > 65535 || p.pad_left > 65535 || p.pad_right > 65535 ||
            p.kernel_h > 65535 || p.kernel_w > 65535 || p.dilation_h > 65535 ||
            p.dilation_w > 65535) {
          return Status::kBadParams;
        }
        const uint64_t padded_h = uint64_t{p.height} + p.pad_top + p.pad_bottom;
        const uint64_t padded_w = uint64_t{p.width} + p.pad_left + p.pad_right;
        const uint64_t extent_h = uint64_t{p.kernel_h - 1} * p.dilation_h + 1;
        const uint64_t extent_w = uint64_t{p.kernel_w - 1} * p.dilation_w + 1;
        if (padded_h < extent_h || padded_w < extent_w ||
            (padded_h - extent_h) / p.stride_h + 1 != p.out_height ||
            (padded_w - extent_w) / p.stride_w + 1 != p.out_width) {
          return Status::kBadParams;
        }
        const uint64_t weights =
            SaturatingProduct(p.cout, p.cin / p.groups, p.kernel_h, p.kernel_w);
        if (!ParamsFit(op, SaturatingSum(sizeof(ConvParams) + uint64_t{p.cout} * 12, weights)) ||
            SaturatingProduct(p.batch, p.cin, p.height, p.width) != x.size ||
            SaturatingProduct(p.batch, p.cout, p.out_height, p.out_width) != y.size ||
            SaturatingProduct(p.cin, padded_h, padded_w) > header_.scratch_size) {
          return Status::kBadParams;
        }
        const int32_t* bias = reinterpret_cast<const int32_t*>(&p + 1);
        if (SaturatingProduct(p.cin / p.groups, p.kernel_h, p.kernel_w) > kMaxDotLength ||
            !BiasesValid(bias, p.cout) ||
            !RequantArraysValid(bias + p.cout, bias + 2 * p.cout, p.cout)) {
          return Status::kBadParams;
        }
        return Status::kOk;
      }
      case OpKind::kMaxPool:
      case OpKind::kAveragePool: {
        if (!ParamsFit(op, sizeof(PoolParams))) return Status::kBadParams;
        const PoolParams& p = *Params<PoolParams>(op);
        if (p.kernel_h == 0 || p.kernel_w == 0 || p.stride_h == 0 || p.stride_w == 0 ||
            p.dilation_h == 0 || p.dilation_w == 0 || p.kernel_h > 4096 || p.kernel_w > 4096 ||
            p.height > 65535 || p.width > 65535 || p.out_height > 65535 || p.out_width > 65535 ||
            p.pad_top > 65535 || p.pad_left > 65535 || p.dilation_h > 65535 ||
            p.dilation_w > 65535 || p.stride_h > 65535 || p.stride_w > 65535 ||
            SaturatingProduct(p.planes, p.height, p.width) != x.size ||
            SaturatingProduct(p.planes, p.out_height, p.out_width) != y.size) {
          return Status::kBadParams;
        }
        if (static_cast<OpKind>(op.kind) == OpKind::kAveragePool) {
          const uint64_t window = uint64_t{p.kernel_h} * p.kernel_w;
          if (window > (1u << 20) || !ParamsFit(op, sizeof(PoolParams) + window * 8)) {
            return Status::kBadParams;
          }
          const int32_t* multiplier = reinterpret_cast<const int32_t*>(&p + 1);
          if (!RequantArraysValid(multiplier, multiplier + window, static_cast<uint32_t>(window))) {
            return Status::kBadParams;
          }
        }
        return Status::kOk;
      }
      case OpKind::kBinary: {
        if (!ParamsFit(op, sizeof(BinaryParams))) return Status::kBadParams;
        const BinaryParams& p = *Params<BinaryParams>(op);
        const TensorEntry& b = tensors_[op.inputs[1]];
        uint64_t count = 1, a_last = 0, b_last = 0;
        for (uint32_t d = 0; d < kMaxRank; ++d) {
          if (p.dims[d] == 0) return Status::kBadParams;
          count *= p.dims[d];
          if (count > kMaxArenaBytes) return Status::kBadParams;
          a_last += uint64_t{p.dims[d] - 1} * p.a_strides[d];
          b_last += uint64_t{p.dims[d] - 1} * p.b_strides[d];
        }
        if (p.kind > 1 || count != y.size || a_last >= x.size || b_last >= b.size ||
            p.activation > 1 || !ValidSignedRequant(p.multiplier_a, p.shift) ||
            !ValidSignedRequant(p.multiplier_b, p.shift)) {
          return Status::kBadParams;
        }
        return Status::kOk;
      }
      case OpKind::kLookup: {
        if (!ParamsFit(op, sizeof(LookupParams) + 256)) return Status::kBadParams;
        const LookupParams& p = *Params<LookupParams>(op);
        if (p.count != x.size || p.count != y.size) return Status::kBadParams;
        return Status::kOk;
      }
      case OpKind::kSoftmax: {
        if (!ParamsFit(op, sizeof(SoftmaxParams) + 256 * 4)) return Status::kBadParams;
        const SoftmaxParams& p = *Params<SoftmaxParams>(op);
        // The sum of length terms of at most 2^16 must fit in 32 bits.
        if (p.length == 0 || p.length > 32768 || uint64_t{p.outer} * p.length != x.size ||
            x.size != y.size) {
          return Status::kBadParams;
        }
        const uint32_t* exp_table = reinterpret_cast<const uint32_t*>(&p + 1);
        if (exp_table[0] == 0) return Status::kBadParams;
        for (uint32_t i = 0; i < 256; ++i) {
          if (exp_table[i] > 65536) return Status::kBadParams;
        }
        return Status::kOk;
      }
      case OpKind::kArgMax: {
        if (!ParamsFit(op, sizeof(ArgMaxParams))) return Status::kBadParams;
        const ArgMaxParams& p = *Params<ArgMaxParams>(op);
        if (p.length == 0 || p.length > 128 || p.select_last > 1 ||
            SaturatingProduct(p.outer, p.length, p.inner) != x.size ||
            SaturatingProduct(p.outer, p.inner) != y.size) {
          return Status::kBadParams;
        }
        return Status::kOk;
      }
      case OpKind::kChannelAffine: {
        if (!ParamsFit(op, sizeof(ChannelAffineParams))) return Status::kBadParams;
        const ChannelAffineParams& p = *Params<ChannelAffineParams>(op);
        if (p.activation > 1 || p.channels == 0 ||
            SaturatingProduct(p.outer, p.channels, p.inner) != x.size || x.size != y.size ||
            !ParamsFit(op, sizeof(ChannelAffineParams) + uint64_t{p.channels} * 16)) {
          return Status::kBadParams;
        }
        const int32_t* multiplier = reinterpret_cast<const int32_t*>(&p + 1);
        for (uint32_t c = 0; c < p.channels; ++c) {
          const int32_t bias_high = multiplier[2 * p.channels + 2 * c + 1];
          if (!ValidSignedRequant(multiplier[c], multiplier[p.channels + c]) ||
              bias_high < -(1 << 29) || bias_high >= (1 << 29)) {
            return Status::kBadParams;
          }
        }
        return Status::kOk;
      }
      case OpKind::kAlias:
        if (x.size != y.size || x.offset != y.offset) return Status::kBadOp;
        return Status::kOk;
      case OpKind::kMatMul: {
        if (!ParamsFit(op, sizeof(MatMulParams))) return Status::kBadParams;
        const MatMulParams& p = *Params<MatMulParams>(op);
        const TensorEntry& b = tensors_[op.inputs[1]];
        if (p.batch == 0 || p.rows == 0 || p.inner == 0 || p.cols == 0 || p.inner > kMaxDotLength ||
            !ValidRequant(p.multiplier, p.shift) ||
            SaturatingProduct(p.batch, p.rows, p.cols) != y.size ||
            SaturatingSum(SaturatingProduct(p.batch - 1, p.a_batch_stride),
                          SaturatingProduct(p.rows, p.inner)) > x.size ||
            SaturatingSum(SaturatingProduct(p.batch - 1, p.b_batch_stride),
                          SaturatingProduct(p.inner, p.cols)) > b.size) {
          return Status::kBadParams;
        }
        return Status::kOk;
      }
      case OpKind::kTranspose: {
        if (!ParamsFit(op, sizeof(TransposeParams))) return Status::kBadParams;
        const TransposeParams& p = *Params<TransposeParams>(op);
        uint64_t count = 1, last = 0;
        for (uint32_t d = 0; d < kMaxRank; ++d) {
          if (p.dims[d] == 0) return Status::kBadParams;
          count *= p.dims[d];
          if (count > kMaxArenaBytes) return Status::kBadParams;
          last += uint64_t{p.dims[d] - 1} * p.in_strides[d];
        }
        if (count != y.size || last >= x.size) return Status::kBadParams;
        return Status::kOk;
      }
      case OpKind::kLayerNorm: {
        if (!ParamsFit(op, sizeof(LayerNormParams))) return Status::kBadParams;
        const LayerNormParams& p = *Params<LayerNormParams>(op);
        // length <= 4096 keeps D below 2^21 and the sum of squares below 2^54.
        if (p.length == 0 || p.length > 4096 || uint64_t{p.outer} * p.length != x.size ||
            x.size != y.size || p.epsilon_hi >= (1u << 20) ||
            !ParamsFit(op, sizeof(LayerNormParams) + uint64_t{p.length} * 12)) {
          return Status::kBadParams;
        }
        const int32_t* bias = reinterpret_cast<const int32_t*>(&p + 1) + p.length;
        for (uint32_t i = 0; i < p.length; ++i) {
          if (bias[2 * i + 1] < -(1 << 28) || bias[2 * i + 1] >= (1 << 28)) {
            return Status::kBadParams;
          }
        }
        return Status::kOk;
      }
    }
    return Status::kBadOp;
  }

  void RunOp(const OpEntry& op, int8_t* arena, int8_t* scratch) const {
    const int8_t* x = arena + tensors_[op.inputs[0]].offset;
    int8_t* y = arena + tensors_[op.output].offset;
    switch (static_cast<OpKind>(op.kind)) {
      case OpKind::kDense:
        DenseLayer(*Params<DenseParams>(op), x, y);
        break;
      case OpKind::kConv:
        ConvLayer(*Params<ConvParams>(op), x, y, scratch);
        break;
      case OpKind::kMaxPool:
        MaxPoolLayer(*Params<PoolParams>(op), x, y);
        break;
      case OpKind::kAveragePool:
        AveragePoolLayer(*Params<PoolParams>(op), x, y);
        break;
      case OpKind::kBinary:
        BinaryLayer(*Params<BinaryParams>(op), x, arena + tensors_[op.inputs[1]].offset, y);
        break;
      case OpKind::kLookup:
        LookupLayer(*Params<LookupParams>(op), x, y);
        break;
      case OpKind::kSoftmax:
        SoftmaxLayer(*Params<SoftmaxParams>(op), x, y);
        break;
      case OpKind::kArgMax:
        ArgMaxLayer(*Params<ArgMaxParams>(op), x, y);
        break;
      case OpKind::kChannelAffine:
        ChannelAffineLayer(*Params<ChannelAffineParams>(op), x, y);
        break;
      case OpKind::kAlias:
        break;
      case OpKind::kMatMul:
        MatMulLayer(*Params<MatMulParams>(op), x, arena + tensors_[op.inputs[1]].offset, y);
        break;
      case OpKind::kTranspose:
        TransposeLayer(*Params<TransposeParams>(op), x, y);
        break;
      case OpKind::kLayerNorm:
        LayerNormLayer(*Params<LayerNormParams>(op), x, y);
        break;
    }
  }

  FileHeader header_{};
  const TensorEntry* tensors_ = nullptr;
  const OpEntry* ops_ = nullptr;
  const uint8_t* blob_ = nullptr;
  bool loaded_ = false;
};

}  // namespace prova::nn

#endif  // PROVA_NN_MODEL_H_
