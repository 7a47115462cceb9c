#!/bin/sh
# Builds the libFuzzer receipt target with clang (tests/fuzz/project) and fuzzes it for a bounded
# time under ASan+UBSan, seeded with valid receipts and with every real receipt given.
#
#   run_receipt_fuzz.sh <build_dir> <seconds> [real.receipt ...]
#
# Environment: PROVA_FUZZ_JOBS (build parallelism, default 2), CXX_FUZZ (default clang++).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$1
seconds=$2
shift 2

mkdir -p "$build"
cmake -S "$here/project" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="${CXX_FUZZ:-clang++}" \
  -DCMAKE_BUILD_TYPE=None >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "${PROVA_FUZZ_JOBS:-2}" --target receipt_fuzz receipt_fuzz_seeds

corpus="$build/corpus"
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$corpus" "$seeds"
real=""
for receipt in "$@"; do
  if [ -f "$receipt" ]; then real="$real $receipt"; fi
done
# shellcheck disable=SC2086
"$build/receipt_fuzz_seeds" "$seeds" $real

# Leaks are failures too; a crash leaves its input in $build/crash-*.
exec "$build/receipt_fuzz" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
  -max_len=1048576 -print_final_stats=1 -artifact_prefix="$build/" "$corpus" "$seeds"
