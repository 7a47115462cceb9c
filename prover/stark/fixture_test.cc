// Keeps verifier/stark/testdata/fibonacci_v12.proof in step with the prover: the prover without
// zero knowledge is deterministic, so it must reproduce the frozen bytes exactly. Run with
// PROVA_REGENERATE_FIXTURES=1 after an intended format change (and bump kProofVersion).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "prover/stark/prover.h"
#include "verifier/air/examples/fibonacci.h"

namespace prova::stark {
namespace {

TEST(StarkFixtureTest, ProverReproducesTheFrozenProof) {
  const std::filesystem::path path = std::filesystem::path(__FILE__).parent_path().parent_path() /
                                     ".." / "verifier" / "stark" / "testdata" /
                                     "fibonacci_v12.proof";
  const ProverAirTable<air::examples::FibonacciAir> fib{air::examples::FibonacciAir{}};
  const std::vector<const ProverTable*> tables = {&fib};
  StarkConfig config = TestConfig();
  config.zero_knowledge = false;
  ProvingKey pk = stark::Setup(config, tables);
  BabyBear result;
  auto trace =
      air::examples::FibonacciAir::GenerateTrace(64, BabyBear::zero(), BabyBear::one(), &result);
  std::vector<TableWitness> w = {{trace, {BabyBear::zero(), BabyBear::one(), result}}};
  const std::vector<uint8_t> bytes = SerializeProof(Prove(pk, tables, w));
  if (const char* regenerate = std::getenv("PROVA_REGENERATE_FIXTURES");
      regenerate != nullptr && std::string(regenerate) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good());
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> frozen((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(bytes, frozen) << "the proof format or transcript changed; see the header comment";
}

}  // namespace
}  // namespace prova::stark
