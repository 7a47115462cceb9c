#include "model/reference.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"

namespace prova::model {

namespace {

const std::vector<std::string> kLookupOperators = {
    "Relu",     "LeakyRelu", "Sigmoid", "Tanh", "Exp",         "Neg",       "Abs",
    "Softplus", "Softsign",  "Elu",     "Selu", "HardSigmoid", "HardSwish", "Clip"};

// clang-format off
const std::vector<std::string> kOtherOperators = {
    "Gemm", "MatMul", "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "Add", "Sub", "Mul", "Softmax", "ArgMax", "BatchNormalization", "LayerNormalization",
    "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Dropout", "Constant"};
// clang-format on

[[noreturn]] void Fail(const Node& node, const std::string& why) {
  throw Error(fmt::format("{}: {}", node.Label(), why));
}

const Tensor& Input(const Node& node, const Values& values, size_t i) {
  if (!node.HasInput(i)) Fail(node, fmt::format("missing input {}", i));
  auto it = values.find(node.inputs[i]);
  if (it == values.end()) Fail(node, fmt::format("input '{}' is not computed", node.inputs[i]));
  // Every operator below may read any element its shape names, and divides by dims: a hostile
  // model's tensor whose values disagree with its shape, or that is empty, stops here.
  const Tensor& t = it->second;
  if (t.data.empty() || t.data.size() != ElementCount(t.shape)) {
    Fail(node, fmt::format("input '{}' has shape {} but {} values", node.inputs[i],
                           ShapeString(t.shape), t.data.size()));
  }
  return t;
}

int64_t NormalizeAxis(const Node& node, int64_t axis, size_t rank) {
  if (axis < 0) axis += static_cast<int64_t>(rank);
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) Fail(node, "axis out of range");
  return axis;
}

std::vector<int64_t> BroadcastShapeOf(const Node& node, const std::vector<int64_t>& a,
                                      const std::vector<int64_t>& b) {
  try {
    return BroadcastShape(a, b);
  } catch (const Error& e) {
    Fail(node, e.what());
  }
}

Tensor Binary(const Node& node, const Tensor& a, const Tensor& b, float (*f)(float, float)) {
  Tensor out;
  out.shape = BroadcastShapeOf(node, a.shape, b.shape);
  const size_t rank = out.shape.size();
  out.data.resize(ElementCount(out.shape));
  std::vector<size_t> sa(rank + 1, 0), sb(rank + 1, 0);
  size_t stride_a = 1, stride_b = 1;
  for (size_t d = rank; d-- > 0;) {
    const size_t da = d + a.shape.size() >= rank ? d + a.shape.size() - rank : SIZE_MAX;
    const size_t db = d + b.shape.size() >= rank ? d + b.shape.size() - rank : SIZE_MAX;
    if (da != SIZE_MAX) {
      sa[d] = a.shape[da] == 1 ? 0 : stride_a;
      stride_a *= a.shape[da];
    }
    if (db != SIZE_MAX) {
      sb[d] = b.shape[db] == 1 ? 0 : stride_b;
      stride_b *= b.shape[db];
    }
  }
  std::vector<int64_t> index(rank + 1, 0);
  for (size_t i = 0; i < out.data.size(); ++i) {
    size_t ia = 0, ib = 0;
    for (size_t d = 0; d < rank; ++d) {
      ia += index[d] * sa[d];
      ib += index[d] * sb[d];
    }
    out.data[i] = f(a.data[ia], b.data[ib]);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace

Window ComputeWindow(const Node& node, int64_t h, int64_t w, int64_t kh, int64_t kw) {
  Window win{};
  win.kernel_h = kh;
  win.kernel_w = kw;
  std::vector<int64_t> strides = node.Ints("strides", {1, 1});
  std::vector<int64_t> dilations = node.Ints("dilations", {1, 1});
  std::vector<int64_t> pads = node.Ints("pads", {0, 0, 0, 0});
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
    Fail(node, "only 2-D windows are supported");
  }
  win.stride_h = strides[0];
  win.stride_w = strides[1];
  win.dilation_h = dilations[0];
  win.dilation_w = dilations[1];
  if (win.stride_h < 1 || win.stride_w < 1 || win.dilation_h < 1 || win.dilation_w < 1 || kh < 1 ||
      kw < 1) {
    Fail(node, "strides, dilations and kernel sizes must be positive");
  }
  // The compiled model's limits (prova/nn/model.h), checked before any product is formed: larger
  // values overflow the window arithmetic or make the reference loop for hours.
  constexpr int64_t kMaxWindowValue = 65535;
  for (const int64_t v :
       {h, w, kh, kw, win.stride_h, win.stride_w, win.dilation_h, win.dilation_w}) {
    if (v > kMaxWindowValue) Fail(node, "window sizes, strides and dilations must be <= 65535");
  }
  for (const int64_t pad : pads) {
    if (pad < 0 || pad > kMaxWindowValue) Fail(node, "pads must be in [0, 65535]");
  }
  const int64_t eh = (kh - 1) * win.dilation_h + 1, ew = (kw - 1) * win.dilation_w + 1;
  const std::string auto_pad = node.String("auto_pad", "NOTSET");
  const bool ceil_mode = node.Int("ceil_mode", 0) != 0;
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    win.out_h = (h + win.stride_h - 1) / win.stride_h;
    win.out_w = (w + win.stride_w - 1) / win.stride_w;
    const int64_t ph = std::max<int64_t>(0, (win.out_h - 1) * win.stride_h + eh - h);
    const int64_t pw = std::max<int64_t>(0, (win.out_w - 1) * win.stride_w + ew - w);
    const bool upper = auto_pad == "SAME_UPPER";
    win.pad_top = upper ? ph / 2 : ph - ph / 2;
    win.pad_bottom = ph - win.pad_top;
    win.pad_left = upper ? pw / 2 : pw - pw / 2;
    win.pad_right = pw - win.pad_left;
    return win;
  }
  if (auto_pad == "VALID")
    pads = {0, 0, 0, 0};
  else if (auto_pad != "NOTSET")
    Fail(node, "unknown auto_pad " + auto_pad);
  win.pad_top = pads[0];
  win.pad_left = pads[1];
  win.pad_bottom = pads[2];
  win.pad_right = pads[3];
  const int64_t span_h = h + win.pad_top + win.pad_bottom - eh;
  const int64_t span_w = w + win.pad_left + win.pad_right - ew;
  if (span_h < 0 || span_w < 0) Fail(node, "window larger than the padded input");
  if (ceil_mode) {
    win.out_h = (span_h + win.stride_h - 1) / win.stride_h + 1;
    win.out_w = (span_w + win.stride_w - 1) / win.stride_w + 1;
    // The last window must start inside the input or its left padding.
    if ((win.out_h - 1) * win.stride_h >= h + win.pad_top) --win.out_h;
    if ((win.out_w - 1) * win.stride_w >= w + win.pad_left) --win.out_w;
  } else {
    win.out_h = span_h / win.stride_h + 1;
    win.out_w = span_w / win.stride_w + 1;
  }
  return win;
}

namespace {

Tensor Conv(const Node& node, const Tensor& x, const Tensor& weights, const Tensor* bias) {
  if (x.shape.size() != 4 || weights.shape.size() != 4) {
    Fail(node, "only 2-D convolutions (NCHW input) are supported");
  }
  const int64_t n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3];
  const int64_t cout = weights.shape[0], groups = node.Int("group", 1);
  if (groups < 1 || cin % groups || cout % groups || weights.shape[1] != cin / groups) {
    Fail(node, "input channels, weight shape and group do not agree");
  }
  if (bias != nullptr && bias->data.size() != static_cast<size_t>(cout)) {
    Fail(node, "the bias has another length than the output channels");
  }
  const Window win = ComputeWindow(node, h, w, weights.shape[2], weights.shape[3]);
  const int64_t cin_g = cin / groups, cout_g = cout / groups;
  Tensor y;
  y.shape = {n, cout, win.out_h, win.out_w};
  y.data.assign(ElementCount(y.shape), 0.f);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t oc = 0; oc < cout; ++oc) {
      const int64_t g = oc / cout_g;
      for (int64_t oy = 0; oy < win.out_h; ++oy) {
        for (int64_t ox = 0; ox < win.out_w; ++ox) {
          double acc = bias ? bias->data[oc] : 0.0;
          for (int64_t ic = 0; ic < cin_g; ++ic) {
            for (int64_t ky = 0; ky < win.kernel_h; ++ky) {
              const int64_t iy = oy * win.stride_h + ky * win.dilation_h - win.pad_top;
              if (iy < 0 || iy >= h) continue;
              for (int64_t kx = 0; kx < win.kernel_w; ++kx) {
                const int64_t ix = ox * win.stride_w + kx * win.dilation_w - win.pad_left;
                if (ix < 0 || ix >= w) continue;
                acc += double{x.data[((b * cin + g * cin_g + ic) * h + iy) * w + ix]} *
                       weights.data[((oc * cin_g + ic) * win.kernel_h + ky) * win.kernel_w + kx];
              }
            }
          }
          y.data[((b * cout + oc) * win.out_h + oy) * win.out_w + ox] = static_cast<float>(acc);
        }
      }
    }
  }
  return y;
}

