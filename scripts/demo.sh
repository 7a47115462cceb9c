#!/usr/bin/env bash
# The main job: set up, build, compile the example inference guest and run it in the zkVM.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

guest=build/examples/mlp/mlp.elf
echo "== prova execute $guest (input: examples/mlp/sample.bin)"
build/cli/prova execute "$guest" --input examples/mlp/sample.bin --journal build/mlp.journal
echo "== journal: $(od -An -tx1 -v build/mlp.journal | tr -d ' \n')"
