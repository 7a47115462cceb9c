#!/usr/bin/env bash
# The whole test suite: a Release build with every test, then the emulator and verifier tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

scripts/build.sh
(cd build && ctest --output-on-failure -j"$jobs" --timeout 900)

# Only the modules whose tests carry the sanitize label: the CLI and guests are not rebuilt here.
# -g1: compile time is what the sanitizer tree costs, and line tables are enough for readable
# sanitizer reports.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROVA_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DPROVA_BUILD_BENCH=OFF -DPROVA_BUILD_GUESTS=OFF \
  -DPROVA_ONLY="common;verifier;prover;vm;model;tests" \
  >/dev/null
cmake --build build-asan -j"$jobs" --target sanitize_tests
(cd build-asan && ctest --output-on-failure -j"$jobs" -L sanitize --timeout 900)
