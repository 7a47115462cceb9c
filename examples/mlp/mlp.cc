// Int8 fixed-point inference of a 784-64-10 MLP trained on Fashion-MNIST (train.py).
//
// Input (private): exactly 784 bytes, the uint8 pixels of one 28x28 image, row by row.
// Journal (public), 44 bytes, little-endian:
//   offset 0   uint32     predicted class (0..9, the first index of the largest logit)
//   offset 4   int32[10]  logits in fixed point with MLP_LOGIT_FRACTION_BITS (8) fraction bits
// Exit codes: 0 on success, 100 if the input is shorter than 784 bytes, 2 if it is longer.
//
// All arithmetic is on integers, bit-exact with int8_inference() in train.py.
#include <array>
#include <cstdint>
#include <cstdio>

#include "model_weights.h"
#include "prova/guest.h"

namespace {

constexpr std::array<const char*, MLP_OUTPUT> kClassNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// (acc * multiplier + 2^(shift-1)) >> shift, rounding half up, in 64 bits.
inline int64_t Requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  int64_t product = static_cast<int64_t>(acc) * multiplier + (int64_t{1} << (shift - 1));
  return product >> shift;
}

}  // namespace

int main() {
  const auto pixels = prova::guest::read_array<uint8_t, MLP_INPUT>();
  uint8_t extra;
  if (prova_read(&extra, 1) != 0) {
    prova::guest::eprint("mlp: the input must be exactly 784 bytes\n");
    return 2;
  }

  std::array<int32_t, MLP_HIDDEN> hidden;
  for (int j = 0; j < MLP_HIDDEN; ++j) {
    const int8_t* weights = kMlpWeights1[j];
    int32_t acc = kMlpBias1[j];
    // Unrolled: 4 instructions per multiply-accumulate instead of 7 (784 = 98 * 8).
#pragma GCC unroll 8
    for (int i = 0; i < MLP_INPUT; ++i) acc += static_cast<int32_t>(pixels[i]) * weights[i];
    int64_t value = Requantize(acc, kMlpMultiplier1, kMlpShift1);
    hidden[j] = static_cast<int32_t>(value < 0 ? 0 : value > 127 ? 127 : value);  // ReLU, int8
  }

  std::array<int32_t, MLP_OUTPUT> logits;
  uint32_t predicted = 0;
  for (int k = 0; k < MLP_OUTPUT; ++k) {
    const int8_t* weights = kMlpWeights2[k];
    int32_t acc = kMlpBias2[k];
#pragma GCC unroll 8
    for (int j = 0; j < MLP_HIDDEN; ++j) acc += hidden[j] * weights[j];
    logits[k] = static_cast<int32_t>(Requantize(acc, kMlpMultiplier2, kMlpShift2));
    if (logits[k] > logits[predicted]) predicted = static_cast<uint32_t>(k);
  }

  prova::guest::commit(predicted);
  prova::guest::commit(logits);
  std::printf("mlp: class %u (%s)\n", static_cast<unsigned>(predicted), kClassNames[predicted]);
  return 0;
}
