#include "model/conformance.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "common/error.h"
#include "model/compiler.h"
#include "model/graph.h"
#include "model/reference.h"
#include "model/runtime.h"

namespace prova::model {
namespace {

ConformanceCase RunCase(const std::filesystem::path& dir) {
  ConformanceCase c;
  c.name = dir.filename().string();
  Graph graph = LoadOnnx((dir / "model.onnx").string());
  if (graph.nodes.size() != 1) return c;  // expanded multi-node tests are not counted
  c.op = graph.nodes[0].op_type;
  if (!IsSupportedOperator(c.op)) return c;
  try {
    const std::filesystem::path data = dir / "test_data_set_0";
    std::vector<Tensor> inputs;
    for (size_t i = 0; i < graph.inputs.size(); ++i) {
      inputs.push_back(
          ParseTensorProto(ReadFileBytes((data / fmt::format("input_{}.pb", i)).string())));
    }
    const Tensor expected = ParseTensorProto(ReadFileBytes((data / "output_0.pb").string()));
    if (inputs.empty()) throw Error("no graph input");
    // Inputs after the first are model parameters here: compile them in.
    for (size_t i = 1; i < graph.inputs.size(); ++i)
      graph.initializers[graph.inputs[i]] = inputs[i];
    graph.inputs.resize(1);
    graph.input_shapes.resize(1);
    graph.outputs.resize(1);
    const std::vector<Tensor> calibration = {inputs[0]};
    HostModel model(Compile(graph, calibration, CompileOptions{}));
    const std::vector<float> actual = model.Dequantize(model.Run(model.QuantizeInput(inputs[0])));
    if (actual.size() != expected.size()) {
      c.detail = fmt::format("output has {} values, expected {}", actual.size(), expected.size());
      return c;
    }
    double max_error = 0;
    for (size_t i = 0; i < actual.size(); ++i) {
      max_error = std::max<double>(max_error, std::fabs(actual[i] - expected.data[i]));
    }
    if (c.op == "ArgMax") {
      c.passed = max_error == 0;
      c.detail = c.passed ? "exact" : "index differs";
    } else {
      double max_abs = 0;
      for (float v : expected.data) max_abs = std::max<double>(max_abs, std::fabs(v));
      const double step = std::max(max_abs, 1e-6) / 127.0;
      c.passed = max_error <= kConformanceSteps * step;
      c.detail = fmt::format("max error {:.2f} steps", max_error / step);
    }
  } catch (const Error& e) {
    c.detail = e.what();
  }
  return c;
}

}  // namespace

std::vector<ConformanceCase> RunConformance(const std::string& node_test_dir) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(node_test_dir)) {
    if (entry.is_directory() && entry.path().filename().string().rfind("test_", 0) == 0 &&
        std::filesystem::exists(entry.path() / "model.onnx")) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<ConformanceCase> cases;
  for (const auto& dir : dirs) {
    ConformanceCase c;
    try {
      c = RunCase(dir);
    } catch (const Error& e) {
      continue;  // a model the ONNX loader rejects (unsupported data type, ...) is not counted
    }
    if (!c.op.empty() && IsSupportedOperator(c.op)) cases.push_back(std::move(c));
  }
  return cases;
}

std::map<std::string, OperatorCount> CountByOperator(const std::vector<ConformanceCase>& cases) {
  std::map<std::string, OperatorCount> counts;
  for (const std::string& op : SupportedOperators()) counts[op];
  for (const ConformanceCase& c : cases) {
    ++counts[c.op].total;
    counts[c.op].passed += c.passed;
  }
  return counts;
}

}  // namespace prova::model
