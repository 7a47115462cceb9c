#!/usr/bin/env bash
# The main job: set up, build, compile the example inference guest (an int8 Fashion-MNIST MLP) and
# run it in the zkVM on a private image; then prove a guest's execution and verify the receipt as
# an outsider would, knowing only the image ID and the expected journal.
#
# The MLP reads its image through the read syscall, which the RV32IM circuit does not prove yet, so
# the proving half of the demo uses the hello guest until it does.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

prova=build/cli/prova
out=build/demo
mkdir -p "$out"

echo "== execute: MLP inference on examples/mlp/sample.bin"
"$prova" execute build/examples/mlp/mlp.elf --input examples/mlp/sample.bin \
  --journal "$out/mlp.journal"

guest=build/examples/hello/hello.elf
echo "== prove: $guest"
"$prova" prove "$guest" -o "$out/hello.receipt"

echo "== verify with the standalone verifier (links no prover, no emulator)"
image_id=$("$prova" image-id "$guest")
build/cli/prova-verify "$out/hello.receipt" --image-id "$image_id" \
  --journal examples/hello/expected_journal.bin
"$prova" inspect "$out/hello.receipt"
