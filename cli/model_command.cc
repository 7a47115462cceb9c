// `prova model`: compile ONNX models to fixed-point .pvm files and run them on the host with the
// guest's integer code (compile, info, run, journal, eval). See docs/inference.md.

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "common/error.h"
#include "model/compiler.h"
#include "model/dataset.h"
#include "model/graph.h"
#include "model/reference.h"
#include "model/runtime.h"

namespace prova::cli {
namespace {

std::string Hex(std::span<const uint8_t> bytes) {
  std::string text;
  for (uint8_t b : bytes) text += fmt::format("{:02x}", b);
  return text;
}

struct CompileArgs {
  std::string onnx_path, calibration_path, output_path;
  std::string input_format = "float32";
  double input_scale = 1.0 / 255.0;
  size_t max_samples = 256;
};

// Calibration samples: raw records of the graph input's element count, uint8 (scaled by
// input_scale) or little-endian float32.
std::vector<model::Tensor> ReadSamples(const model::Graph& graph, const CompileArgs& args) {
  if (graph.input_shapes.empty()) throw Error("the model has no graph input");
  std::vector<int64_t> shape = graph.input_shapes[0];
  for (int64_t& d : shape) {
    if (d < 0) d = 1;  // a symbolic batch dimension: one sample at a time
  }
  const size_t elements = model::ElementCount(shape);
  const bool bytes = args.input_format == "uint8";
  const size_t record = elements * (bytes ? 1 : 4);
  std::vector<uint8_t> data = model::ReadFileBytes(args.calibration_path);
  if (record == 0 || data.empty() || data.size() % record != 0) {
    throw Error(fmt::format("{}: size {} is not a multiple of one sample ({} bytes)",
                            args.calibration_path, data.size(), record));
  }
  std::vector<model::Tensor> samples;
  for (size_t at = 0; at < data.size() && samples.size() < args.max_samples; at += record) {
    model::Tensor t;
    t.shape = shape;
    for (size_t i = 0; i < elements; ++i) {
      float v;
      if (bytes) {
        v = static_cast<float>(data[at + i] * args.input_scale);
      } else {
        std::memcpy(&v, &data[at + 4 * i], 4);
      }
      t.data.push_back(v);
    }
    samples.push_back(std::move(t));
  }
  return samples;
}

void RegisterCompile(CLI::App& parent, int* exit_status) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* app = parent.add_subcommand("compile", "Quantise an ONNX model into a .pvm file");
  app->add_option("model", args->onnx_path, "ONNX model")->required();
  app->add_option("--calibrate", args->calibration_path,
                  "calibration samples: raw records of the input (see --input-format)")
      ->required();
  app->add_option("-o,--output", args->output_path, "compiled model (.pvm)")->required();
  app->add_option("--input-format", args->input_format,
                  "float32: the guest takes int8 (quantised) input, calibration is float32; "
                  "uint8: the guest takes raw bytes scaled by --input-scale")
      ->check(CLI::IsMember({"float32", "uint8"}));
  app->add_option("--input-scale", args->input_scale, "real value of one input byte (uint8)");
  app->add_option("--max-samples", args->max_samples, "calibration samples used (default 256)");
  app->callback([args, exit_status] {
    model::Graph graph = model::LoadOnnx(args->onnx_path);
    std::vector<model::Tensor> samples = ReadSamples(graph, *args);
    model::CompileOptions options;
    if (args->input_format == "uint8") {
      options.input_kind = nn::InputKind::kUint8;
      options.input_scale = static_cast<float>(args->input_scale);
    }
    std::vector<uint8_t> bytes = model::Compile(graph, samples, options);
    model::WriteFileBytes(args->output_path, bytes);
    model::HostModel compiled(bytes);
    fmt::print("{}: {} bytes, {} ops, {} tensors, arena {} B, scratch {} B, sha256 {}\n",
               args->output_path, bytes.size(), compiled.model().num_ops(),
               compiled.model().num_tensors(), compiled.model().arena_size(),
               compiled.model().scratch_size(), Hex(compiled.digest()));
    *exit_status = 0;
  });
}

const char* OpName(uint32_t kind) {
  switch (static_cast<nn::OpKind>(kind)) {
    case nn::OpKind::kDense:
      return "Dense";
    case nn::OpKind::kConv:
      return "Conv";
    case nn::OpKind::kMaxPool:
      return "MaxPool";
    case nn::OpKind::kAveragePool:
      return "AveragePool";
    case nn::OpKind::kBinary:
      return "Binary";
    case nn::OpKind::kLookup:
      return "Lookup";
    case nn::OpKind::kSoftmax:
      return "Softmax";
    case nn::OpKind::kArgMax:
      return "ArgMax";
    case nn::OpKind::kChannelAffine:
      return "ChannelAffine";
    case nn::OpKind::kAlias:
      return "Alias";
    case nn::OpKind::kMatMul:
      return "MatMul";
    case nn::OpKind::kTranspose:
      return "Transpose";
    case nn::OpKind::kLayerNorm:
      return "LayerNorm";
  }
  return "?";
}

void RegisterInfo(CLI::App& parent, int* exit_status) {
  auto path = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand("info", "Describe a compiled model");
  app->add_option("model", *path, ".pvm file")->required();
  app->callback([path, exit_status] {
    model::HostModel m = model::HostModel::FromFile(*path);
    const nn::Model& nm = m.model();
    fmt::print("format version {}, {} bytes, sha256 {}\n", nm.header().version, m.bytes().size(),
               Hex(m.digest()));
    fmt::print("input: {} bytes ({}), output: {} values, scale {}\n", nm.input_size(),
               nm.input_kind() == nn::InputKind::kUint8 ? "raw uint8" : "int8", nm.output_size(),
               m.output_scale());
    for (uint32_t i = 0; i < nm.num_ops(); ++i) {
      const nn::OpEntry& op = nm.op(i);
      const nn::TensorEntry& y = nm.tensor(op.output);
      std::vector<int64_t> dims(y.dims, y.dims + y.rank);
      fmt::print("  op {:3} {:13} -> tensor {} {} scale {:.6g}\n", i, OpName(op.kind), op.output,
                 model::ShapeString(dims), m.TensorScale(op.output));
    }
    *exit_status = 0;
  });
}

struct RunArgs {
  std::string model_path, input_path, onnx_path;
  bool float_input = false;
};

void RegisterRun(CLI::App& parent, int* exit_status) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* app = parent.add_subcommand("run",
                                        "Run a compiled model on the host (bit-exact "
                                        "with the guest)");
  app->add_option("model", args->model_path, ".pvm file")->required();
  app->add_option("--input", args->input_path, "input bytes as the guest reads them")->required();
  app->add_flag("--float-input", args->float_input,
                "the input file is float32 (int8 models): quantise it first");
  app->add_option("--onnx", args->onnx_path, "also run the float reference of this ONNX model");
  app->callback([args, exit_status] {
    model::HostModel m = model::HostModel::FromFile(args->model_path);
    std::vector<uint8_t> input = model::ReadFileBytes(args->input_path);
    model::Tensor float_input;
    if (args->float_input) {
      const nn::TensorEntry& t = m.model().tensor(m.model().header().input_tensor);
      float_input.shape.assign(t.dims, t.dims + t.rank);
      if (input.size() != 4 * size_t{t.size}) throw Error("float input has the wrong size");
      float_input.data.resize(t.size);
      std::memcpy(float_input.data.data(), input.data(), input.size());
      input = m.QuantizeInput(float_input);
    } else {
      float_input = m.InputAsFloat(input);
    }
    std::vector<int8_t> q = m.Run(input);
    std::vector<float> y = m.Dequantize(q);
    size_t best = std::max_element(q.begin(), q.end()) - q.begin();
    fmt::print("fixed: argmax {} [", best);
    for (size_t i = 0; i < y.size(); ++i) fmt::print("{}{:.4f}", i ? ", " : "", y[i]);
    fmt::print("]\n");
    if (!args->onnx_path.empty()) {
      model::Graph graph = model::LoadOnnx(args->onnx_path);
      model::Values values = model::Evaluate(graph, float_input);
      const model::Tensor& ref = values.at(graph.outputs.at(0));
      size_t ref_best = std::max_element(ref.data.begin(), ref.data.end()) - ref.data.begin();
      double max_error = 0;
      fmt::print("float: argmax {} [", ref_best);
      for (size_t i = 0; i < ref.size(); ++i) {
        fmt::print("{}{:.4f}", i ? ", " : "", ref.data[i]);
        if (i < y.size()) max_error = std::max<double>(max_error, std::fabs(ref.data[i] - y[i]));
      }
      fmt::print("]\nmax |fixed - float| = {:.4g} ({:.2f} output steps)\n", max_error,
                 max_error / m.output_scale());
    }
    *exit_status = 0;
  });
}

