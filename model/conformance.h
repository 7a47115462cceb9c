#pragma once

// Runs ONNX node conformance tests (Debian libonnx-testdata: <dir>/test_*/model.onnx with
// test_data_set_0/{input,output}_*.pb) through the fixed-point path: inputs after the first become
// constants (the compiler bakes weights into the model), the first input calibrates the model,
// is quantised to int8, and the dequantised output is compared with the expected output.

#include <map>
#include <string>
#include <vector>

namespace prova::model {

// Tolerance: |fixed - expected| <= kConformanceSteps output quantisation steps, i.e. 3/127 of the
// largest expected magnitude (ArgMax: exact).
inline constexpr double kConformanceSteps = 3.0;

struct ConformanceCase {
  std::string name;  // e.g. test_conv_with_strides_padding
  std::string op;
  bool passed = false;
  std::string detail;  // why it failed, or the error in output steps
};

inline constexpr const char* kDefaultNodeTestDir = "/usr/share/libonnx-testdata/data/node";

// Every single-node test whose operator is supported (SupportedOperators()).
std::vector<ConformanceCase> RunConformance(const std::string& node_test_dir);

struct OperatorCount {
  int passed = 0;
  int total = 0;
};
std::map<std::string, OperatorCount> CountByOperator(const std::vector<ConformanceCase>& cases);

}  // namespace prova::model
