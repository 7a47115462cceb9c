#include "model/compiler.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "common/error.h"
#include "model/reference.h"
#include "prova/nn/model.h"

namespace prova::model {

std::pair<int32_t, int32_t> QuantizeMultiplier(double real) {
  if (!(real >= 0) || real >= std::ldexp(1.0, 30)) {
    throw Error(fmt::format("requantisation factor {} is out of range", real));
  }
  if (real < std::ldexp(1.0, -32)) return {0, 1};
  int exponent;
  const double fraction = std::frexp(real, &exponent);  // real = fraction * 2^exponent
  int64_t multiplier = std::llround(fraction * std::ldexp(1.0, 31));
  int shift = 31 - exponent;
  if (multiplier == (int64_t{1} << 31)) {
    multiplier /= 2;
    --shift;
  }
  while (shift > 62) {
    multiplier = (multiplier + 1) / 2;
    --shift;
  }
  return {static_cast<int32_t>(multiplier), shift};
}

namespace {

[[noreturn]] void Fail(const Node& node, const std::string& why) {
  throw Error(fmt::format("{}: {}", node.Label(), why));
}

int8_t QuantizeValue(double value, double scale) {
  return static_cast<int8_t>(std::clamp<double>(std::nearbyint(value / scale), -128, 127));
}

// Appends `value`'s bytes to `blob`.
template <typename T>
void Put(std::vector<uint8_t>* blob, const T& value) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
  blob->insert(blob->end(), bytes, bytes + sizeof(T));
}

void Align4(std::vector<uint8_t>* blob) {
  while (blob->size() % 4) blob->push_back(0);
}

struct ValueInfo {
  std::vector<int64_t> shape;
  double max_abs = 0;
};

class Compiler {
 public:
  Compiler(const Graph& graph, std::span<const Tensor> calibration, const CompileOptions& options)
      : graph_(graph), options_(options) {
    if (graph.inputs.size() != 1) {
      throw Error(fmt::format("the model must have exactly one graph input, it has {}",
                              graph.inputs.size()));
    }
    if (graph.outputs.empty()) throw Error("the model has no output");
    if (calibration.empty()) throw Error("calibration needs at least one sample");
    for (const Node& node : graph.nodes) {
      if (!IsSupportedOperator(node.op_type)) Fail(node, "operator is not supported");
    }
    for (const Tensor& sample : calibration) {
      Values values = Evaluate(graph, sample);
      for (const auto& [name, tensor] : values) {
        ValueInfo& info = info_[name];
        info.shape = tensor.shape;
        for (float v : tensor.data) info.max_abs = std::max<double>(info.max_abs, std::fabs(v));
      }
      if (first_values_.empty()) first_values_ = std::move(values);
    }
    // Constant values: initializers and anything computed from constants only.
    for (const auto& [name, tensor] : graph.initializers) constant_.insert(name);
    for (const Node& node : graph.nodes) {
      bool all = true;
      for (const std::string& input : node.inputs) {
        if (!input.empty() && !constant_.count(input)) all = false;
      }
      if (all) {
        for (const std::string& output : node.outputs) constant_.insert(output);
      }
      for (const std::string& input : node.inputs) ++consumers_[input];
    }
    for (const std::string& output : graph.outputs) ++consumers_[output];
  }

  std::vector<uint8_t> Run() {
    const std::string& input = graph_.inputs[0];
    const uint32_t input_index = TensorFor(input);
    header_.input_tensor = input_index;
    header_.input_kind = static_cast<uint32_t>(options_.input_kind);
    if (options_.input_kind == nn::InputKind::kUint8) {
      auto [m, s] = QuantizeMultiplier(options_.input_scale / Scale(input_index));
      header_.input_multiplier = m;
      header_.input_shift = s;
      std::memcpy(&header_.input_byte_scale_bits, &options_.input_scale, 4);
    }
    std::set<size_t> absorbed;
    for (const Node& node : graph_.nodes) {
      if (absorbed.count(node.index) || constant_.count(node.outputs[0])) continue;
      EmitNode(node, &absorbed);
    }
    const std::string& output = graph_.outputs[0];
    if (constant_.count(output)) throw Error("the model's output is a constant");
    if (!tensor_of_.count(output)) throw Error(fmt::format("output '{}' is not computed", output));
    header_.output_tensor = tensor_of_.at(output);
    if (header_.output_tensor == header_.input_tensor) {
      throw Error("the model's output is its input");
    }
    return Serialize();
  }

 private:
  double Scale(uint32_t tensor) const {
    float scale;
    std::memcpy(&scale, &tensors_[tensor].scale_bits, 4);
    return scale;
  }

  // The single consumer of `value` if it is `op_type`, else nullptr.
  const Node* SoleConsumer(const std::string& value, const std::string& op_type) const {
    auto it = consumers_.find(value);
    if (it == consumers_.end() || it->second != 1) return nullptr;
    for (const Node& node : graph_.nodes) {
      if (node.op_type == op_type && node.HasInput(0) && node.inputs[0] == value) return &node;
    }
    return nullptr;
  }