Tensor Pool(const Node& node, const Tensor& x, bool average, bool global) {
  if (x.shape.size() != 4) Fail(node, "only 2-D pooling (NCHW input) is supported");
  if (node.outputs.size() > 1 && !node.outputs[1].empty()) Fail(node, "Indices output");
  if (node.Int("storage_order", 0) != 0) {
    Fail(node, "storage_order 1 is not supported");
  }
  const int64_t planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3];
  Window win;
  if (global) {
    win = Window{h, w, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1};
  } else {
    std::vector<int64_t> kernel = node.Ints("kernel_shape", {});
    if (kernel.size() != 2) Fail(node, "only 2-D kernel_shape is supported");
    win = ComputeWindow(node, h, w, kernel[0], kernel[1]);
  }
  const bool include_pad = node.Int("count_include_pad", 0) != 0;
  Tensor y;
  y.shape = {x.shape[0], x.shape[1], win.out_h, win.out_w};
  y.data.resize(ElementCount(y.shape));
  size_t at = 0;
  for (int64_t c = 0; c < planes; ++c) {
    for (int64_t oy = 0; oy < win.out_h; ++oy) {
      for (int64_t ox = 0; ox < win.out_w; ++ox) {
        double sum = 0;
        float best = -std::numeric_limits<float>::infinity();
        int64_t count = 0;
        for (int64_t ky = 0; ky < win.kernel_h; ++ky) {
          const int64_t iy = oy * win.stride_h + ky * win.dilation_h - win.pad_top;
          if (iy < 0 || iy >= h) continue;
          for (int64_t kx = 0; kx < win.kernel_w; ++kx) {
            const int64_t ix = ox * win.stride_w + kx * win.dilation_w - win.pad_left;
            if (ix < 0 || ix >= w) continue;
            const float v = x.data[(c * h + iy) * w + ix];
            sum += v;
            best = std::max(best, v);
            ++count;
          }
        }
        if (include_pad) {
          // Padding counts, the part of a ceil_mode window beyond the padding does not.
          const int64_t y0 = oy * win.stride_h - win.pad_top, x0 = ox * win.stride_w - win.pad_left;
          const int64_t y1 = std::min(y0 + win.kernel_h, h + win.pad_bottom);
          const int64_t x1 = std::min(x0 + win.kernel_w, w + win.pad_right);
          count = (y1 - y0) * (x1 - x0);
        }
        y.data[at++] = average ? (count ? static_cast<float>(sum / count) : 0.f) : best;
      }
    }
  }
  return y;
}

