#!/usr/bin/env bash
# The main job: set up, build (the zkVM and the example inference guest: a Fashion-MNIST MLP
# trained with PyTorch, exported to ONNX and compiled to int8 with `prova model compile`), run the
# inference on a private image, prove it, and verify the receipt as an outsider would, knowing only
# the image ID (which identifies the model: its weights are in the image) and the expected journal
# (model digest, input digest, the ten int8 scores and the predicted class).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

prova=build/cli/prova
out=build/demo
mkdir -p "$out"
guest=build/examples/fashion/fashion_mlp.elf
input=examples/fashion/input_mlp_0.bin  # flags (0) + test image 0, an ankle boot: private

echo "== the model: examples/fashion/mlp.onnx compiled to int8"
"$prova" model info examples/fashion/mlp.pvm

echo "== execute: inference on the private image"
"$prova" execute "$guest" --input "$input" --journal "$out/fashion_mlp.journal"

echo "== prove"
"$prova" prove "$guest" --input "$input" -o "$out/fashion_mlp.receipt"

echo "== verify with the standalone verifier (links no prover, no emulator)"
image_id=$("$prova" image-id "$guest")
build/cli/prova-verify "$out/fashion_mlp.receipt" --image-id "$image_id" \
  --journal examples/fashion/expected_journal_mlp_0.bin
"$prova" inspect "$out/fashion_mlp.receipt"
