#!/usr/bin/python3
"""Trains a small MLP and a small CNN on Fashion-MNIST and exports them to ONNX.

Usage: /usr/bin/python3 examples/fashion/train.py [output_dir]

Needs Debian's python3-torch and dataset-fashion-mnist. Writes mlp.onnx, cnn.onnx, float
accuracies (float_accuracy.txt), calibration images (calibration.bin: 256 training images, raw
uint8, 784 bytes each) and sample test images (sample_<i>.bin, raw 784 bytes). Fixed seeds; a few
minutes of CPU on one or two cores.
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"
SEED = 20261122
SAMPLES = [0, 1, 2, 3]


def load_images(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 1, 28, 28)


def load_labels(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int64)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.net(x)


class Cnn(nn.Module):
    # Conv + BatchNorm (folded at compile time) + ReLU + MaxPool, twice, then one dense layer.
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 7 * 7, 10))

    def forward(self, x):
        return self.net(x)


def accuracy(model, images, labels):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), 1000):
            x = torch.from_numpy(images[start:start + 1000].astype(np.float32) / 255.0)
            correct += int((model(x).argmax(1).numpy() == labels[start:start + 1000]).sum())
    return correct / len(images)


def train(model, images, labels, epochs, lr):
    generator = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    x_all = torch.from_numpy(images.astype(np.float32) / 255.0)
    y_all = torch.from_numpy(labels)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(images), 128):
            batch = order[start:start + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x_all[batch]), y_all[batch])
            loss.backward()
            optimizer.step()
        print(f"  epoch {epoch + 1}: loss {loss.item():.3f}", flush=True)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    train_images = load_images("train-images-idx3-ubyte.gz")
    train_labels = load_labels("train-labels-idx1-ubyte.gz")
    test_images = load_images("t10k-images-idx3-ubyte.gz")
    test_labels = load_labels("t10k-labels-idx1-ubyte.gz")

    lines = []
    for name, model, epochs in (("mlp", Mlp(), 6), ("cnn", Cnn(), 4)):
        print(f"{name}:", flush=True)
        train(model, train_images, train_labels, epochs, 1e-3)
        acc = accuracy(model, test_images, test_labels)
        print(f"  float test accuracy {acc * 100:.2f}%", flush=True)
        lines.append(f"{name} {acc * 100:.2f}\n")
        model.eval()
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), os.path.join(out, f"{name}.onnx"),
                          input_names=["image"], output_names=["logits"], opset_version=13,
                          do_constant_folding=True)

    with open(os.path.join(out, "float_accuracy.txt"), "w") as f:
        f.writelines(lines)
    # Calibration: 256 training images picked with the fixed seed.
    rng = np.random.default_rng(SEED)
    pick = rng.choice(len(train_images), 256, replace=False)
    with open(os.path.join(out, "calibration.bin"), "wb") as f:
        f.write(train_images[pick].tobytes())
    for i in SAMPLES:
        with open(os.path.join(out, f"sample_{i}.bin"), "wb") as f:
            f.write(test_images[i].tobytes())


if __name__ == "__main__":
    main()