std::vector<int64_t> ReshapeTarget(const Node& node, const Tensor& x, const Tensor& shape) {
  std::vector<int64_t> out;
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.data.size(); ++i) {
    int64_t d = static_cast<int64_t>(shape.data[i]);
    if (d == 0 && node.Int("allowzero", 0) == 0) {
      if (i >= x.shape.size()) Fail(node, "0 in shape beyond the input rank");
      d = x.shape[i];
    }
    if (d == -1) {
      if (infer >= 0) Fail(node, "more than one -1 in shape");
      infer = static_cast<int64_t>(i);
      d = 1;
    } else if (d < 0) {
      Fail(node, "negative dimension in shape");
    }
    known *= d;
    out.push_back(d);
  }
  if (infer >= 0) {
    if (known == 0) Fail(node, "cannot infer a dimension next to a zero");
    out[infer] = static_cast<int64_t>(x.size()) / known;
  }
  if (ElementCount(out) != x.size()) Fail(node, "shape does not preserve the element count");
  return out;
}

std::vector<int64_t> TransposePerm(const Node& node, size_t rank) {
  std::vector<int64_t> perm = node.Ints("perm", {});
  if (perm.empty()) {
    for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
  }
  std::vector<bool> seen(rank, false);
  if (perm.size() != rank) Fail(node, "perm does not match the rank");
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[p])
      Fail(node, "perm is not a permutation");
    seen[p] = true;
  }
  return perm;
}

