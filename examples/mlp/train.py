#!/usr/bin/python3
"""Trains the Fashion-MNIST MLP of the `mlp` guest and writes its int8 model.

    /usr/bin/python3 examples/mlp/train.py [--data-dir DIR] [--out-dir DIR]

Needs only numpy (Debian: python3-numpy) and the Fashion-MNIST files of Debian's
dataset-fashion-mnist package. Writes, next to this script by default:
  model_weights.h        int8 weights, int32 biases, per-layer requantisation (multiplier, shift)
  sample.bin             the 784 uint8 pixels of one test image (the guest's input)
  expected_journal.bin   the journal the guest must produce for sample.bin
and prints the float and int8 accuracy on the 10k test images.

Integer inference, exactly as in mlp.cc (all arithmetic on integers, no float at run time):
  x        uint8[784]   pixels, real value x / 255
  acc1[j]  = b1[j] + sum_i x[i] * w1[j][i]                       int32
  h[j]     = clamp(requant(acc1[j], m1, s1), 0, 127)             int8 (ReLU folded into the clamp)
  acc2[k]  = b2[k] + sum_j h[j] * w2[k][j]                       int32
  logit[k] = requant(acc2[k], m2, s2)                            int32, real logit * 2^8
  class    = first k with the largest logit[k]
  requant(a, m, s) = (a * m + 2^(s-1)) >> s   (64-bit product, arithmetic shift)
"""

import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np

INPUT, HIDDEN, OUTPUT = 784, 64, 10
LOGIT_FRACTION_BITS = 8
SEED = 20240601
EPOCHS = 8
BATCH = 64
LEARNING_RATE = 1e-3
SAMPLE_INDEX = 0  # first test image


def load_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x801:
        return np.frombuffer(data, dtype=np.uint8, offset=8)
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    raise ValueError(f"{path}: not an IDX file")


