#!/usr/bin/env bash
# The main job: set up, build, compile the example inference guest (an int8 Fashion-MNIST MLP),
# run it in the zkVM on a private image, prove the inference, and verify the receipt as an
# outsider would, knowing only the image ID and the expected journal (class and logits).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

prova=build/cli/prova
out=build/demo
mkdir -p "$out"
guest=build/examples/mlp/mlp.elf
input=examples/mlp/sample.bin  # test image 0 (an ankle boot): private input

echo "== execute: MLP inference on $input"
"$prova" execute "$guest" --input "$input" --journal "$out/mlp.journal"

echo "== prove: $guest on the private image"
"$prova" prove "$guest" --input "$input" -o "$out/mlp.receipt"

echo "== verify with the standalone verifier (links no prover, no emulator)"
image_id=$("$prova" image-id "$guest")
build/cli/prova-verify "$out/mlp.receipt" --image-id "$image_id" \
  --journal examples/mlp/expected_journal.bin
"$prova" inspect "$out/mlp.receipt"
