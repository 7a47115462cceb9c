#!/usr/bin/env bash
# Installs everything Prova needs on Debian 12 (run as root). Safe to run again.
set -euo pipefail

packages=(
  # host build
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libssl-dev libtbb-dev libzstd-dev libcli11-dev libfmt-dev libgtest-dev libgmock-dev
  libbenchmark-dev nlohmann-json3-dev
  # guest toolchain: cross g++ for code generation, picolibc + libgcc built for rv32im/ilp32
  g++-riscv64-linux-gnu gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  # differential testing against an independent RV32 implementation
  qemu-user
  python3
  # ONNX import (model/), its conformance tests, and the Fashion-MNIST test set for accuracy
  libonnx-dev libprotobuf-dev protobuf-compiler zlib1g-dev libonnx-testdata dataset-fashion-mnist
  # proving service (service/): HTTP, SQLite, PostgreSQL (the server too: the tests start one)
  libcpp-httplib-dev libbrotli-dev libsqlite3-dev libpq-dev postgresql openssl util-linux
)
# Retraining the example models (examples/fashion/train.py) also needs python3-torch; nothing in
# the build or the tests does, so it is not installed here.

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