struct JournalArgs {
  std::string model_path, input_path, journal_path, guest_input_path;
  bool private_weights = false, reveal_input = false;
};

void RegisterJournal(CLI::App& parent, int* exit_status) {
  auto args = std::make_shared<JournalArgs>();
  CLI::App* app = parent.add_subcommand(
      "journal", "Write the journal the inference guest commits, and the guest's input");
  app->add_option("model", args->model_path, ".pvm file")->required();
  app->add_option("--input", args->input_path, "model input bytes")->required();
  app->add_option("-o,--journal", args->journal_path, "expected journal")->required();
  app->add_option("--guest-input", args->guest_input_path, "the guest's private input");
  app->add_flag("--private-weights", args->private_weights,
                "weights travel in the private input (digest committed)");
  app->add_flag("--reveal-input", args->reveal_input,
                "commit the input itself instead of its digest");
  app->callback([args, exit_status] {
    model::HostModel m = model::HostModel::FromFile(args->model_path);
    std::vector<uint8_t> input = model::ReadFileBytes(args->input_path);
    const auto mode =
        args->private_weights ? model::WeightsMode::kPrivate : model::WeightsMode::kEmbedded;
    const uint32_t flags = args->reveal_input ? model::kFlagRevealInput : 0;
    model::WriteFileBytes(args->journal_path, model::ExpectedJournal(m, mode, input, flags));
    if (!args->guest_input_path.empty()) {
      model::WriteFileBytes(args->guest_input_path, model::GuestInput(m, mode, input, flags));
    }
    *exit_status = 0;
  });
}

