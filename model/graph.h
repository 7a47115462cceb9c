#pragma once

// An ONNX graph as the model compiler sees it: nodes in topological order, constant initializers
// converted to float, attributes by name. Loading goes through the ONNX protobuf schema
// (libonnx-dev); nothing else in model/ includes protobuf headers.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace prova::model {

// A dense float tensor, row-major. Integer ONNX tensors (int64 shapes, indices) are converted too.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;

  size_t size() const { return data.size(); }
};

// The most elements a tensor may have: the guest runtime's arena holds at most 64 MiB of int8
// (prova/nn/format.h kMaxArenaBytes), and the host evaluates in float.
inline constexpr size_t kMaxTensorElements = size_t{64} << 20;

// The product of the dims; throws prova::Error for a negative dim or more than
// kMaxTensorElements elements.
size_t ElementCount(std::span<const int64_t> shape);
std::string ShapeString(std::span<const int64_t> shape);

struct Attribute {
  int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  Tensor t;
};

struct Node {
  std::string name;
  std::string op_type;
  std::vector<std::string> inputs;  // "" for an omitted optional input
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attributes;

  bool Has(const std::string& attribute) const { return attributes.count(attribute) != 0; }
  int64_t Int(const std::string& attribute, int64_t fallback) const;
  float Float(const std::string& attribute, float fallback) const;
  std::string String(const std::string& attribute, const std::string& fallback) const;
  std::vector<int64_t> Ints(const std::string& attribute, std::vector<int64_t> fallback) const;
  // Non-empty input `i`, if present.
  bool HasInput(size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
  // "node 'conv1' (Conv)", or "node #3 (Conv)" when the node has no name: used in every error.
  std::string Label() const;
  size_t index = 0;
};

struct Graph {
  std::vector<Node> nodes;
  std::map<std::string, Tensor> initializers;
  std::vector<std::string> inputs;                 // graph inputs that are not initializers
  std::vector<std::vector<int64_t>> input_shapes;  // -1 for a symbolic dimension
  std::vector<std::string> outputs;
  int64_t opset = 0;  // of the default ("" / "ai.onnx") domain
};

// Throws prova::Error on a file that is not a valid ONNX model, on tensor data types other than
// float, double and integers, and on external data.
Graph ParseOnnx(std::span<const uint8_t> bytes);
Graph LoadOnnx(const std::string& path);
// A serialised onnx.TensorProto (the node tests' input_*.pb / output_*.pb).
Tensor ParseTensorProto(std::span<const uint8_t> bytes);

std::vector<uint8_t> ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace prova::model
