// Host tests of the model compiler and the compiled-model format: no guest ELFs needed.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <random>

#include "common/error.h"
#include "model/compiler.h"
#include "model/graph.h"
#include "model/reference.h"
#include "model/runtime.h"
#include "prova/sha256.h"

namespace prova::model {
namespace {

std::string FashionFile(const std::string& name) {
  return std::string(PROVA_SOURCE_DIR) + "/examples/fashion/" + name;
}

// --- ONNX graphs built with the protobuf API (models that are not in the repository) ---

struct GraphBuilder {
  onnx::ModelProto model;
  onnx::GraphProto* graph;

  GraphBuilder() {
    model.set_ir_version(8);
    model.add_opset_import()->set_version(13);
    graph = model.mutable_graph();
    graph->set_name("test");
  }

  void Input(const std::string& name, const std::vector<int64_t>& shape) {
    auto* input = graph->add_input();
    input->set_name(name);
    auto* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) type->mutable_shape()->add_dim()->set_dim_value(d);
  }

  void Output(const std::string& name) { graph->add_output()->set_name(name); }

  void Initializer(const std::string& name, const std::vector<int64_t>& shape,
                   const std::vector<float>& values) {
    auto* t = graph->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
  }

  onnx::NodeProto* Node(const std::string& op, const std::string& name,
                        const std::vector<std::string>& inputs, const std::string& output) {
    auto* node = graph->add_node();
    node->set_op_type(op);
    node->set_name(name);
    for (const auto& i : inputs) node->add_input(i);
    node->add_output(output);
    return node;
  }

  static void Ints(onnx::NodeProto* node, const std::string& name, std::vector<int64_t> values) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) a->add_ints(v);
  }

  static void Int(onnx::NodeProto* node, const std::string& name, int64_t value) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
  }

  Graph Parse() const {
    std::string bytes = model.SerializeAsString();
    return ParseOnnx({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  }
};

std::vector<float> RandomValues(std::mt19937* rng, size_t n, float scale) {
  std::normal_distribution<float> dist(0.f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(*rng);
  return v;
}

Tensor RandomTensor(std::mt19937* rng, std::vector<int64_t> shape) {
  Tensor t;
  t.shape = shape;
  t.data = RandomValues(rng, ElementCount(shape), 1.f);
  return t;
}

// A random CNN block: Conv(3x3, pad 1, stride 1, 2 groups) + BatchNorm + Relu + AveragePool +
// residual-free Flatten + Gemm + Sigmoid, with random weights. Not in the repository.
GraphBuilder RandomCnn(std::mt19937* rng) {
  GraphBuilder b;
  b.Input("x", {1, 4, 8, 8});
  b.Initializer("w", {8, 2, 3, 3}, RandomValues(rng, 8 * 2 * 9, 0.3f));
  b.Initializer("bias", {8}, RandomValues(rng, 8, 0.1f));
  std::vector<float> gamma = RandomValues(rng, 8, 0.2f), var = RandomValues(rng, 8, 0.2f);
  for (float& g : gamma) g += 1.f;
  for (float& v : var) v = v * v + 0.5f;
  b.Initializer("gamma", {8}, gamma);
  b.Initializer("beta", {8}, RandomValues(rng, 8, 0.1f));
  b.Initializer("mean", {8}, RandomValues(rng, 8, 0.1f));
  b.Initializer("var", {8}, var);
  b.Initializer("fc", {10, 128}, RandomValues(rng, 10 * 128, 0.1f));
  b.Initializer("fc_bias", {10}, RandomValues(rng, 10, 0.1f));
  auto* conv = b.Node("Conv", "conv", {"x", "w", "bias"}, "c");
  GraphBuilder::Ints(conv, "pads", {1, 1, 1, 1});
  GraphBuilder::Ints(conv, "kernel_shape", {3, 3});
  GraphBuilder::Int(conv, "group", 2);
  b.Node("BatchNormalization", "bn", {"c", "gamma", "beta", "mean", "var"}, "n");
  b.Node("Relu", "relu", {"n"}, "r");
  auto* pool = b.Node("AveragePool", "pool", {"r"}, "p");
  GraphBuilder::Ints(pool, "kernel_shape", {2, 2});
  GraphBuilder::Ints(pool, "strides", {2, 2});
  b.Node("Flatten", "flatten", {"p"}, "f");
  auto* gemm = b.Node("Gemm", "fc", {"f", "fc", "fc_bias"}, "g");
  GraphBuilder::Int(gemm, "transB", 1);
  b.Node("Sigmoid", "sigmoid", {"g"}, "y");
  b.Output("y");
  return b;
}

TEST(ModelCompilerTest, RandomGraphNotInRepositoryMatchesFloatReference) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 5; ++trial) {
    Graph graph = RandomCnn(&rng).Parse();
    std::vector<Tensor> calibration;
    for (int i = 0; i < 16; ++i) calibration.push_back(RandomTensor(&rng, {1, 4, 8, 8}));
    HostModel model(Compile(graph, calibration, CompileOptions{}));
    // BatchNorm folded into the conv, Relu fused: Conv, AveragePool, Alias, Dense, Lookup.
    EXPECT_EQ(model.model().num_ops(), 5u);
    for (int i = 0; i < 8; ++i) {
      const Tensor x = RandomTensor(&rng, {1, 4, 8, 8});
      const Tensor expected = Evaluate(graph, x).at("y");
      const std::vector<float> actual = model.Dequantize(model.Run(model.QuantizeInput(x)));
      ASSERT_EQ(actual.size(), expected.size());
      // Stated tolerance (docs/inference.md): 3 output steps of the calibrated output scale.
      const double tolerance = 3.0 * model.output_scale();
      for (size_t j = 0; j < actual.size(); ++j) {
        EXPECT_NEAR(actual[j], expected.data[j], tolerance) << "trial " << trial << " output " << j;
      }
    }
  }
}