// MatMul with a right operand of rank > 2: batch dims must match or the right one is absent / 1.
Tensor BatchedMatMul(const Node& node, const Tensor& a, const Tensor& b) {
  if (a.shape.size() < 2 || b.shape.size() < 2) Fail(node, "operands must be at least 2-D");
  const int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back();
  const int64_t n = b.shape.back();
  if (b.shape[b.shape.size() - 2] != k) Fail(node, "inner dimensions differ");
  const int64_t a_batch = static_cast<int64_t>(a.size()) / (m * k);
  const int64_t b_batch = static_cast<int64_t>(b.size()) / (k * n);
  if (b_batch != a_batch && b_batch != 1) Fail(node, "batch dimensions must match");
  Tensor out;
  out.shape = a.shape.size() >= b.shape.size() ? a.shape : b.shape;
  out.shape[out.shape.size() - 2] = m;
  out.shape.back() = n;
  if (static_cast<int64_t>(ElementCount(out.shape)) != a_batch * m * n) {
    Fail(node, "batch dimensions must match");
  }
  out.data.resize(ElementCount(out.shape));
  for (int64_t t = 0; t < a_batch; ++t) {
    const float* pa = a.data.data() + t * m * k;
    const float* pb = b.data.data() + (b_batch == 1 ? 0 : t) * k * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) acc += double{pa[i * k + p]} * pb[p * n + j];
        out.data[(t * m + i) * n + j] = static_cast<float>(acc);
      }
    }
  }
  return out;
}

std::vector<int64_t> AxesOf(const Node& node, const Values& values, size_t input) {
  if (node.HasInput(input)) {
    std::vector<int64_t> axes;
    for (float v : Input(node, values, input).data) axes.push_back(static_cast<int64_t>(v));
    return axes;
  }
  return node.Ints("axes", {});
}

}  // namespace

std::vector<int64_t> BroadcastShape(std::vector<int64_t> a, std::vector<int64_t> b) {
  if (a.size() < b.size()) std::swap(a, b);
  b.insert(b.begin(), a.size() - b.size(), 1);
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i] || b[i] == 1) continue;
    if (a[i] == 1) {
      a[i] = b[i];
      continue;
    }
    throw Error(fmt::format("shapes {} and {} do not broadcast", ShapeString(a), ShapeString(b)));
  }
  return a;
}

const std::vector<std::string>& SupportedOperators() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v = kOtherOperators;
    v.insert(v.end(), kLookupOperators.begin(), kLookupOperators.end());
    return v;
  }();
  return all;
}

