#pragma once

// What the CPU's witness generator hands to the ALU tables: one event per ALU-bus lookup the
// CPU table sends, i.e. one per tuple (opcode, a = op(b, c), b, c) with multiplicity 1. The
// result is not stored: the ALU witness generators recompute it (AluReference in opcodes.h), so
// an event cannot disagree with the semantics the tables prove.

#include <cstdint>

#include "verifier/rv32im/opcodes.h"

namespace prova::rv32im {

struct AluEvent {
  Opcode op = Opcode::kAdd;  // an ALU opcode (IsAluOpcode)
  uint32_t b = 0;
  uint32_t c = 0;

  friend bool operator==(const AluEvent&, const AluEvent&) = default;
};

}  // namespace prova::rv32im