// One self-attention block of a tiny transformer: projections, Q K^T, scaling, Softmax, weighted
// values, output projection, residual Add and LayerNormalization.
GraphBuilder AttentionBlock(std::mt19937* rng, int64_t tokens, int64_t width) {
  GraphBuilder b;
  b.Input("x", {1, tokens, width});
  for (const char* w : {"wq", "wk", "wv", "wo"}) {
    b.Initializer(w, {width, width}, RandomValues(rng, width * width, 0.4f));
  }
  b.Initializer("inv_sqrt_d", {}, {1.f / std::sqrt(static_cast<float>(width))});
  std::vector<float> gamma = RandomValues(rng, width, 0.1f);
  for (float& g : gamma) g += 1.f;
  b.Initializer("gamma", {width}, gamma);
  b.Initializer("beta", {width}, RandomValues(rng, width, 0.1f));
  b.Node("MatMul", "q_proj", {"x", "wq"}, "q");
  b.Node("MatMul", "k_proj", {"x", "wk"}, "k");
  b.Node("MatMul", "v_proj", {"x", "wv"}, "v");
  GraphBuilder::Ints(b.Node("Transpose", "k_t", {"k"}, "kt"), "perm", {0, 2, 1});
  b.Node("MatMul", "scores", {"q", "kt"}, "s");
  b.Node("Mul", "scale", {"s", "inv_sqrt_d"}, "ss");
  b.Node("Softmax", "softmax", {"ss"}, "p");
  b.Node("MatMul", "mix", {"p", "v"}, "a");
  b.Node("MatMul", "o_proj", {"a", "wo"}, "o");
  b.Node("Add", "residual", {"x", "o"}, "r");
  auto* norm = b.Node("LayerNormalization", "norm", {"r", "gamma", "beta"}, "y");
  GraphBuilder::Int(norm, "axis", -1);
  b.model.mutable_opset_import(0)->set_version(17);
  b.Output("y");
  return b;
}