  uint32_t NewTensor(const std::vector<int64_t>& shape, double scale, const std::string& what) {
    if (shape.size() > nn::kMaxRank) throw Error(fmt::format("{}: rank above 6", what));
    nn::TensorEntry entry{};
    entry.rank = static_cast<uint32_t>(shape.size());
    for (size_t d = 0; d < shape.size(); ++d) entry.dims[d] = static_cast<uint32_t>(shape[d]);
    entry.size = static_cast<uint32_t>(ElementCount(shape));
    if (entry.size == 0) throw Error(fmt::format("{}: empty tensors are not supported", what));
    entry.offset = arena_size_;
    arena_size_ += (entry.size + 3) / 4 * 4;
    const float scale_f = static_cast<float>(scale);
    std::memcpy(&entry.scale_bits, &scale_f, 4);
    entry.constant = nn::kNoConstant;
    tensors_.push_back(entry);
    return static_cast<uint32_t>(tensors_.size() - 1);
  }

  // Activation scale from calibration: the largest magnitude maps to 127.
  double ActivationScale(const std::string& value) const {
    return std::max(info_.at(value).max_abs, 1e-6) / 127.0;
  }

  // The tensor holding `value`: an activation already emitted, or a constant quantised now.
  uint32_t TensorFor(const std::string& value) {
    if (auto it = tensor_of_.find(value); it != tensor_of_.end()) return it->second;
    if (!info_.count(value)) throw Error(fmt::format("value '{}' is not computed", value));
    const uint32_t index = NewTensor(info_.at(value).shape, ActivationScale(value), value);
    if (constant_.count(value)) {
      const Tensor& t = first_values_.at(value);
      Align4(&blob_);
      tensors_[index].constant = static_cast<uint32_t>(blob_.size());
      for (float v : t.data) blob_.push_back(static_cast<uint8_t>(QuantizeValue(v, Scale(index))));
      Align4(&blob_);
    }
    tensor_of_[value] = index;
    return index;
  }

  const Tensor& Constant(const Node& node, size_t input) {
    if (!node.HasInput(input) || !constant_.count(node.inputs[input])) {
      Fail(node,
           fmt::format("input {} must be a constant (weights are compiled into the model)", input));
    }
    return first_values_.at(node.inputs[input]);
  }

  uint32_t Emit(nn::OpKind kind, uint32_t a, uint32_t b, uint32_t out,
                const std::vector<uint8_t>& params) {
    Align4(&blob_);
    nn::OpEntry op{};
    op.kind = static_cast<uint32_t>(kind);
    op.inputs[0] = a;
    op.inputs[1] = b;
    op.output = out;
    op.params_offset = static_cast<uint32_t>(blob_.size());
    op.params_size = static_cast<uint32_t>(params.size());
    blob_.insert(blob_.end(), params.begin(), params.end());
    ops_.push_back(op);
    return static_cast<uint32_t>(ops_.size() - 1);
  }

  // Follows a fusable Relu after `value`; returns the final value name and the activation.
  std::string FuseRelu(const std::string& value, std::set<size_t>* absorbed,
                       nn::Activation* activation) {
    *activation = nn::Activation::kNone;
    if (const Node* relu = SoleConsumer(value, "Relu")) {
      absorbed->insert(relu->index);
      *activation = nn::Activation::kRelu;
      return relu->outputs[0];
    }
    return value;
  }

  // Per-output-channel symmetric int8 weights; rows[n] has `k` values.
  static std::vector<double> RowScales(const std::vector<double>& w, size_t n, size_t k) {
    std::vector<double> scales(n);
    for (size_t i = 0; i < n; ++i) {
      double max = 0;
      for (size_t j = 0; j < k; ++j) max = std::max(max, std::fabs(w[i * k + j]));
      scales[i] = max > 0 ? max / 127.0 : 1.0;
    }
    return scales;
  }

  void PutRequant(const Node& node, std::vector<uint8_t>* params, const std::vector<double>& bias,
                  const std::vector<double>& weight_scales, double in_scale, double out_scale,
                  size_t padded) {
    const size_t n = bias.size();
    for (size_t i = 0; i < padded; ++i) {
      double q = i < n ? std::nearbyint(bias[i] / (in_scale * weight_scales[i])) : 0;
      if (std::fabs(q) > (1 << 30)) Fail(node, "bias too large for the int32 accumulator");
      Put(params, static_cast<int32_t>(q));
    }
    std::vector<std::pair<int32_t, int32_t>> requant(padded, {0, 1});
    for (size_t i = 0; i < n; ++i) {
      requant[i] = QuantizeMultiplier(in_scale * weight_scales[i] / out_scale);
    }
    for (auto& r : requant) Put(params, r.first);
    for (auto& r : requant) Put(params, r.second);
  }

