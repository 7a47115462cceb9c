// A frozen proof (verifier/stark/testdata/fibonacci_v12.proof, Fibonacci over 64 rows,
// TestConfig() without zero knowledge, so the prover is deterministic) must keep verifying: a
// change to the proof format or the transcript shows up here. prover/stark/fixture_test.cc checks
// that the prover still produces exactly these bytes, and rewrites the file when
// PROVA_REGENERATE_FIXTURES=1.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "verifier/air/examples/fibonacci.h"
#include "verifier/stark/verifier.h"

namespace prova::stark {
namespace {

std::vector<uint8_t> ReadFixture() {
  std::filesystem::path path =
      std::filesystem::path(__FILE__).parent_path() / "testdata" / "fibonacci_v12.proof";
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(StarkFixtureTest, FrozenProofVerifies) {
  const std::vector<uint8_t> bytes = ReadFixture();
  ASSERT_FALSE(bytes.empty()) << "missing fixture";
  const AirTable<air::examples::FibonacciAir> fib{air::examples::FibonacciAir{}};
  const std::vector<const Table*> tables = {&fib};
  VerifyingKey vk;
  vk.config = TestConfig();
  vk.config.zero_knowledge = false;
  vk.preprocessed_log_heights = {0};
  BabyBear a = BabyBear::zero(), b = BabyBear::one();
  for (int i = 0; i < 63; ++i) {
    BabyBear c = a + b;
    a = b;
    b = c;
  }
  const std::vector<std::vector<BabyBear>> pv = {{BabyBear::zero(), BabyBear::one(), b}};
  VerifyResult r = Verify(vk, tables, pv, bytes);
  EXPECT_TRUE(r.ok) << r.reason;
  const std::vector<std::vector<BabyBear>> wrong = {{BabyBear::zero(), BabyBear::one(), a}};
  EXPECT_FALSE(Verify(vk, tables, wrong, bytes).ok);
}

}  // namespace
}  // namespace prova::stark