TEST(ModelCompilerTest, AttentionBlockMatchesFloatReference) {
  std::mt19937 rng(77);
  double worst = 0, total = 0;
  size_t count = 0;
  for (int trial = 0; trial < 3; ++trial) {
    Graph graph = AttentionBlock(&rng, 6, 16).Parse();
    std::vector<Tensor> calibration;
    for (int i = 0; i < 16; ++i) calibration.push_back(RandomTensor(&rng, {1, 6, 16}));
    HostModel model(Compile(graph, calibration, CompileOptions{}));
    for (int i = 0; i < 24; ++i) {
      // In-distribution inputs: the calibration samples and fresh ones.
      const Tensor x = i < 16 ? calibration[i] : RandomTensor(&rng, {1, 6, 16});
      const Tensor expected = Evaluate(graph, x).at("y");
      const std::vector<float> actual = model.Dequantize(model.Run(model.QuantizeInput(x)));
      ASSERT_EQ(actual.size(), expected.size());
      for (size_t j = 0; j < actual.size(); ++j) {
        const double e = std::fabs(actual[j] - expected.data[j]) / model.output_scale();
        worst = std::max(worst, e);
        total += e;
        ++count;
      }
    }
  }
  // Nine quantised stages in a row, and a Softmax whose 7-bit probabilities flip near-ties: no
  // per-element bound of a few steps holds. Tolerances (docs/inference.md): mean error at most
  // 1.5 output steps, worst at most 24 steps (0.65 for this unit-variance output).
  const double mean = total / static_cast<double>(count);
  EXPECT_LE(mean, 1.5);
  EXPECT_LE(worst, 24.0);
  RecordProperty("mean_error_steps", std::to_string(mean));
  RecordProperty("worst_error_steps", std::to_string(worst));
  std::printf("attention block: mean error %.2f steps, worst %.2f steps\n", mean, worst);
}

TEST(ModelCompilerTest, UnsupportedOperatorNamesTheNode) {
  GraphBuilder b;
  b.Input("x", {1, 4});
  b.Node("Relu", "first", {"x"}, "r");
  b.Node("Cos", "my_cosine", {"r"}, "y");
  b.Output("y");
  Graph graph = b.Parse();
  Tensor x{{1, 4}, {0.1f, 0.2f, 0.3f, 0.4f}};
  try {
    Compile(graph, std::vector<Tensor>{x}, CompileOptions{});
    FAIL() << "compiled an unsupported operator";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'my_cosine' (Cos)"), std::string::npos) << e.what();
  }
}

TEST(ModelCompilerTest, UnsupportedShapeNamesTheNode) {
  GraphBuilder b;
  b.Input("x", {1, 2, 4, 4, 4});
  auto* pool = b.Node("MaxPool", "pool3d", {"x"}, "y");
  GraphBuilder::Ints(pool, "kernel_shape", {2, 2, 2});
  b.Output("y");
  Graph graph = b.Parse();
  std::mt19937 rng(1);
  try {
    Compile(graph, std::vector<Tensor>{RandomTensor(&rng, {1, 2, 4, 4, 4})}, CompileOptions{});
    FAIL() << "compiled a 3-D pool";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'pool3d' (MaxPool)"), std::string::npos) << e.what();
  }
}

