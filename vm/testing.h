#pragma once

// Test support for vm/*_test.cc: runs a program in fast and traced mode, checks that both agree and
// that replaying the trace reproduces the final state, and returns the result.

#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "common/error.h"
#include "vm/assembler.h"
#include "vm/machine.h"
#include "vm/trace.h"

namespace prova::vm::testing {

inline ExecuteResult RunBothModes(const ProgramImage& image, std::span<const uint8_t> input = {},
                                  uint64_t max_cycles = 1'000'000) {
  ExecuteOptions options;
  options.max_cycles = max_cycles;
  options.input = input;
  options.capture_memory = true;
  ExecuteResult fast = Execute(image, options);
  Trace trace;
  ExecuteResult traced = ExecuteTraced(image, options, &trace);

  EXPECT_EQ(fast.status, traced.status);
  EXPECT_EQ(fast.exit_code, traced.exit_code);
  EXPECT_EQ(fast.cycles, traced.cycles);
  EXPECT_EQ(fast.pc, traced.pc);
  EXPECT_EQ(fast.registers, traced.registers);
  EXPECT_EQ(fast.journal, traced.journal);
  EXPECT_EQ(fast.stdout_bytes, traced.stdout_bytes);
  EXPECT_EQ(fast.final_memory == traced.final_memory, true);
  EXPECT_EQ(fast.fault.has_value(), traced.fault.has_value());
  if (fast.fault && traced.fault) {
    EXPECT_EQ(fast.fault->message, traced.fault->message);
  }
  EXPECT_EQ(trace.steps.size(), traced.cycles);

  ReplayResult replayed = Replay(image, input, trace);
  EXPECT_EQ(replayed.registers, fast.registers);
  EXPECT_EQ(replayed.pc, fast.pc);
  EXPECT_EQ(replayed.journal, fast.journal);
  EXPECT_EQ(replayed.memory == fast.final_memory, true);
  return fast;
}

// Runs `body` followed by exit(a0) (a7 is clobbered) from the default code address.
inline ExecuteResult RunCode(rv32::Code body, std::vector<uint8_t> data = {},
                             uint32_t data_size = 0, std::span<const uint8_t> input = {}) {
  body << rv32::Addi(rv32::a7, rv32::zero, 93) << rv32::Ecall();
  return RunBothModes(rv32::MakeImage(body.words(), std::move(data), data_size), input);
}

}  // namespace prova::vm::testing