struct EvalArgs {
  std::string model_path, onnx_path, images_path, labels_path;
  size_t limit = 0;
};

void RegisterEval(CLI::App& parent, int* exit_status) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* app = parent.add_subcommand(
      "eval", "Accuracy of a uint8-input model (fixed, and float with --onnx) on idx files");
  app->add_option("model", args->model_path, ".pvm file")->required();
  app->add_option("--images", args->images_path, "idx images (.gz ok)")->required();
  app->add_option("--labels", args->labels_path, "idx labels (.gz ok)")->required();
  app->add_option("--onnx", args->onnx_path, "ONNX model for the float accuracy");
  app->add_option("--limit", args->limit, "first N images only");
  app->callback([args, exit_status] {
    model::HostModel m = model::HostModel::FromFile(args->model_path);
    model::IdxData images = model::LoadIdx(args->images_path);
    model::IdxData labels = model::LoadIdx(args->labels_path);
    const size_t size = m.model().input_size();
    size_t count = images.dims.at(0);
    if (args->limit) count = std::min(count, args->limit);
    if (images.bytes.size() < count * size || labels.bytes.size() < count) {
      throw Error("images do not match the model input size or the labels");
    }
    std::optional<model::Graph> graph;
    if (!args->onnx_path.empty()) graph = model::LoadOnnx(args->onnx_path);
    size_t fixed_ok = 0, float_ok = 0, agree = 0;
    for (size_t i = 0; i < count; ++i) {
      std::span<const uint8_t> input(images.bytes.data() + i * size, size);
      std::vector<int8_t> q = m.Run(input);
      const size_t fixed_class = std::max_element(q.begin(), q.end()) - q.begin();
      fixed_ok += fixed_class == labels.bytes[i];
      if (graph) {
        model::Values values = model::Evaluate(*graph, m.InputAsFloat(input));
        const model::Tensor& ref = values.at(graph->outputs.at(0));
        const size_t float_class =
            std::max_element(ref.data.begin(), ref.data.end()) - ref.data.begin();
        float_ok += float_class == labels.bytes[i];
        agree += float_class == fixed_class;
      }
    }
    fmt::print("images {}\nfixed accuracy {:.2f}%\n", count, 100.0 * fixed_ok / count);
    if (graph) {
      fmt::print("float accuracy {:.2f}%\nagreement {:.2f}%\n", 100.0 * float_ok / count,
                 100.0 * agree / count);
    }
    *exit_status = 0;
  });
}

}  // namespace

void RegisterModelCommand(CLI::App& app, int* exit_status) {
  CLI::App* model =
      app.add_subcommand("model", "Compile and run fixed-point neural network models");
  model->require_subcommand(1);
  RegisterCompile(*model, exit_status);
  RegisterInfo(*model, exit_status);
  RegisterRun(*model, exit_status);
  RegisterJournal(*model, exit_status);
  RegisterEval(*model, exit_status);
}

}  // namespace prova::cli