bool IsSupportedOperator(const std::string& op_type) {
  const auto& all = SupportedOperators();
  return std::find(all.begin(), all.end(), op_type) != all.end();
}

bool IsLookupOperator(const std::string& op_type) {
  return std::find(kLookupOperators.begin(), kLookupOperators.end(), op_type) !=
         kLookupOperators.end();
}

float ApplyLookupOperator(const Node& node, const Values& values, float x) {
  const std::string& op = node.op_type;
  if (op == "Relu") return x > 0 ? x : 0;
  if (op == "LeakyRelu") return x >= 0 ? x : x * node.Float("alpha", 0.01f);
  if (op == "Sigmoid") return 1.f / (1.f + std::exp(-x));
  if (op == "Tanh") return std::tanh(x);
  if (op == "Exp") return std::exp(x);
  if (op == "Neg") return -x;
  if (op == "Abs") return std::fabs(x);
  if (op == "Softplus") return std::log1p(std::exp(x));
  if (op == "Softsign") return x / (1 + std::fabs(x));
  if (op == "Elu") {
    const float alpha = node.Float("alpha", 1.f);
    return x >= 0 ? x : alpha * (std::exp(x) - 1);
  }
  if (op == "Selu") {
    const float alpha = node.Float("alpha", 1.67326319217681884765625f);
    const float gamma = node.Float("gamma", 1.05070102214813232421875f);
    return x > 0 ? gamma * x : gamma * (alpha * std::exp(x) - alpha);
  }
  if (op == "HardSigmoid") {
    return std::clamp(node.Float("alpha", 0.2f) * x + node.Float("beta", 0.5f), 0.f, 1.f);
  }
  if (op == "HardSwish") return x * std::clamp(x / 6.f + 0.5f, 0.f, 1.f);
  if (op == "Clip") {
    float low = -std::numeric_limits<float>::infinity(), high = -low;
    if (node.HasInput(1))
      low = Input(node, values, 1).data.at(0);
    else if (node.Has("min"))
      low = node.Float("min", low);
    if (node.HasInput(2))
      high = Input(node, values, 2).data.at(0);
    else if (node.Has("max"))
      high = node.Float("max", high);
    return std::min(std::max(x, low), high);
  }
  Fail(node, "not an elementwise lookup operator");
}

