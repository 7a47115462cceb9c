#pragma once

// The compute-bound guest the benches share: an int8 dot product of up to 1024 pairs (the inner
// loop of a dense layer), assembled in memory, repeated; about 8 instructions per pair, so 8.2 k
// per repetition of the full length.

#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "vm/assembler.h"
#include "vm/elf_loader.h"

namespace prova::vm {

inline constexpr uint32_t kVectorLength = 1024;

// for rep in 1..repetitions: acc = sum(a[i] * b[i]) over the first `length` int8 pairs; out = acc.
// exit(acc & 0xff). The length tunes the cycle count in steps of about 8 * repetitions.
inline ProgramImage DotProductProgram(uint32_t repetitions, uint32_t length = kVectorLength) {
  using namespace rv32;
  if (length == 0 || length > kVectorLength) {
    throw std::invalid_argument("DotProductProgram: length must be 1 to 1024");
  }
  const uint32_t a_addr = kDefaultDataAddress;
  const uint32_t b_addr = a_addr + kVectorLength;
  const uint32_t out_addr = a_addr + 2 * kVectorLength;
  Code c;
  c << Li(s0, a_addr) << Li(s1, b_addr) << Li(s2, repetitions) << Li(s3, out_addr);
  const int32_t outer = c.here();
  c << Addi(t0, s0, 0) << Addi(t1, s1, 0) << Li(t2, length) << Addi(a3, zero, 0);
  const int32_t inner = c.here();
  c << Lb(t3, t0, 0) << Lb(t4, t1, 0) << Mul(t5, t3, t4) << Add(a3, a3, t5) << Addi(t0, t0, 1)
    << Addi(t1, t1, 1) << Addi(t2, t2, -1);
  c << Bne(t2, zero, inner - c.here());
  c << Sw(a3, s3, 0) << Addi(s2, s2, -1);
  c << Bne(s2, zero, outer - c.here());
  c << Addi(a0, a3, 0) << Addi(a7, zero, 93) << Ecall();

  std::vector<uint8_t> data(2 * kVectorLength);
  uint32_t seed = 12345;
  for (uint8_t& byte : data) {
    seed = seed * 1103515245u + 12345u;
    byte = static_cast<uint8_t>(seed >> 16);
  }
  return MakeImage(c.words(), std::move(data), 3 * kVectorLength);
}

}  // namespace prova::vm
