#pragma once

// Float reference interpreter of the ONNX subset the compiler supports. The compiler runs it on
// calibration samples (activation ranges, output shapes); tests and `prova model run --onnx`
// compare the fixed-point model against it.

#include <map>
#include <string>
#include <vector>

#include "model/graph.h"

namespace prova::model {

using Values = std::map<std::string, Tensor>;

// The ONNX operators the compiler and the reference both support.
const std::vector<std::string>& SupportedOperators();
bool IsSupportedOperator(const std::string& op_type);

// Elementwise unary operators compiled into 256-entry lookup tables.
bool IsLookupOperator(const std::string& op_type);
// f(x) for such an operator (its attributes from `node`, constant inputs from `values`).
float ApplyLookupOperator(const Node& node, const Values& values, float x);

// Runs the graph with the given graph inputs plus the initializers; returns every value by name.
// Throws prova::Error naming the node on an unsupported operator, attribute or shape.
Values Evaluate(const Graph& graph, const Values& feeds);
// Convenience: one input (the graph's first), returns every value.
Values Evaluate(const Graph& graph, const Tensor& input);

// Geometry of a 2-D window op (Conv, pools) following the ONNX auto_pad and ceil_mode rules.
struct Window {
  int64_t kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w;
  int64_t pad_top, pad_left, pad_bottom, pad_right;
  int64_t out_h, out_w;
};
Window ComputeWindow(const Node& node, int64_t height, int64_t width, int64_t kernel_h,
                     int64_t kernel_w);

// Numpy broadcast of two shapes; throws on incompatible shapes.
std::vector<int64_t> BroadcastShape(std::vector<int64_t> a, std::vector<int64_t> b);

}  // namespace prova::model