Values Evaluate(const Graph& graph, const Values& feeds) {
  Values values = graph.initializers;
  for (const auto& [name, tensor] : feeds) values[name] = tensor;
  for (const Node& node : graph.nodes) {
    const std::string& op = node.op_type;
    if (!IsSupportedOperator(op)) Fail(node, "operator is not supported");
    if (node.outputs.empty()) Fail(node, "no outputs");
    Tensor out;
    if (IsLookupOperator(op)) {
      const Tensor& x = Input(node, values, 0);
      out.shape = x.shape;
      out.data.resize(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        out.data[i] = ApplyLookupOperator(node, values, x.data[i]);
      }
    } else if (op == "Constant") {
      if (!node.Has("value")) Fail(node, "only the 'value' form of Constant is supported");
      out = node.attributes.at("value").t;
    } else if (op == "Identity" || op == "Dropout") {
      out = Input(node, values, 0);
      if (node.outputs.size() > 1 && !node.outputs[1].empty()) Fail(node, "mask output");
      // Training-mode dropout is random: not an inference operator.
      if (op == "Dropout" && node.HasInput(2) && Input(node, values, 2).data.at(0) != 0) {
        Fail(node, "training_mode dropout is not supported");
      }
    } else if (op == "Add" || op == "Sub" || op == "Mul") {
      const Tensor& a = Input(node, values, 0);
      const Tensor& b = Input(node, values, 1);
      auto f = op == "Add"   ? +[](float p, float q) { return p + q; }
               : op == "Sub" ? +[](float p, float q) { return p - q; }
                             : +[](float p, float q) { return p * q; };
      out = Binary(node, a, b, f);
    } else if (op == "MatMul" && Input(node, values, 1).shape.size() != 2) {
      out = BatchedMatMul(node, Input(node, values, 0), Input(node, values, 1));
    } else if (op == "Transpose") {
      const Tensor& x = Input(node, values, 0);
      std::vector<int64_t> perm = TransposePerm(node, x.shape.size());
      out.shape.resize(x.shape.size());
      for (size_t d = 0; d < perm.size(); ++d) out.shape[d] = x.shape[perm[d]];
      std::vector<size_t> in_strides(x.shape.size(), 1);
      for (size_t d = x.shape.size(); d-- > 1;) in_strides[d - 1] = in_strides[d] * x.shape[d];
      out.data.resize(x.size());
      std::vector<int64_t> index(out.shape.size() + 1, 0);
      for (size_t i = 0; i < out.data.size(); ++i) {
        size_t from = 0;
        for (size_t d = 0; d < perm.size(); ++d) from += index[d] * in_strides[perm[d]];
        out.data[i] = x.data[from];
        for (size_t d = out.shape.size(); d-- > 0;) {
          if (++index[d] < out.shape[d]) break;
          index[d] = 0;
        }
      }
    } else if (op == "LayerNormalization") {
      const Tensor& x = Input(node, values, 0);
      const Tensor& scale = Input(node, values, 1);
      const int64_t axis = NormalizeAxis(node, node.Int("axis", -1), x.shape.size());
      size_t length = 1;
      for (size_t d = static_cast<size_t>(axis); d < x.shape.size(); ++d) length *= x.shape[d];
      const Tensor* bias = node.HasInput(2) ? &Input(node, values, 2) : nullptr;
      if (scale.size() != length || (bias && bias->size() != length)) {
        Fail(node, "Scale and B must cover the normalised dimensions");
      }
      const double epsilon = node.Float("epsilon", 1e-5f);
      out = x;
      // Mean and InvStdDev (optional outputs) in float only: the compiler emits output 0.
      Tensor mean_out, inv_std_out;
      mean_out.shape = x.shape;
      for (size_t d = static_cast<size_t>(axis); d < x.shape.size(); ++d) mean_out.shape[d] = 1;
      inv_std_out.shape = mean_out.shape;
      for (size_t o = 0; o < x.size() / length; ++o) {
        const float* row = x.data.data() + o * length;
        double mean = 0, var = 0;
        for (size_t i = 0; i < length; ++i) mean += row[i];
        mean /= static_cast<double>(length);
        for (size_t i = 0; i < length; ++i) var += (row[i] - mean) * (row[i] - mean);
        var /= static_cast<double>(length);
        for (size_t i = 0; i < length; ++i) {
          out.data[o * length + i] =
              static_cast<float>((row[i] - mean) / std::sqrt(var + epsilon) * scale.data[i] +
                                 (bias ? bias->data[i] : 0));
        }
        mean_out.data.push_back(static_cast<float>(mean));
        inv_std_out.data.push_back(static_cast<float>(1 / std::sqrt(var + epsilon)));
      }
      if (node.outputs.size() > 1 && !node.outputs[1].empty()) values[node.outputs[1]] = mean_out;
      if (node.outputs.size() > 2 && !node.outputs[2].empty()) {
        values[node.outputs[2]] = inv_std_out;
      }
    } else if (op == "Gemm" || op == "MatMul") {
      const Tensor& a = Input(node, values, 0);
      const Tensor& b = Input(node, values, 1);
      const bool gemm = op == "Gemm";
      const bool trans_a = gemm && node.Int("transA", 0), trans_b = gemm && node.Int("transB", 0);
      if (b.shape.size() != 2 || (gemm && a.shape.size() != 2) || a.shape.empty()) {
        // (MatMul with a batched right operand is handled above.)
        Fail(node, "only a 2-D weight matrix (and a 2-D input for Gemm) is supported");
      }
      const int64_t k = trans_a ? a.shape[0] : a.shape.back();
      const int64_t m =
          trans_a ? a.shape[1] : static_cast<int64_t>(a.size()) / std::max<int64_t>(k, 1);
      const int64_t n = trans_b ? b.shape[0] : b.shape[1];
      if ((trans_b ? b.shape[1] : b.shape[0]) != k) Fail(node, "inner dimensions differ");
      const float alpha = gemm ? node.Float("alpha", 1.f) : 1.f;
      const float beta = gemm ? node.Float("beta", 1.f) : 1.f;
      out.shape = a.shape;
      if (trans_a)
        out.shape = {m, n};
      else
        out.shape.back() = n;
      out.data.assign(static_cast<size_t>(m * n), 0.f);
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
          double acc = 0;
          for (int64_t p = 0; p < k; ++p) {
            const float av = trans_a ? a.data[p * m + i] : a.data[i * k + p];
            const float bv = trans_b ? b.data[j * k + p] : b.data[p * n + j];
            acc += double{av} * bv;
          }
          out.data[i * n + j] = static_cast<float>(alpha * acc);
        }
      }
      if (gemm && node.HasInput(2)) {
        Tensor c = Input(node, values, 2);
        for (float& v : c.data) v *= beta;
        out = Binary(
            node, out, c, +[](float p, float q) { return p + q; });
        if (out.shape != std::vector<int64_t>{m, n}) Fail(node, "C does not broadcast to [M, N]");
      }
    } else if (op == "Conv") {
      out = Conv(node, Input(node, values, 0), Input(node, values, 1),
                 node.HasInput(2) ? &Input(node, values, 2) : nullptr);
    } else if (op == "MaxPool" || op == "AveragePool") {
      out = Pool(node, Input(node, values, 0), op == "AveragePool", false);
    } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      out = Pool(node, Input(node, values, 0), op == "GlobalAveragePool", true);
    } else if (op == "BatchNormalization") {
      const Tensor& x = Input(node, values, 0);
      const Tensor& scale = Input(node, values, 1);
      const Tensor& bias = Input(node, values, 2);
      const Tensor& mean = Input(node, values, 3);
      const Tensor& var = Input(node, values, 4);
      if (node.outputs.size() > 1) Fail(node, "training mode outputs are not supported");
      if (x.shape.size() < 2) Fail(node, "input must have a channel dimension");
      const int64_t c = x.shape[1];
      const int64_t inner = static_cast<int64_t>(ElementCount(x.shape)) / (x.shape[0] * c);
      if (static_cast<int64_t>(scale.size()) != c || static_cast<int64_t>(bias.size()) != c ||
          static_cast<int64_t>(mean.size()) != c || static_cast<int64_t>(var.size()) != c) {
        Fail(node, "parameter sizes differ from the channel count");
      }
      const float epsilon = node.Float("epsilon", 1e-5f);
      out = x;
      for (size_t i = 0; i < x.size(); ++i) {
        const size_t ch = (i / inner) % c;
        out.data[i] =
            (x.data[i] - mean.data[ch]) / std::sqrt(var.data[ch] + epsilon) * scale.data[ch] +
            bias.data[ch];
      }
    } else if (op == "Softmax") {
      const Tensor& x = Input(node, values, 0);
      const int64_t default_axis = graph.opset >= 13 ? -1 : 1;
      const int64_t axis = NormalizeAxis(node, node.Int("axis", default_axis), x.shape.size());
      size_t outer = 1, length = 1, inner = 1;
      for (int64_t d = 0; d < static_cast<int64_t>(x.shape.size()); ++d) {
        if (d < axis)
          outer *= x.shape[d];
        else if (d == axis || graph.opset < 13)
          length *= x.shape[d];
        else
          inner *= x.shape[d];
      }
      out = x;
      for (size_t o = 0; o < outer; ++o) {
        for (size_t in = 0; in < inner; ++in) {
          auto at = [&](size_t i) -> float& { return out.data[(o * length + i) * inner + in]; };
          float max = -std::numeric_limits<float>::infinity();
          for (size_t i = 0; i < length; ++i) max = std::max(max, at(i));
          double sum = 0;
          for (size_t i = 0; i < length; ++i) sum += std::exp(double{at(i)} - max);
          for (size_t i = 0; i < length; ++i) {
            at(i) = static_cast<float>(std::exp(double{at(i)} - max) / sum);
          }
        }
      }
    } else if (op == "ArgMax") {
      const Tensor& x = Input(node, values, 0);
      const int64_t axis = NormalizeAxis(node, node.Int("axis", 0), x.shape.size());
      const bool keep = node.Int("keepdims", 1) != 0, last = node.Int("select_last_index", 0);
      size_t outer = 1, length = x.shape[axis], inner = 1;
      for (int64_t d = 0; d < static_cast<int64_t>(x.shape.size()); ++d) {
        if (d < axis) outer *= x.shape[d];
        if (d > axis) inner *= x.shape[d];
      }
      out.shape = x.shape;
      if (keep)
        out.shape[axis] = 1;
      else
        out.shape.erase(out.shape.begin() + axis);
      out.data.resize(outer * inner);
      for (size_t o = 0; o < outer; ++o) {
        for (size_t in = 0; in < inner; ++in) {
          size_t best = 0;
          for (size_t i = 1; i < length; ++i) {
            const float v = x.data[(o * length + i) * inner + in];
            const float current = x.data[(o * length + best) * inner + in];
            if (v > current || (last && v == current)) best = i;
          }
          out.data[o * inner + in] = static_cast<float>(best);
        }
      }
    } else if (op == "Flatten") {
      const Tensor& x = Input(node, values, 0);
      int64_t axis = node.Int("axis", 1);
      if (axis < 0) axis += static_cast<int64_t>(x.shape.size());
      if (axis < 0 || axis > static_cast<int64_t>(x.shape.size())) Fail(node, "axis out of range");
      int64_t outer = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= x.shape[d];
      out = x;
      out.shape = {outer, outer ? static_cast<int64_t>(x.size()) / outer : 0};
    } else if (op == "Reshape") {
      const Tensor& x = Input(node, values, 0);
      out = x;
      out.shape = ReshapeTarget(node, x, Input(node, values, 1));
    } else if (op == "Squeeze" || op == "Unsqueeze") {
      const Tensor& x = Input(node, values, 0);
      std::vector<int64_t> axes = AxesOf(node, values, 1);
      out = x;
      if (op == "Squeeze") {
        std::vector<int64_t> shape;
        for (size_t d = 0; d < x.shape.size(); ++d) {
          bool drop = axes.empty() ? x.shape[d] == 1 : false;
          for (int64_t a : axes) {
            if (NormalizeAxis(node, a, x.shape.size()) == static_cast<int64_t>(d)) drop = true;
          }
          if (drop && x.shape[d] != 1) Fail(node, "squeezes a dimension that is not 1");
          if (!drop) shape.push_back(x.shape[d]);
        }
        out.shape = shape;
      } else {
        const size_t rank = x.shape.size() + axes.size();
        std::vector<bool> inserted(rank, false);
        for (int64_t a : axes) {
          const int64_t axis = NormalizeAxis(node, a, rank);
          if (inserted[axis]) Fail(node, "an axis is inserted twice");
          inserted[axis] = true;
        }
        std::vector<int64_t> shape;
        size_t next = 0;
        for (size_t d = 0; d < rank; ++d) shape.push_back(inserted[d] ? 1 : x.shape[next++]);
        out.shape = shape;
      }
    }
    values[node.outputs[0]] = std::move(out);
  }
  return values;
}

Values Evaluate(const Graph& graph, const Tensor& input) {
  if (graph.inputs.empty()) throw Error("the graph has no input");
  return Evaluate(graph, Values{{graph.inputs[0], input}});
}

}  // namespace prova::model