def train(x_train, y_train, rng):
    """784-64-10 ReLU MLP, softmax cross-entropy, Adam."""
    w1 = (rng.standard_normal((INPUT, HIDDEN)) * np.sqrt(2.0 / INPUT)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    w2 = (rng.standard_normal((HIDDEN, OUTPUT)) * np.sqrt(2.0 / HIDDEN)).astype(np.float32)
    b2 = np.zeros(OUTPUT, np.float32)
    params = [w1, b1, w2, b2]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    step = 0
    n = x_train.shape[0]
    for epoch in range(EPOCHS):
        order = rng.permutation(n)
        total_loss = 0.0
        for start in range(0, n, BATCH):
            idx = order[start:start + BATCH]
            x, y = x_train[idx], y_train[idx]
            pre = x @ w1 + b1
            h = np.maximum(pre, 0)
            logits = h @ w2 + b2
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            total_loss += -np.log(p[np.arange(len(y)), y] + 1e-12).sum()
            d_logits = p
            d_logits[np.arange(len(y)), y] -= 1
            d_logits /= len(y)
            d_w2 = h.T @ d_logits
            d_b2 = d_logits.sum(axis=0)
            d_h = (d_logits @ w2.T) * (pre > 0)
            d_w1 = x.T @ d_h
            d_b1 = d_h.sum(axis=0)
            step += 1
            for p_, g, m, v in zip(params, [d_w1, d_b1, d_w2, d_b2], moments, squares):
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                v += (1 - beta2) * g * g
                m_hat = m / (1 - beta1**step)
                v_hat = v / (1 - beta2**step)
                p_ -= (LEARNING_RATE * m_hat / (np.sqrt(v_hat) + eps)).astype(np.float32)
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {total_loss / n:.4f}", flush=True)
    return w1, b1, w2, b2


def fixed_point_multiplier(real):
    """(m, s) with m in [2^30, 2^31) and m / 2^s ~= real, for 0 < real < 1."""
    assert 0 < real < 1
    shift = 0
    while real * (1 << shift) < (1 << 30):
        shift += 1
    m = int(round(real * (1 << shift)))
    if m == 1 << 31:
        m //= 2
        shift -= 1
    assert (1 << 30) <= m < (1 << 31) and shift <= 62
    return m, shift


def requantize(acc, multiplier, shift):
    acc = acc.astype(np.int64)
    return (acc * np.int64(multiplier) + (np.int64(1) << np.int64(shift - 1))) >> np.int64(shift)


def quantize(w1, b1, w2, b2, x_calibration_u8):
    """Symmetric per-layer int8 weights; uint8 input (scale 1/255); int8 hidden activations."""
    s_x = 1.0 / 255.0
    s_w1 = float(np.abs(w1).max()) / 127.0
    s_w2 = float(np.abs(w2).max()) / 127.0
    q_w1 = np.clip(np.round(w1 / s_w1), -127, 127).astype(np.int8)
    q_w2 = np.clip(np.round(w2 / s_w2), -127, 127).astype(np.int8)
    q_b1 = np.round(b1 / (s_x * s_w1)).astype(np.int64)
    # Hidden scale from calibration: a high percentile of the positive pre-activations keeps
    # resolution for typical values at the cost of clipping rare outliers.
    acc1 = x_calibration_u8.astype(np.int32) @ q_w1.astype(np.int32) + q_b1
    real_hidden = acc1 * (s_x * s_w1)
    s_h = float(np.percentile(real_hidden[real_hidden > 0], 99.99)) / 127.0
    q_b2 = np.round(b2 / (s_h * s_w2)).astype(np.int64)
    m1, shift1 = fixed_point_multiplier(s_x * s_w1 / s_h)
    m2, shift2 = fixed_point_multiplier(s_h * s_w2 * (1 << LOGIT_FRACTION_BITS))
    assert np.abs(q_b1).max() < 2**31 and np.abs(q_b2).max() < 2**31
    return dict(w1=q_w1.T.copy(), b1=q_b1, m1=m1, shift1=shift1,
                w2=q_w2.T.copy(), b2=q_b2, m2=m2, shift2=shift2)


def int8_inference(model, x_u8):
    """The guest's arithmetic, batched. x_u8: (n, 784) uint8 -> (classes, logits int32)."""
    acc1 = x_u8.astype(np.int64) @ model["w1"].T.astype(np.int64) + model["b1"]
    h = np.clip(requantize(acc1, model["m1"], model["shift1"]), 0, 127)
    acc2 = h @ model["w2"].T.astype(np.int64) + model["b2"]
    logits = requantize(acc2, model["m2"], model["shift2"])
    assert logits.min() >= -2**31 and logits.max() < 2**31
    return np.argmax(logits, axis=1), logits.astype(np.int32)


def c_array(values, per_line):
    values = [str(int(v)) for v in np.asarray(values).ravel()]
    lines = [",".join(values[i:i + per_line]) for i in range(0, len(values), per_line)]
    return ",\n".join("    " + line for line in lines)


def write_header(path, model, float_accuracy, int8_accuracy):
    with open(path, "w") as f:
        f.write(f"""// Fashion-MNIST {INPUT}-{HIDDEN}-{OUTPUT} MLP, int8 weights, int32 biases.
// Written by examples/mlp/train.py (seed {SEED}, {EPOCHS} epochs); rerun it instead of editing.
// Test accuracy on the 10k test images: float {float_accuracy:.2%}, int8 {int8_accuracy:.2%}.
#ifndef PROVA_EXAMPLES_MLP_MODEL_WEIGHTS_H_
#define PROVA_EXAMPLES_MLP_MODEL_WEIGHTS_H_

#include <stdint.h>

#define MLP_INPUT {INPUT}
#define MLP_HIDDEN {HIDDEN}
#define MLP_OUTPUT {OUTPUT}
#define MLP_LOGIT_FRACTION_BITS {LOGIT_FRACTION_BITS}

// Layer 1: hidden = clamp((acc * kMlpMultiplier1 + 2^(shift-1)) >> shift, 0, 127).
static const int32_t kMlpMultiplier1 = {model["m1"]};
static const int32_t kMlpShift1 = {model["shift1"]};
// Layer 2: logit = (acc * kMlpMultiplier2 + 2^(shift-1)) >> shift, real logit * 2^8.
static const int32_t kMlpMultiplier2 = {model["m2"]};
static const int32_t kMlpShift2 = {model["shift2"]};

// Row j holds the weights of hidden unit j (row-major [hidden][input]).
static const int8_t kMlpWeights1[MLP_HIDDEN][MLP_INPUT] __attribute__((aligned(4))) = {{
{c_array(model["w1"], 16)}
}};
static const int32_t kMlpBias1[MLP_HIDDEN] = {{
{c_array(model["b1"], 8)}
}};
static const int8_t kMlpWeights2[MLP_OUTPUT][MLP_HIDDEN] __attribute__((aligned(4))) = {{
{c_array(model["w2"], 16)}
}};
static const int32_t kMlpBias2[MLP_OUTPUT] = {{
{c_array(model["b2"], 10)}
}};

#endif  // PROVA_EXAMPLES_MLP_MODEL_WEIGHTS_H_
""")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out-dir", default=here)
    args = parser.parse_args()

    started = time.time()
    x_train_u8 = load_idx(os.path.join(args.data_dir, "train-images-idx3-ubyte.gz"))
    y_train = load_idx(os.path.join(args.data_dir, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    x_test_u8 = load_idx(os.path.join(args.data_dir, "t10k-images-idx3-ubyte.gz"))
    y_test = load_idx(os.path.join(args.data_dir, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)

    rng = np.random.default_rng(SEED)
    w1, b1, w2, b2 = train(x_train_u8.astype(np.float32) / 255.0, y_train, rng)

    x_test = x_test_u8.astype(np.float32) / 255.0
    float_pred = np.argmax(np.maximum(x_test @ w1 + b1, 0) @ w2 + b2, axis=1)
    float_accuracy = float(np.mean(float_pred == y_test))

    model = quantize(w1, b1, w2, b2, x_train_u8[:10000])
    int8_pred, logits = int8_inference(model, x_test_u8)
    int8_accuracy = float(np.mean(int8_pred == y_test))
    agreement = float(np.mean(int8_pred == float_pred))

    write_header(os.path.join(args.out_dir, "model_weights.h"), model, float_accuracy,
                 int8_accuracy)
    sample = x_test_u8[SAMPLE_INDEX]
    with open(os.path.join(args.out_dir, "sample.bin"), "wb") as f:
        f.write(sample.tobytes())
    # Journal: uint32 class, then 10 int32 logits, little-endian.
    journal = struct.pack("<I", int(int8_pred[SAMPLE_INDEX]))
    journal += logits[SAMPLE_INDEX].astype("<i4").tobytes()
    with open(os.path.join(args.out_dir, "expected_journal.bin"), "wb") as f:
        f.write(journal)

    print(f"float accuracy: {float_accuracy:.4f}")
    print(f"int8 accuracy:  {int8_accuracy:.4f} (agrees with float on {agreement:.4f})")
    print(f"requantisation: layer 1 m={model['m1']} shift={model['shift1']}, "
          f"layer 2 m={model['m2']} shift={model['shift2']}")
    print(f"sample: test image {SAMPLE_INDEX}, label {y_test[SAMPLE_INDEX]}, "
          f"predicted {int8_pred[SAMPLE_INDEX]}, logits {logits[SAMPLE_INDEX].tolist()}")
    print(f"done in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
