// Whole programs through ProveExecution / VerifyExecution with the default (secure)
// configuration: a counting loop, and the example guests when PROVA_EXAMPLES_DIR points at a
// build's examples directory (e.g. build/examples; each guest in <name>/<name>.elf with its
// input.bin and expected_journal.bin beside the sources). PROVA_RV32IM_LOOP_ITERATIONS scales the
// loop (default 1000, about 3000 cycles). Timings and proof sizes are printed, not asserted
// (speed targets live in bench/).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "prover/rv32im/image_id.h"
#include "prover/rv32im/prove.h"
#include "verifier/rv32im/verify.h"
#include "vm/assembler.h"
#include "vm/elf_loader.h"

namespace prova::rv32im {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<uint8_t> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void ProveAndReport(const std::string& name, const vm::ProgramImage& image,
                    std::span<const uint8_t> input, const std::vector<uint8_t>* expected_journal) {
  const auto t0 = Clock::now();
  ExecutionProof p = ProveExecution(image, input, {});
  const auto t1 = Clock::now();
  stark::VerifyResult r = VerifyExecution(p.seal, p.image_id, p.journal, p.exit_code);
  const auto t2 = Clock::now();
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(p.image_id, ComputeImageId(image));
  if (expected_journal) {
    EXPECT_EQ(p.journal, *expected_journal);
  }
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
  ProveAndReport("loop", MakeImage(c.words()), {}, nullptr);
}

TEST(Rv32imGuests, Examples) {
  const char* dir = std::getenv("PROVA_EXAMPLES_DIR");
  if (!dir) GTEST_SKIP() << "set PROVA_EXAMPLES_DIR to a build's examples directory";
  // This file is prover/rv32im/guest_test.cc: the examples' sources are two levels up.
  const std::filesystem::path source =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "examples";
  for (const char* name : {"hello", "sha256", "mlp"}) {
    const std::filesystem::path elf =
        std::filesystem::path(dir) / name / (std::string(name) + ".elf");
    if (!std::filesystem::exists(elf)) continue;
    const char* input_file = std::string(name) == "mlp" ? "sample.bin" : "input.bin";
    const std::vector<uint8_t> input = ReadFile(source / name / input_file);
    const std::vector<uint8_t> journal = ReadFile(source / name / "expected_journal.bin");
    ProveAndReport(name, vm::LoadElf(ReadFile(elf)), input, &journal);
  }
}

}  // namespace
}  // namespace prova::rv32im
