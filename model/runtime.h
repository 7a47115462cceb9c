#pragma once

// Host side of compiled models: load and validate a .pvm, run it with the same integer code the
// guest runs (prova/nn/model.h), quantise inputs and dequantise outputs, and build the journal the
// inference guest commits (layout in docs/inference.md).

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "model/graph.h"
#include "prova/nn/model.h"

namespace prova::model {

using Digest = std::array<uint8_t, 32>;

Digest Sha256(std::span<const uint8_t> bytes);

class HostModel {
 public:
  // Throws prova::Error with the validation failure (truncated, bad magic, ...).
  explicit HostModel(std::span<const uint8_t> bytes);
  static HostModel FromFile(const std::string& path);

  const nn::Model& model() const { return model_; }
  std::span<const uint8_t> bytes() const {
    return {reinterpret_cast<const uint8_t*>(storage_.data()), size_};
  }
  Digest digest() const { return Sha256(bytes()); }

  float TensorScale(uint32_t tensor) const;
  float input_scale() const { return TensorScale(model_.header().input_tensor); }
  float output_scale() const { return TensorScale(model_.header().output_tensor); }
  std::vector<int64_t> output_shape() const;

  // Runs on input_size() bytes (int8 or raw uint8 per the model); throws on a size mismatch.
  std::vector<int8_t> Run(std::span<const uint8_t> input) const;
  // The float input as the model's input bytes (int8 models: q = round(x / scale); uint8 models:
  // round(x / input_scale_of_bytes) is the caller's business, so this throws for them).
  std::vector<uint8_t> QuantizeInput(const Tensor& input) const;
  std::vector<float> Dequantize(std::span<const int8_t> output) const;
  // The float tensor the model's input bytes stand for (uint8: byte * byte scale; int8: q * scale),
  // shaped like the input tensor: what the float reference is run on.
  Tensor InputAsFloat(std::span<const uint8_t> input) const;

 private:
  std::vector<uint32_t> storage_;  // 4-byte aligned copy of the file
  size_t size_ = 0;
  nn::Model model_;
};

// The inference guest's journal (see docs/inference.md).
enum class WeightsMode : uint32_t { kEmbedded = 0, kPrivate = 1 };
inline constexpr uint32_t kJournalVersion = 1;
inline constexpr uint32_t kFlagRevealInput = 1;   // commit the input itself, not its digest
inline constexpr uint32_t kFlagReportCycles = 2;  // the guest prints its inference cycles

// Multiply-accumulates of one inference (Dense and Conv layers).
uint64_t MacCount(const nn::Model& model);

std::vector<uint8_t> ExpectedJournal(const HostModel& model, WeightsMode mode,
                                     std::span<const uint8_t> input, uint32_t flags);

// The private-weights guest's input: flags, model length, model bytes, then the model input.
std::vector<uint8_t> GuestInput(const HostModel& model, WeightsMode mode,
                                std::span<const uint8_t> input, uint32_t flags);

}  // namespace prova::model
