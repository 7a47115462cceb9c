#pragma once

// Quantises an ONNX graph into a compiled model (.pvm, guest-sdk/include/prova/nn/format.h):
// activation scales from calibration samples run through the float reference, per-channel int8
// weights, int32 biases, fixed-point requantisation multipliers, BatchNorm folded into the
// preceding Conv, ReLU fused into the preceding layer, elementwise functions as lookup tables.

#include <cstdint>
#include <span>
#include <vector>

#include "model/graph.h"
#include "prova/nn/format.h"

namespace prova::model {

struct CompileOptions {
  // kUint8: the guest's input is raw bytes with real value byte * input_scale (e.g. pixels with
  // 1/255); kInt8: the input is the quantised tensor (see HostModel::QuantizeInput).
  nn::InputKind input_kind = nn::InputKind::kInt8;
  float input_scale = 1.f / 255.f;
};

// Throws prova::Error naming the node on an unsupported operator, attribute or shape.
// `calibration` holds float samples of the graph's single input (at least one).
std::vector<uint8_t> Compile(const Graph& graph, std::span<const Tensor> calibration,
                             const CompileOptions& options);

// (multiplier, shift) with real ~= multiplier / 2^shift, multiplier in [2^30, 2^31), shift in
// [1, 62]; real 0 or below 2^-32 gives (0, 1). Throws if real >= 2^30 or is negative.
std::pair<int32_t, int32_t> QuantizeMultiplier(double real);

}  // namespace prova::model