// Hostile window attributes and shapes get an error naming the node, not a hang, a huge
// allocation, a wrapped element count or a read past a tensor: the float reference interpreter,
// which `prova model` runs before compiling, checks them itself.
TEST(ModelCompilerTest, HostileWindowsAndShapesAreRejected) {
  std::mt19937 rng(5);
  auto error_of = [&](GraphBuilder& b, const std::vector<int64_t>& input_shape) {
    b.Output("y");
    try {
      Evaluate(b.Parse(), RandomTensor(&rng, input_shape));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  {
    // 2^50 kernel rows over 2^50 - 1 rows of padding: the reference would loop 2^50 times.
    GraphBuilder b;
    b.Input("x", {1, 1, 1, 1});
    auto* pool = b.Node("MaxPool", "pool", {"x"}, "y");
    GraphBuilder::Ints(pool, "kernel_shape", {int64_t{1} << 50, 1});
    GraphBuilder::Ints(pool, "pads", {(int64_t{1} << 50) - 1, 0, 0, 0});
    const std::string error = error_of(b, {1, 1, 1, 1});
    EXPECT_NE(error.find("must be <= 65535"), std::string::npos) << error;
  }
  {
    // Pads whose output dims multiply to 2^64 + 1: one element, written past.
    GraphBuilder b;
    b.Input("x", {1, 1, 1, 1});
    b.Initializer("w", {1, 1, 1, 1}, {1.f});
    auto* conv = b.Node("Conv", "conv", {"x", "w"}, "y");
    GraphBuilder::Ints(conv, "pads", {0, 0, 274176, 67280421310720});
    const std::string error = error_of(b, {1, 1, 1, 1});
    EXPECT_NE(error.find("pads must be in [0, 65535]"), std::string::npos) << error;
  }
  {
    // Axis 0 inserted twice: the output shape took an input dim past the input's rank.
    GraphBuilder b;
    b.Input("x", {1, 4});
    b.Initializer("axes", {2}, {0.f, 0.f});
    b.Node("Unsqueeze", "twice", {"x", "axes"}, "y");
    const std::string error = error_of(b, {1, 4});
    EXPECT_NE(error.find("an axis is inserted twice"), std::string::npos) << error;
  }
  {
    // An empty initializer: operators divide by dims and read element 0.
    GraphBuilder b;
    b.Input("x", {1, 4});
    b.Initializer("empty", {0, 4}, {});
    b.Node("Add", "add", {"x", "empty"}, "y");
    const std::string error = error_of(b, {1, 4});
    EXPECT_NE(error.find("input 'empty' has shape [0,4] but 0 values"), std::string::npos) << error;
  }
  EXPECT_THROW(ElementCount(std::vector<int64_t>{274177, 67280421310721}), Error);
  EXPECT_THROW(ElementCount(std::vector<int64_t>{2, -3}), Error);
  EXPECT_EQ(ElementCount(std::vector<int64_t>{2, 3, 4}), 24u);
}

// The loader's size checks saturate: 4294901761 * 65537 * 65536 is 2^64 + 2^16, which wrapped
// to a 65536-byte output and let a kernel write 2^64 bytes.
TEST(ModelFormatTest, SizeProductsSaturate) {
  EXPECT_EQ(nn::SaturatingProduct(4294901761u, 65537u, 65536u), ~uint64_t{0});
  EXPECT_EQ(nn::SaturatingProduct(65536u, 4294901761u, 65537u), ~uint64_t{0});
  EXPECT_EQ(nn::SaturatingProduct(3u, 5u, 7u, 11u), 1155u);
  EXPECT_EQ(nn::SaturatingSum(~uint64_t{0} - 1, 2), ~uint64_t{0});
  EXPECT_EQ(nn::SaturatingSum(40, 2), 42u);
}

TEST(ModelCompilerTest, MalformedOnnxIsRejected) {
  const std::vector<uint8_t> garbage = {0xff, 0xff, 0xff, 0x01, 0x02};
  EXPECT_THROW(ParseOnnx(garbage), Error);
  EXPECT_THROW(LoadOnnx("/nonexistent/model.onnx"), Error);
}

TEST(ModelCompilerTest, QuantizeMultiplierIsAccurate) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> exponent(-30, 20);
  for (int i = 0; i < 1000; ++i) {
    const double real = std::pow(2.0, exponent(rng));
    auto [m, s] = QuantizeMultiplier(real);
    ASSERT_GE(s, 1);
    ASSERT_LE(s, 62);
    ASSERT_GE(m, 1 << 30);
    EXPECT_NEAR(m / std::ldexp(1.0, s), real, real * std::ldexp(1.0, -30));
  }
  EXPECT_EQ(QuantizeMultiplier(0.0), (std::pair<int32_t, int32_t>{0, 1}));
  EXPECT_THROW(QuantizeMultiplier(-1.0), Error);
  EXPECT_THROW(QuantizeMultiplier(std::ldexp(1.0, 31)), Error);
}

// The committed .pvm files are what the compiler makes from the committed ONNX and calibration.
TEST(ModelCompilerTest, FashionModelsAreReproducible) {
  for (const std::string name : {"mlp", "cnn"}) {
    Graph graph = LoadOnnx(FashionFile(name + ".onnx"));
    const std::vector<uint8_t> calibration = ReadFileBytes(FashionFile("calibration.bin"));
    std::vector<Tensor> samples;
    for (size_t at = 0; at + 784 <= calibration.size(); at += 784) {
      Tensor t{{1, 1, 28, 28}, {}};
      for (size_t i = 0; i < 784; ++i) {
        t.data.push_back(static_cast<float>(calibration[at + i] * (1.0 / 255.0)));
      }
      samples.push_back(std::move(t));
    }
    CompileOptions options;
    options.input_kind = nn::InputKind::kUint8;
    options.input_scale = static_cast<float>(1.0 / 255.0);
    EXPECT_EQ(Compile(graph, samples, options), ReadFileBytes(FashionFile(name + ".pvm"))) << name;
  }
}

// --- The .pvm format: untrusted input ---

std::string LoadError(std::span<const uint8_t> bytes) {
  try {
    HostModel model(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelFormatTest, TruncatedModelIsRejected) {
  const std::vector<uint8_t> bytes = ReadFileBytes(FashionFile("cnn.pvm"));
  for (size_t size : {size_t{0}, size_t{3}, size_t{20}, sizeof(nn::FileHeader), bytes.size() / 2,
                      bytes.size() - 1}) {
    const std::string error = LoadError(std::span(bytes).first(size));
    EXPECT_NE(error.find("truncated"), std::string::npos) << size << ": " << error;
  }
  EXPECT_EQ(LoadError(bytes), "");
}

TEST(ModelFormatTest, BadMagicVersionAndSizeAreRejected) {
  std::vector<uint8_t> bytes = ReadFileBytes(FashionFile("mlp.pvm"));
  std::vector<uint8_t> bad = bytes;
  bad[0] = 'X';
  EXPECT_NE(LoadError(bad).find("bad magic"), std::string::npos);
  bad = bytes;
  bad[4] = 2;
  EXPECT_NE(LoadError(bad).find("version"), std::string::npos);
  bad = bytes;
  bad.push_back(0);
  EXPECT_NE(LoadError(bad).find("size"), std::string::npos);
}

// Flipping any byte of the header, the tables or the op parameters either gets the file rejected
// or leaves a model that runs inside its buffers (checked by ASan in the sanitizer tree).
// Flipping any byte of the header, the tables or the op parameters either gets the file rejected
// or leaves a model that runs inside its buffers (checked by ASan in the sanitizer tree). Models:
// the Fashion MLP (Dense, uint8 input) and small compiled graphs covering Conv, AveragePool,
// Lookup, MatMul, Transpose, Softmax, Add, Mul and LayerNorm (cheap to run thousands of times).
TEST(ModelFormatTest, CorruptedBytesAreRejectedOrHarmless) {
  std::mt19937 rng(31);
  std::vector<std::pair<std::string, std::vector<uint8_t>>> models;
  models.emplace_back("mlp", ReadFileBytes(FashionFile("mlp.pvm")));
  {
    Graph cnn = RandomCnn(&rng).Parse();
    models.emplace_back("cnn", Compile(cnn, std::vector<Tensor>{RandomTensor(&rng, {1, 4, 8, 8})},
                                       CompileOptions{}));
    Graph attention = AttentionBlock(&rng, 4, 8).Parse();
    models.emplace_back(
        "attention",
        Compile(attention, std::vector<Tensor>{RandomTensor(&rng, {1, 4, 8})}, CompileOptions{}));
  }
  for (const auto& [name, bytes] : models) {
    HostModel original(bytes);
    std::vector<uint8_t> input(original.model().input_size());
    for (uint8_t& b : input) b = static_cast<uint8_t>(rng());
    // Every byte of the header and tables, and the first 160 bytes of each op's parameters (the
    // fixed part and the start of the requantisation arrays).
    const size_t tables = sizeof(nn::FileHeader) +
                          original.model().num_tensors() * sizeof(nn::TensorEntry) +
                          original.model().num_ops() * sizeof(nn::OpEntry);
    std::vector<size_t> positions;
    for (size_t at = 0; at < tables; ++at) positions.push_back(at);
    for (uint32_t i = 0; i < original.model().num_ops(); ++i) {
      const nn::OpEntry& op = original.model().op(i);
      for (size_t at = 0; at < std::min<size_t>(op.params_size, 160); ++at) {
        positions.push_back(tables + op.params_offset + at);
      }
    }
    int rejected = 0, ran = 0;
    for (size_t at : positions) {
      for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xff}}) {
        std::vector<uint8_t> bad = bytes;
        bad[at] ^= flip;
        try {
          HostModel model(bad);
          // A flipped arena size is valid but only costs time to allocate: run the rest.
          if (model.model().input_size() == input.size() &&
              model.model().working_size() <= (1u << 20)) {
            model.Run(input);
          }
          ++ran;
        } catch (const Error&) {
          ++rejected;
        }
      }
    }
    EXPECT_GT(rejected, 0) << name;
    EXPECT_GT(ran, 0) << name;
  }
}

