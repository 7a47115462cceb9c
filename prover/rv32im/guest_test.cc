// Whole programs through ProveExecution / VerifyExecution with the default (secure)
// configuration: a counting loop. PROVA_RV32IM_LOOP_ITERATIONS scales it (default 1000, about 3000
// cycles). Timings and proof sizes are printed, not asserted (speed targets live in bench/). The
// example guests are proved through the CLI (tests/cli/receipt_cli_test.cc).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "prover/rv32im/image_id.h"
#include "prover/rv32im/prove.h"
#include "verifier/rv32im/verify.h"
#include "vm/assembler.h"

namespace prova::rv32im {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void ProveAndReport(const std::string& name, const vm::ProgramImage& image) {
  const auto t0 = Clock::now();
  ExecutionProof p = ProveExecution(image, {}, {});
  const auto t1 = Clock::now();
  stark::VerifyResult r = VerifyExecution(p.seal, p.image_id, p.journal, p.exit_code);
  const auto t2 = Clock::now();
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(p.image_id, ComputeImageId(image));
  std::cout << name << ": " << p.cycles << " cycles, prove " << Seconds(t0, t1) << " s ("
            << static_cast<double>(p.cycles) / Seconds(t0, t1) << " Hz), seal " << p.seal.size()
            << " bytes, verify " << 1000 * Seconds(t1, t2) << " ms\n";
}

TEST(Rv32imGuests, CountingLoopWithDefaultConfig) {
  using namespace vm::rv32;  // NOLINT
  uint32_t iterations = 1000;
  if (const char* env = std::getenv("PROVA_RV32IM_LOOP_ITERATIONS")) {
    iterations = static_cast<uint32_t>(std::stoul(env));
  }
  Code c;
  c << Li(t0, iterations) << Addi(a0, zero, 0);
  const int32_t loop = c.here();
  c << Add(a0, a0, t0) << Addi(t0, t0, -1);
  c << Bne(t0, zero, loop - c.here());
  c << Addi(a7, zero, 93) << Ecall();
  ProveAndReport("loop", MakeImage(c.words()));
}

}  // namespace
}  // namespace prova::rv32im