  void EmitDense(const Node& node, std::set<size_t>* absorbed) {
    const Tensor& a_value = first_values_.at(node.inputs[0]);
    const Tensor& b = Constant(node, 1);
    const bool gemm = node.op_type == "Gemm";
    if (b.shape.size() != 2) Fail(node, "the weight matrix must be 2-D");
    if (gemm && node.Int("transA", 0) && a_value.shape[0] != 1) {
      Fail(node, "transA with more than one row is not supported");
    }
    const bool trans_b = gemm && node.Int("transB", 0);
    const size_t k = trans_b ? b.shape[1] : b.shape[0];
    const size_t n = trans_b ? b.shape[0] : b.shape[1];
    const double alpha = gemm ? node.Float("alpha", 1.f) : 1.0;
    const double beta = gemm ? node.Float("beta", 1.f) : 1.0;
    std::vector<double> w(n * k);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < k; ++j)
        w[i * k + j] = alpha * (trans_b ? b.data[i * k + j] : b.data[j * n + i]);
    }
    std::vector<double> bias(n, 0.0);
    if (gemm && node.HasInput(2)) {
      const Tensor& c = Constant(node, 2);
      if (c.size() != 1 && c.size() != n) Fail(node, "C must have N elements or one");
      for (size_t i = 0; i < n; ++i) bias[i] = beta * c.data[c.size() == 1 ? 0 : i];
    }
    EmitMatrixLayer(node, absorbed, w, bias, n, k);
  }

  void EmitMatrixLayer(const Node& node, std::set<size_t>* absorbed, const std::vector<double>& w,
                       const std::vector<double>& bias, size_t n, size_t k) {
    const uint32_t x = TensorFor(node.inputs[0]);
    nn::Activation activation;
    const std::string out_name = FuseRelu(node.outputs[0], absorbed, &activation);
    const uint32_t y = NewTensor(info_.at(out_name).shape, ActivationScale(out_name), out_name);
    tensor_of_[out_name] = y;
    if (tensors_[x].size % k != 0) Fail(node, "input size is not a multiple of K");
    const std::vector<double> scales = RowScales(w, n, k);
    const size_t padded = (n + 3) / 4 * 4;
    std::vector<uint8_t> params;
    Put(&params,
        nn::DenseParams{static_cast<uint32_t>(tensors_[x].size / k), static_cast<uint32_t>(k),
                        static_cast<uint32_t>(n), static_cast<uint32_t>(activation)});
    PutRequant(node, &params, bias, scales, Scale(x), Scale(y), padded);
    for (size_t block = 0; block < padded; block += 4) {
      for (size_t j = 0; j < k; ++j) {
        for (size_t r = block; r < block + 4; ++r) {
          params.push_back(r < n ? static_cast<uint8_t>(QuantizeValue(w[r * k + j], scales[r]))
                                 : 0);
        }
      }
    }
    Emit(nn::OpKind::kDense, x, x, y, params);
  }

  void EmitConv(const Node& node, std::set<size_t>* absorbed) {
    const Tensor& weights = Constant(node, 1);
    const std::vector<int64_t>& xs = info_.at(node.inputs[0]).shape;
    if (xs.size() != 4 || weights.shape.size() != 4) Fail(node, "only 2-D convolutions");
    const size_t cout = weights.shape[0];
    const size_t per_out = weights.size() / cout;
    std::vector<double> w(weights.data.begin(), weights.data.end());
    std::vector<double> bias(cout, 0.0);
    if (node.HasInput(2)) {
      const Tensor& b = Constant(node, 2);
      for (size_t i = 0; i < cout; ++i) bias[i] = b.data.at(i);
    }
    std::string value = node.outputs[0];
    // Fold a following BatchNormalization into the weights and bias (float, before quantising).
    if (const Node* bn = SoleConsumer(value, "BatchNormalization")) {
      const Tensor& gamma = Constant(*bn, 1);
      const Tensor& beta = Constant(*bn, 2);
      const Tensor& mean = Constant(*bn, 3);
      const Tensor& var = Constant(*bn, 4);
      const double epsilon = bn->Float("epsilon", 1e-5f);
      for (size_t c = 0; c < cout; ++c) {
        const double factor = gamma.data.at(c) / std::sqrt(double{var.data.at(c)} + epsilon);
        for (size_t j = 0; j < per_out; ++j) w[c * per_out + j] *= factor;
        bias[c] = (bias[c] - mean.data.at(c)) * factor + beta.data.at(c);
      }
      absorbed->insert(bn->index);
      value = bn->outputs[0];
    }
    const uint32_t x = TensorFor(node.inputs[0]);
    nn::Activation activation;
    const std::string out_name = FuseRelu(value, absorbed, &activation);
    const uint32_t y = NewTensor(info_.at(out_name).shape, ActivationScale(out_name), out_name);
    tensor_of_[out_name] = y;
    const Window win = ComputeWindow(node, xs[2], xs[3], weights.shape[2], weights.shape[3]);
    const uint32_t groups = static_cast<uint32_t>(node.Int("group", 1));
    const uint32_t cin = static_cast<uint32_t>(xs[1]);
    const uint32_t block = (cout / groups) % 4 == 0 ? 4 : 1;
    nn::ConvParams p{};
    p.batch = static_cast<uint32_t>(xs[0]);
    p.cin = cin;
    p.height = static_cast<uint32_t>(xs[2]);
    p.width = static_cast<uint32_t>(xs[3]);
    p.cout = static_cast<uint32_t>(cout);
    p.out_height = static_cast<uint32_t>(win.out_h);
    p.out_width = static_cast<uint32_t>(win.out_w);
    p.kernel_h = static_cast<uint32_t>(win.kernel_h);
    p.kernel_w = static_cast<uint32_t>(win.kernel_w);
    p.stride_h = static_cast<uint32_t>(win.stride_h);
    p.stride_w = static_cast<uint32_t>(win.stride_w);
    p.pad_top = static_cast<uint32_t>(win.pad_top);
    p.pad_left = static_cast<uint32_t>(win.pad_left);
    p.pad_bottom = static_cast<uint32_t>(win.pad_bottom);
    p.pad_right = static_cast<uint32_t>(win.pad_right);
    p.dilation_h = static_cast<uint32_t>(win.dilation_h);
    p.dilation_w = static_cast<uint32_t>(win.dilation_w);
    p.groups = groups;
    p.block = block;
    p.activation = static_cast<uint32_t>(activation);
    // Conv's output size rounds down: trailing padding no window reaches is dropped.
    const uint64_t padded_h = uint64_t{p.height} + p.pad_top + p.pad_bottom;
    const uint64_t padded_w = uint64_t{p.width} + p.pad_left + p.pad_right;
    header_.scratch_size =
        std::max<uint64_t>(header_.scratch_size, uint64_t{cin} * padded_h * padded_w);
    std::vector<uint8_t> params;
    Put(&params, p);
    const std::vector<double> scales = RowScales(w, cout, per_out);
    PutRequant(node, &params, bias, scales, Scale(x), Scale(y), cout);
    for (size_t ob = 0; ob < cout; ob += block) {
      for (size_t j = 0; j < per_out; ++j) {
        for (size_t r = ob; r < ob + block; ++r) {
          params.push_back(static_cast<uint8_t>(QuantizeValue(w[r * per_out + j], scales[r])));
        }
      }
    }
    Emit(nn::OpKind::kConv, x, x, y, params);
  }

  void EmitPool(const Node& node) {
    const std::string& op = node.op_type;
    const bool global = op.rfind("Global", 0) == 0;
    const bool average = op.find("Average") != std::string::npos;
    const std::vector<int64_t>& xs = info_.at(node.inputs[0]).shape;
    if (xs.size() != 4) Fail(node, "only 2-D pooling");
    if (node.outputs.size() > 1 && !node.outputs[1].empty()) Fail(node, "Indices output");
    Window win;
    if (global) {
      win = Window{xs[2], xs[3], 1, 1, 1, 1, 0, 0, 0, 0, 1, 1};
    } else {
      std::vector<int64_t> kernel = node.Ints("kernel_shape", {});
      if (kernel.size() != 2) Fail(node, "only 2-D kernel_shape is supported");
      win = ComputeWindow(node, xs[2], xs[3], kernel[0], kernel[1]);
    }
    const uint32_t x = TensorFor(node.inputs[0]);
    // Max pooling commutes with the scale: the output keeps the input's.
    const double out_scale = average ? ActivationScale(node.outputs[0]) : Scale(x);
    const uint32_t y = NewTensor(info_.at(node.outputs[0]).shape, out_scale, node.outputs[0]);
    tensor_of_[node.outputs[0]] = y;
    nn::PoolParams p{};
    p.planes = static_cast<uint32_t>(xs[0] * xs[1]);
    p.height = static_cast<uint32_t>(xs[2]);
    p.width = static_cast<uint32_t>(xs[3]);
    p.out_height = static_cast<uint32_t>(win.out_h);
    p.out_width = static_cast<uint32_t>(win.out_w);
    p.kernel_h = static_cast<uint32_t>(win.kernel_h);
    p.kernel_w = static_cast<uint32_t>(win.kernel_w);
    p.stride_h = static_cast<uint32_t>(win.stride_h);
    p.stride_w = static_cast<uint32_t>(win.stride_w);
    p.pad_top = static_cast<uint32_t>(win.pad_top);
    p.pad_left = static_cast<uint32_t>(win.pad_left);
    p.dilation_h = static_cast<uint32_t>(win.dilation_h);
    p.dilation_w = static_cast<uint32_t>(win.dilation_w);
    p.count_include_pad = static_cast<uint32_t>(average && node.Int("count_include_pad", 0) != 0);
    std::vector<uint8_t> params;
    Put(&params, p);
    if (average) {
      const size_t window = static_cast<size_t>(win.kernel_h * win.kernel_w);
      std::vector<std::pair<int32_t, int32_t>> requant;
      for (size_t count = 1; count <= window; ++count) {
        requant.push_back(QuantizeMultiplier(Scale(x) / (count * Scale(y))));
      }
      for (auto& r : requant) Put(&params, r.first);
      for (auto& r : requant) Put(&params, r.second);
    }
    Emit(average ? nn::OpKind::kAveragePool : nn::OpKind::kMaxPool, x, x, y, params);
  }

  void EmitBinary(const Node& node, std::set<size_t>* absorbed) {
    const uint32_t a = TensorFor(node.inputs[0]);
    const uint32_t b = TensorFor(node.inputs[1]);
    nn::Activation activation = nn::Activation::kNone;
    const std::string out_name =
        node.op_type == "Mul" ? node.outputs[0] : FuseRelu(node.outputs[0], absorbed, &activation);
    const std::vector<int64_t>& out_shape = info_.at(out_name).shape;
    const uint32_t y = NewTensor(out_shape, ActivationScale(out_name), out_name);
    tensor_of_[out_name] = y;
    nn::BinaryParams p{};
    p.kind =
        static_cast<uint32_t>(node.op_type == "Mul" ? nn::BinaryKind::kMul : nn::BinaryKind::kAdd);
    p.activation = static_cast<uint32_t>(activation);
    const size_t rank = out_shape.size();
    const size_t pad = nn::kMaxRank - rank;
    auto strides = [&](uint32_t t, uint32_t* out) {
      const nn::TensorEntry& e = tensors_[t];
      uint32_t stride = 1;
      for (size_t d = nn::kMaxRank; d-- > 0;) out[d] = 0;
      for (size_t i = e.rank; i-- > 0;) {
        const size_t d = nn::kMaxRank - e.rank + i;
        out[d] = e.dims[i] == 1 ? 0 : stride;
        stride *= e.dims[i];
      }
    };
    for (size_t d = 0; d < nn::kMaxRank; ++d) {
      p.dims[d] = d < pad ? 1 : static_cast<uint32_t>(out_shape[d - pad]);
    }
    strides(a, p.a_strides);
    strides(b, p.b_strides);
    const double so = Scale(y);
    if (p.kind == static_cast<uint32_t>(nn::BinaryKind::kMul)) {
      auto [m, s] = QuantizeMultiplier(Scale(a) * Scale(b) / so);
      p.multiplier_a = m;
      p.multiplier_b = 0;
      p.shift = s;
    } else {
      const double ra = Scale(a) / so;
      const double rb = (node.op_type == "Sub" ? -1.0 : 1.0) * Scale(b) / so;
      const double largest = std::max(std::fabs(ra), std::fabs(rb));
      int exponent;
      std::frexp(largest, &exponent);  // largest < 2^exponent
      const int shift = std::clamp(31 - exponent - 1, 1, 62);
      if (largest * std::ldexp(1.0, shift) >= std::ldexp(1.0, 31)) {
        Fail(node, "operand scales too far apart");
      }
      p.multiplier_a = static_cast<int32_t>(std::llround(ra * std::ldexp(1.0, shift)));
      p.multiplier_b = static_cast<int32_t>(std::llround(rb * std::ldexp(1.0, shift)));
      p.shift = shift;
    }
    std::vector<uint8_t> params;
    Put(&params, p);
    Emit(nn::OpKind::kBinary, a, b, y, params);
  }

  void EmitLookup(const Node& node) {
    const uint32_t x = TensorFor(node.inputs[0]);
    const uint32_t y = NewTensor(info_.at(node.outputs[0]).shape, ActivationScale(node.outputs[0]),
                                 node.outputs[0]);
    tensor_of_[node.outputs[0]] = y;
    std::vector<uint8_t> params;
    Put(&params, nn::LookupParams{tensors_[x].size});
    for (int i = 0; i < 256; ++i) {
      const int8_t q = static_cast<int8_t>(static_cast<uint8_t>(i));
      const double value =
          ApplyLookupOperator(node, first_values_, static_cast<float>(q * Scale(x)));
      params.push_back(static_cast<uint8_t>(QuantizeValue(value, Scale(y))));
    }
    Emit(nn::OpKind::kLookup, x, x, y, params);
  }

  void EmitSoftmax(const Node& node) {
    const std::vector<int64_t>& xs = info_.at(node.inputs[0]).shape;
    int64_t axis = node.Int("axis", graph_.opset >= 13 ? -1 : 1);
    if (axis < 0) axis += static_cast<int64_t>(xs.size());
    if (axis < 0 || axis >= static_cast<int64_t>(xs.size())) Fail(node, "axis out of range");
    size_t outer = 1, length = 1;
    for (int64_t d = 0; d < static_cast<int64_t>(xs.size()); ++d) {
      if (d < axis)
        outer *= xs[d];
      else if (d == axis || graph_.opset < 13)
        length *= xs[d];
      else if (xs[d] != 1)
        Fail(node, "Softmax is only supported along the last axis");
    }
    const uint32_t x = TensorFor(node.inputs[0]);
    const uint32_t y = NewTensor(info_.at(node.outputs[0]).shape, 1.0 / 127, node.outputs[0]);
    tensor_of_[node.outputs[0]] = y;
    if (length > 32768) Fail(node, "Softmax length above 32768");
    std::vector<uint8_t> params;
    Put(&params, nn::SoftmaxParams{static_cast<uint32_t>(outer), static_cast<uint32_t>(length)});
    for (int d = 0; d < 256; ++d) {
      Put(&params, static_cast<uint32_t>(std::llround(65536.0 * std::exp(-d * Scale(x)))));
    }
    Emit(nn::OpKind::kSoftmax, x, x, y, params);
  }

  void EmitArgMax(const Node& node) {
    const std::vector<int64_t>& xs = info_.at(node.inputs[0]).shape;
    int64_t axis = node.Int("axis", 0);
    if (axis < 0) axis += static_cast<int64_t>(xs.size());
    if (axis < 0 || axis >= static_cast<int64_t>(xs.size())) Fail(node, "axis out of range");
    nn::ArgMaxParams p{1, static_cast<uint32_t>(xs[axis]), 1,
                       static_cast<uint32_t>(node.Int("select_last_index", 0) != 0)};
    for (int64_t d = 0; d < static_cast<int64_t>(xs.size()); ++d) {
      if (d < axis) p.outer *= static_cast<uint32_t>(xs[d]);
      if (d > axis) p.inner *= static_cast<uint32_t>(xs[d]);
    }
    if (p.length > 128) Fail(node, "ArgMax over more than 128 elements (indices are int8)");
    const uint32_t x = TensorFor(node.inputs[0]);
    const uint32_t y = NewTensor(info_.at(node.outputs[0]).shape, 1.0, node.outputs[0]);
    tensor_of_[node.outputs[0]] = y;
    std::vector<uint8_t> params;
    Put(&params, p);
    Emit(nn::OpKind::kArgMax, x, x, y, params);
  }

  void EmitBatchNorm(const Node& node, std::set<size_t>* absorbed) {
    const std::vector<int64_t>& xs = info_.at(node.inputs[0]).shape;
    if (xs.size() < 2) Fail(node, "input must have a channel dimension");
    const Tensor& gamma = Constant(node, 1);
    const Tensor& beta = Constant(node, 2);
    const Tensor& mean = Constant(node, 3);
    const Tensor& var = Constant(node, 4);
    const double epsilon = node.Float("epsilon", 1e-5f);
    const uint32_t x = TensorFor(node.inputs[0]);
    nn::Activation activation;
    const std::string out_name = FuseRelu(node.outputs[0], absorbed, &activation);
    const uint32_t y = NewTensor(info_.at(out_name).shape, ActivationScale(out_name), out_name);
    tensor_of_[out_name] = y;
    const uint32_t channels = static_cast<uint32_t>(xs[1]);
    nn::ChannelAffineParams p{static_cast<uint32_t>(xs[0]), channels,
                              static_cast<uint32_t>(ElementCount(xs) / (xs[0] * xs[1])),
                              static_cast<uint32_t>(activation)};
    std::vector<int32_t> multipliers, shifts;
    std::vector<int64_t> biases;
    for (uint32_t c = 0; c < channels; ++c) {
      const double factor = gamma.data.at(c) / std::sqrt(double{var.data.at(c)} + epsilon);
      const double r = factor * Scale(x) / Scale(y);
      const double bias = (beta.data.at(c) - mean.data.at(c) * factor) / Scale(y);
      int exponent;
      std::frexp(std::max(std::fabs(r), 1e-30), &exponent);
      int shift = std::clamp(30 - exponent, 1, 62);
      // Keep the 64-bit bias below 2^61.
      while (shift > 1 && std::fabs(bias) * std::ldexp(1.0, shift) >= std::ldexp(1.0, 60)) --shift;
      multipliers.push_back(static_cast<int32_t>(std::llround(r * std::ldexp(1.0, shift))));
      shifts.push_back(shift);
      biases.push_back(std::llround(bias * std::ldexp(1.0, shift)));
    }
    std::vector<uint8_t> params;
    Put(&params, p);
    for (int32_t m : multipliers) Put(&params, m);
    for (int32_t s : shifts) Put(&params, s);
    for (int64_t b : biases) {
      Put(&params, static_cast<int32_t>(static_cast<uint32_t>(b)));
      Put(&params, static_cast<int32_t>(b >> 32));
    }
    Emit(nn::OpKind::kChannelAffine, x, x, y, params);
  }

  void EmitMatMul(const Node& node) {
    const std::vector<int64_t>& as = info_.at(node.inputs[0]).shape;
    const std::vector<int64_t>& bs = info_.at(node.inputs[1]).shape;
    if (as.size() < 2 || bs.size() < 2) Fail(node, "MatMul operands must be at least 2-D");
    const uint32_t a = TensorFor(node.inputs[0]);
    const uint32_t b = TensorFor(node.inputs[1]);
    const uint32_t y = NewTensor(info_.at(node.outputs[0]).shape, ActivationScale(node.outputs[0]),
                                 node.outputs[0]);
    tensor_of_[node.outputs[0]] = y;
    nn::MatMulParams p{};
    p.rows = static_cast<uint32_t>(as[as.size() - 2]);
    p.inner = static_cast<uint32_t>(as.back());
    p.cols = static_cast<uint32_t>(bs.back());
    p.batch = tensors_[a].size / (p.rows * p.inner);
    const uint32_t b_batch = tensors_[b].size / (p.inner * p.cols);
    if (b_batch != p.batch && b_batch != 1) Fail(node, "batch dimensions must match");
    p.a_batch_stride = p.rows * p.inner;
    p.b_batch_stride = b_batch == 1 ? 0 : p.inner * p.cols;
    if (p.inner > (1u << 15)) Fail(node, "inner dimension above 32768");
    std::tie(p.multiplier, p.shift) = QuantizeMultiplier(Scale(a) * Scale(b) / Scale(y));
    std::vector<uint8_t> params;
    Put(&params, p);
    Emit(nn::OpKind::kMatMul, a, b, y, params);
  }

  void EmitTranspose(const Node& node) {
    const std::vector<int64_t>& xs = info_.at(node.inputs[0]).shape;
    if (xs.size() > nn::kMaxRank) Fail(node, "rank above 6");
    std::vector<int64_t> perm = node.Ints("perm", {});
    if (perm.empty()) {
      for (size_t d = xs.size(); d-- > 0;) perm.push_back(static_cast<int64_t>(d));
    }
    const uint32_t x = TensorFor(node.inputs[0]);
    // A permutation keeps the values: the output keeps the input's scale.
    const uint32_t y = NewTensor(info_.at(node.outputs[0]).shape, Scale(x), node.outputs[0]);
    tensor_of_[node.outputs[0]] = y;
    std::vector<uint32_t> in_strides(xs.size(), 1);
    for (size_t d = xs.size(); d-- > 1;) {
      in_strides[d - 1] = in_strides[d] * static_cast<uint32_t>(xs[d]);
    }
    nn::TransposeParams p{};
    const size_t pad = nn::kMaxRank - xs.size();
    for (size_t d = 0; d < nn::kMaxRank; ++d) {
      p.dims[d] = d < pad ? 1 : static_cast<uint32_t>(xs[perm[d - pad]]);
      p.in_strides[d] = d < pad ? 0 : in_strides[perm[d - pad]];
    }
    std::vector<uint8_t> params;
    Put(&params, p);
    Emit(nn::OpKind::kTranspose, x, x, y, params);
  }

  void EmitLayerNorm(const Node& node) {
    const std::vector<int64_t>& xs = info_.at(node.inputs[0]).shape;
    int64_t axis = node.Int("axis", -1);
    if (axis < 0) axis += static_cast<int64_t>(xs.size());
    size_t length = 1;
    for (size_t d = static_cast<size_t>(axis); d < xs.size(); ++d) length *= xs[d];
    if (length > 4096) Fail(node, "normalised length above 4096");
    const Tensor& scale = Constant(node, 1);
    std::vector<double> beta(length, 0.0);
    if (node.HasInput(2)) {
      const Tensor& b = Constant(node, 2);
      for (size_t i = 0; i < length; ++i) beta[i] = b.data.at(i);
    }
    const uint32_t x = TensorFor(node.inputs[0]);
    const uint32_t y = NewTensor(info_.at(node.outputs[0]).shape, ActivationScale(node.outputs[0]),
                                 node.outputs[0]);
    tensor_of_[node.outputs[0]] = y;
    const double epsilon = node.Float("epsilon", 1e-5f) / (Scale(x) * Scale(x)) *
                           static_cast<double>(length) * static_cast<double>(length);
    if (epsilon >= std::ldexp(1.0, 51)) Fail(node, "epsilon too large for the input scale");
    const uint64_t epsilon_q = static_cast<uint64_t>(std::llround(epsilon));
    nn::LayerNormParams p{static_cast<uint32_t>(tensors_[x].size / length),
                          static_cast<uint32_t>(length), static_cast<uint32_t>(epsilon_q),
                          static_cast<uint32_t>(epsilon_q >> 32)};
    std::vector<uint8_t> params;
    Put(&params, p);
    for (size_t i = 0; i < length; ++i) {
      const double gain = std::nearbyint(scale.data.at(i) / Scale(y) * 512.0);
      if (std::fabs(gain) >= std::ldexp(1.0, 31)) Fail(node, "Scale too large for the output");
      Put(&params, static_cast<int32_t>(gain));
    }
    for (size_t i = 0; i < length; ++i) {
      const int64_t bias = std::llround(beta[i] / Scale(y) * std::ldexp(1.0, 24));
      if (bias >= (int64_t{1} << 59) || bias < -(int64_t{1} << 59)) {
        Fail(node, "B too large for the output");
      }
      Put(&params, static_cast<int32_t>(static_cast<uint32_t>(bias)));
      Put(&params, static_cast<int32_t>(bias >> 32));
    }
    Emit(nn::OpKind::kLayerNorm, x, x, y, params);
  }

  void EmitAlias(const Node& node) {
    const uint32_t x = TensorFor(node.inputs[0]);
    nn::TensorEntry entry = tensors_[x];
    entry.constant = nn::kNoConstant;
    const std::vector<int64_t>& shape = info_.at(node.outputs[0]).shape;
    if (shape.size() > nn::kMaxRank) Fail(node, "rank above 6");
    entry.rank = static_cast<uint32_t>(shape.size());
    for (size_t d = 0; d < nn::kMaxRank; ++d) entry.dims[d] = d < shape.size() ? shape[d] : 0;
    tensors_.push_back(entry);
    const uint32_t y = static_cast<uint32_t>(tensors_.size() - 1);
    tensor_of_[node.outputs[0]] = y;
    Emit(nn::OpKind::kAlias, x, x, y, {});
  }

  void EmitNode(const Node& node, std::set<size_t>* absorbed) {
    const std::string& op = node.op_type;
    if (!node.HasInput(0)) Fail(node, "missing input");
    if (op == "MatMul" &&
        (!constant_.count(node.inputs.at(1)) || info_.at(node.inputs[1]).shape.size() != 2)) {
      EmitMatMul(node);
    } else if (op == "Transpose") {
      EmitTranspose(node);
    } else if (op == "LayerNormalization") {
      EmitLayerNorm(node);
    } else if (op == "Gemm" || op == "MatMul") {
      EmitDense(node, absorbed);
    } else if (op == "Conv") {
      EmitConv(node, absorbed);
    } else if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" ||
               op == "GlobalMaxPool") {
      EmitPool(node);
    } else if (op == "Add" || op == "Sub" || op == "Mul") {
      EmitBinary(node, absorbed);
    } else if (IsLookupOperator(op)) {
      EmitLookup(node);
    } else if (op == "Softmax") {
      EmitSoftmax(node);
    } else if (op == "ArgMax") {
      EmitArgMax(node);
    } else if (op == "BatchNormalization") {
      EmitBatchNorm(node, absorbed);
    } else if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" ||
               op == "Identity" || op == "Dropout") {
      EmitAlias(node);
    } else {
      Fail(node, "operator is not supported");
    }
  }

  std::vector<uint8_t> Serialize() {
    Align4(&blob_);
    header_.magic = nn::kMagic;
    header_.version = nn::kFormatVersion;
    header_.num_tensors = static_cast<uint32_t>(tensors_.size());
    header_.num_ops = static_cast<uint32_t>(ops_.size());
    header_.arena_size = arena_size_;
    header_.blob_size = static_cast<uint32_t>(blob_.size());
    std::vector<uint8_t> out;
    const size_t total = sizeof(header_) + tensors_.size() * sizeof(nn::TensorEntry) +
                         ops_.size() * sizeof(nn::OpEntry) + blob_.size();
    header_.file_size = static_cast<uint32_t>(total);
    Put(&out, header_);
    for (const auto& t : tensors_) Put(&out, t);
    for (const auto& o : ops_) Put(&out, o);
    out.insert(out.end(), blob_.begin(), blob_.end());
    PROVA_CHECK(out.size() == total, "serialised size");
    return out;
  }

  const Graph& graph_;
  CompileOptions options_;
  std::map<std::string, ValueInfo> info_;
  Values first_values_;
  std::set<std::string> constant_;
  std::map<std::string, int> consumers_;
  std::map<std::string, uint32_t> tensor_of_;
  std::vector<nn::TensorEntry> tensors_;
  std::vector<nn::OpEntry> ops_;
  std::vector<uint8_t> blob_;
  nn::FileHeader header_{};
  uint32_t arena_size_ = 0;
};

}  // namespace

std::vector<uint8_t> Compile(const Graph& graph, std::span<const Tensor> calibration,
                             const CompileOptions& options) {
  std::vector<uint8_t> bytes = Compiler(graph, calibration, options).Run();
  // The compiler's output must pass the same validation as an untrusted file.
  std::vector<uint32_t> aligned((bytes.size() + 3) / 4);
  std::memcpy(aligned.data(), bytes.data(), bytes.size());
  nn::Model model;
  const nn::Status status =
      model.Load(reinterpret_cast<const uint8_t*>(aligned.data()), bytes.size());
  if (status != nn::Status::kOk) {
    throw Error(
        fmt::format("internal: compiled model fails validation: {}", nn::StatusMessage(status)));
  }
  return bytes;
}

}  // namespace prova::model