TEST(ModelRuntimeTest, WrongInputSizeIsRejected) {
  HostModel model = HostModel::FromFile(FashionFile("mlp.pvm"));
  EXPECT_THROW(model.Run(std::vector<uint8_t>(783)), Error);
  EXPECT_THROW(model.Run(std::vector<uint8_t>(785)), Error);
}

TEST(ModelRuntimeTest, GuestSha256MatchesOpenSsl) {
  std::mt19937 rng(9);
  for (size_t length : {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 784, 5000}) {
    std::vector<uint8_t> data(length);
    for (uint8_t& b : data) b = static_cast<uint8_t>(rng());
    const Digest expected = Sha256(data);
    EXPECT_EQ(prova::Sha256::Digest(data.data(), data.size()), expected) << length;
    // Split updates.
    prova::Sha256 sha;
    sha.Update(data.data(), length / 3);
    sha.Update(data.data() + length / 3, length - length / 3);
    EXPECT_EQ(sha.Finish(), expected) << length;
  }
}

TEST(ModelRuntimeTest, JournalLayout) {
  HostModel model = HostModel::FromFile(FashionFile("cnn.pvm"));
  const std::vector<uint8_t> input = ReadFileBytes(FashionFile("sample_0.bin"));
  const std::vector<uint8_t> hidden = ExpectedJournal(model, WeightsMode::kEmbedded, input, 0);
  // version, mode, flags, model digest, input digest, count, 10 outputs, argmax
  ASSERT_EQ(hidden.size(), 12u + 32 + 32 + 4 + 10 + 4);
  const Digest digest = model.digest();
  EXPECT_TRUE(std::equal(digest.begin(), digest.end(), hidden.begin() + 12));
  EXPECT_EQ(hidden[hidden.size() - 4], 9);  // test image 0 is an ankle boot
  const std::vector<uint8_t> shown =
      ExpectedJournal(model, WeightsMode::kPrivate, input, kFlagRevealInput);
  ASSERT_EQ(shown.size(), 12u + 32 + 4 + 784 + 4 + 10 + 4);
  EXPECT_EQ(shown[4], 1);
}

}  // namespace
}  // namespace prova::model
