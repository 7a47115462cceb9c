#include "model/runtime.h"

#include <fmt/core.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/error.h"

namespace prova::model {

Digest Sha256(std::span<const uint8_t> bytes) {
  Digest digest;
  SHA256(bytes.data(), bytes.size(), digest.data());
  return digest;
}

HostModel::HostModel(std::span<const uint8_t> bytes) {
  const size_t size = bytes.size();
  if (size > nn::kMaxArenaBytes * 4) throw Error("invalid model: file too large");
  storage_.resize((size + 3) / 4);
  size_ = size;
  if (size != 0) std::memcpy(storage_.data(), bytes.data(), size);
  const nn::Status status =
      model_.Load(reinterpret_cast<const uint8_t*>(storage_.data()), bytes.size());
  if (status != nn::Status::kOk) {
    throw Error(fmt::format("invalid model: {}", nn::StatusMessage(status)));
  }
}

HostModel HostModel::FromFile(const std::string& path) {
  try {
    return HostModel(ReadFileBytes(path));
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path, e.what()));
  }
}

float HostModel::TensorScale(uint32_t tensor) const {
  float scale;
  std::memcpy(&scale, &model_.tensor(tensor).scale_bits, 4);
  return scale;
}

std::vector<int64_t> HostModel::output_shape() const {
  const nn::TensorEntry& t = model_.tensor(model_.header().output_tensor);
  return std::vector<int64_t>(t.dims, t.dims + t.rank);
}

std::vector<int8_t> HostModel::Run(std::span<const uint8_t> input) const {
  std::vector<int8_t> working(model_.working_size());
  const nn::Status status = model_.Run(input.data(), input.size(), working.data());
  if (status != nn::Status::kOk) {
    throw Error(fmt::format("cannot run the model: {} ({} bytes given, {} expected)",
                            nn::StatusMessage(status), input.size(), model_.input_size()));
  }
  const int8_t* out = model_.Output(working.data());
  return std::vector<int8_t>(out, out + model_.output_size());
}

std::vector<uint8_t> HostModel::QuantizeInput(const Tensor& input) const {
  if (model_.input_kind() != nn::InputKind::kInt8) {
    throw Error("the model takes raw uint8 input; pass the bytes directly");
  }
  if (input.size() != model_.input_size()) {
    throw Error(
        fmt::format("input has {} values, the model takes {}", input.size(), model_.input_size()));
  }
  std::vector<uint8_t> bytes;
  const double scale = input_scale();
  for (float v : input.data) {
    bytes.push_back(static_cast<uint8_t>(
        static_cast<int8_t>(std::fmax(-128.0, std::fmin(127.0, std::nearbyint(v / scale))))));
  }
  return bytes;
}

std::vector<float> HostModel::Dequantize(std::span<const int8_t> output) const {
  std::vector<float> out;
  for (int8_t q : output) out.push_back(static_cast<float>(q * double{output_scale()}));
  return out;
}

Tensor HostModel::InputAsFloat(std::span<const uint8_t> input) const {
  if (input.size() != model_.input_size()) {
    throw Error(
        fmt::format("input has {} bytes, the model takes {}", input.size(), model_.input_size()));
  }
  const nn::TensorEntry& t = model_.tensor(model_.header().input_tensor);
  Tensor tensor;
  tensor.shape.assign(t.dims, t.dims + t.rank);
  const bool bytes = model_.input_kind() == nn::InputKind::kUint8;
  float scale = input_scale();
  if (bytes) std::memcpy(&scale, &model_.header().input_byte_scale_bits, 4);
  for (uint8_t b : input) {
    const int value = bytes ? int{b} : int{static_cast<int8_t>(b)};
    tensor.data.push_back(static_cast<float>(value * double{scale}));
  }
  return tensor;
}

uint64_t MacCount(const nn::Model& model) {
  uint64_t macs = 0;
  for (uint32_t i = 0; i < model.num_ops(); ++i) {
    const nn::OpEntry& op = model.op(i);
    const uint8_t* params = model.ParamsBytes(op);
    if (op.kind == static_cast<uint32_t>(nn::OpKind::kDense)) {
      nn::DenseParams p;
      std::memcpy(&p, params, sizeof(p));
      macs += uint64_t{p.batch} * p.in_features * p.out_features;
    } else if (op.kind == static_cast<uint32_t>(nn::OpKind::kConv)) {
      nn::ConvParams p;
      std::memcpy(&p, params, sizeof(p));
      macs += uint64_t{p.batch} * p.cout * p.out_height * p.out_width * (p.cin / p.groups) *
              p.kernel_h * p.kernel_w;
    }
  }
  return macs;
}

namespace {

void Append(std::vector<uint8_t>* out, std::span<const uint8_t> bytes) {
  out->insert(out->end(), bytes.begin(), bytes.end());
}

void AppendU32(std::vector<uint8_t>* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

}  // namespace

std::vector<uint8_t> ExpectedJournal(const HostModel& model, WeightsMode mode,
                                     std::span<const uint8_t> input, uint32_t flags) {
  const std::vector<int8_t> output = model.Run(input);
  std::vector<uint8_t> journal;
  AppendU32(&journal, kJournalVersion);
  AppendU32(&journal, static_cast<uint32_t>(mode));
  AppendU32(&journal, flags);
  Append(&journal, model.digest());
  if (flags & kFlagRevealInput) {
    AppendU32(&journal, static_cast<uint32_t>(input.size()));
    Append(&journal, input);
  } else {
    Append(&journal, Sha256(input));
  }
  AppendU32(&journal, static_cast<uint32_t>(output.size()));
  Append(&journal, {reinterpret_cast<const uint8_t*>(output.data()), output.size()});
  // Argmax of the output: the first index of the largest value.
  uint32_t best = 0;
  for (uint32_t i = 1; i < output.size(); ++i) {
    if (output[i] > output[best]) best = i;
  }
  AppendU32(&journal, best);
  return journal;
}

std::vector<uint8_t> GuestInput(const HostModel& model, WeightsMode mode,
                                std::span<const uint8_t> input, uint32_t flags) {
  std::vector<uint8_t> out;
  AppendU32(&out, flags);
  if (mode == WeightsMode::kPrivate) {
    AppendU32(&out, static_cast<uint32_t>(model.bytes().size()));
    Append(&out, model.bytes());
  }
  Append(&out, input);
  return out;
}

}  // namespace prova::model
