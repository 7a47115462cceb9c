// prova_model_conformance [node_test_dir] [--verbose]: runs the ONNX node tests of every supported
// operator through the fixed-point path and prints "N of M passed" per operator (Markdown).
#include <fmt/core.h>

#include <cstring>
#include <exception>

#include "model/conformance.h"

int main(int argc, char** argv) {
  std::string dir = prova::model::kDefaultNodeTestDir;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--verbose") == 0)
      verbose = true;
    else
      dir = argv[i];
  }
  try {
    const auto cases = prova::model::RunConformance(dir);
    if (verbose) {
      for (const auto& c : cases) {
        fmt::print("{:4} {:50} {}\n", c.passed ? "ok" : "FAIL", c.name, c.detail);
      }
    }
    fmt::print("| Operator | Passed |\n| --- | --- |\n");
    int passed = 0, total = 0;
    for (const auto& [op, count] : prova::model::CountByOperator(cases)) {
      fmt::print("| {} | {} of {} |\n", op, count.passed, count.total);
      passed += count.passed;
      total += count.total;
    }
    fmt::print("| all | {} of {} |\n", passed, total);
  } catch (const std::exception& e) {
    fmt::print(stderr, "prova_model_conformance: {}\n", e.what());
    return 1;
  }
  return 0;
}
