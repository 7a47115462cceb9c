#include "model/graph.h"

#include <fmt/core.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.h"

namespace prova::model {

size_t ElementCount(std::span<const int64_t> shape) {
  // A hostile model's dims can multiply past 64 bits and wrap to a small count that matches a
  // small buffer; no tensor a guest runs holds more than kMaxTensorElements anyway.
  size_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(count, static_cast<size_t>(d), &count) ||
        count > kMaxTensorElements) {
      throw Error("tensor shape " + ShapeString(shape) + " has more than " +
                  std::to_string(kMaxTensorElements) + " elements");
    }
  }
  return count;
}

std::string ShapeString(std::span<const int64_t> shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ',';
    text += fmt::format("{}", shape[i]);
  }
  text += ']';
  return text;
}

int64_t Node::Int(const std::string& attribute, int64_t fallback) const {
  auto it = attributes.find(attribute);
  return it == attributes.end() ? fallback : it->second.i;
}

float Node::Float(const std::string& attribute, float fallback) const {
  auto it = attributes.find(attribute);
  return it == attributes.end() ? fallback : it->second.f;
}

std::string Node::String(const std::string& attribute, const std::string& fallback) const {
  auto it = attributes.find(attribute);
  return it == attributes.end() ? fallback : it->second.s;
}

std::vector<int64_t> Node::Ints(const std::string& attribute, std::vector<int64_t> fallback) const {
  auto it = attributes.find(attribute);
  return it == attributes.end() ? fallback : it->second.ints;
}

std::string Node::Label() const {
  if (!name.empty()) return fmt::format("node '{}' ({})", name, op_type);
  return fmt::format("node #{} ({})", index, op_type);
}

namespace {

template <typename T>
void AppendRaw(const std::string& raw, std::vector<float>* out) {
  if (raw.size() % sizeof(T) != 0) throw Error("tensor raw_data has a partial element");
  const size_t count = raw.size() / sizeof(T);
  out->reserve(count);
  for (size_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, raw.data() + i * sizeof(T), sizeof(T));
    out->push_back(static_cast<float>(value));
  }
}

Tensor FromProto(const onnx::TensorProto& proto) {
  Tensor tensor;
  for (int64_t d : proto.dims()) {
    if (d < 0) throw Error(fmt::format("tensor '{}' has a negative dimension", proto.name()));
    tensor.shape.push_back(d);
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    throw Error(
        fmt::format("tensor '{}' uses external data, which is not supported", proto.name()));
  }
  const std::string& raw = proto.raw_data();
  const bool has_raw = proto.has_raw_data();
  std::vector<float>& data = tensor.data;
  switch (proto.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (has_raw)
        AppendRaw<float>(raw, &data);
      else
        data.assign(proto.float_data().begin(), proto.float_data().end());
      break;
    case onnx::TensorProto::DOUBLE:
      if (has_raw)
        AppendRaw<double>(raw, &data);
      else
        for (double v : proto.double_data()) data.push_back(static_cast<float>(v));
      break;
    case onnx::TensorProto::INT64:
      if (has_raw)
        AppendRaw<int64_t>(raw, &data);
      else
        for (int64_t v : proto.int64_data()) data.push_back(static_cast<float>(v));
      break;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::BOOL:
      if (has_raw) {
        switch (proto.data_type()) {
          case onnx::TensorProto::INT32:
            AppendRaw<int32_t>(raw, &data);
            break;
          case onnx::TensorProto::INT16:
            AppendRaw<int16_t>(raw, &data);
            break;
          case onnx::TensorProto::INT8:
            AppendRaw<int8_t>(raw, &data);
            break;
          case onnx::TensorProto::UINT16:
            AppendRaw<uint16_t>(raw, &data);
            break;
          default:
            AppendRaw<uint8_t>(raw, &data);
            break;
        }
      } else {
        for (int32_t v : proto.int32_data()) data.push_back(static_cast<float>(v));
      }
      break;
    default:
      throw Error(
          fmt::format("tensor '{}' has unsupported data type {}", proto.name(), proto.data_type()));
  }
  if (data.size() != ElementCount(tensor.shape)) {
    throw Error(fmt::format("tensor '{}' holds {} values for shape {}", proto.name(), data.size(),
                            ShapeString(tensor.shape)));
  }
  return tensor;
}

}  // namespace

Tensor ParseTensorProto(std::span<const uint8_t> bytes) {
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw Error("not a valid ONNX TensorProto");
  }
  return FromProto(proto);
}

Graph ParseOnnx(std::span<const uint8_t> bytes) {
  onnx::ModelProto model;
  if (bytes.size() > (1u << 30) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw Error("not a valid ONNX model (protobuf parse failed)");
  }
  if (!model.has_graph()) throw Error("ONNX model has no graph");
  Graph graph;
  for (const auto& opset : model.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") graph.opset = opset.version();
  }
  const onnx::GraphProto& g = model.graph();
  for (const auto& init : g.initializer()) graph.initializers[init.name()] = FromProto(init);
  for (const auto& input : g.input()) {
    if (graph.initializers.count(input.name())) continue;
    graph.inputs.push_back(input.name());
    std::vector<int64_t> shape;
    if (input.type().has_tensor_type() && input.type().tensor_type().has_shape()) {
      for (const auto& dim : input.type().tensor_type().shape().dim()) {
        shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
      }
    }
    graph.input_shapes.push_back(std::move(shape));
  }
  for (const auto& output : g.output()) graph.outputs.push_back(output.name());
  for (const auto& proto : g.node()) {
    Node node;
    node.index = graph.nodes.size();
    node.name = proto.name();
    node.op_type = proto.op_type();
    if (!proto.domain().empty() && proto.domain() != "ai.onnx") {
      throw Error(
          fmt::format("{}: operator domain '{}' is not supported", node.Label(), proto.domain()));
    }
    node.inputs.assign(proto.input().begin(), proto.input().end());
    node.outputs.assign(proto.output().begin(), proto.output().end());
    for (const auto& a : proto.attribute()) {
      Attribute attribute;
      attribute.i = a.i();
      attribute.f = a.f();
      attribute.s = a.s();
      attribute.ints.assign(a.ints().begin(), a.ints().end());
      attribute.floats.assign(a.floats().begin(), a.floats().end());
      if (a.has_t()) attribute.t = FromProto(a.t());
      node.attributes[a.name()] = std::move(attribute);
    }
    graph.nodes.push_back(std::move(node));
  }
  return graph;
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("cannot open {}", path));
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

void WriteFileBytes(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  if (!file) throw Error(fmt::format("cannot write {}", path));
}

Graph LoadOnnx(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  try {
    return ParseOnnx(bytes);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path, e.what()));
  }
}

}  // namespace prova::model
