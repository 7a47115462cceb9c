#include "verifier/hash/poseidon2.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "verifier/field/packed_babybear.h"
#include "verifier/hash/sponge.h"

namespace prova::hash {
namespace {

using Json = nlohmann::json;
using Packed = BabyBear::Packed;
constexpr size_t kLanes = Packed::kWidth;

// The vector file lives beside the repository (/work/shared/vectors in CI); PROVA_VECTORS_DIR
// overrides the location. A missing file is a failure, not a skip: the vectors are the spec.
std::filesystem::path VectorFile() {
  const char* dir = std::getenv("PROVA_VECTORS_DIR");
  std::filesystem::path base =
      dir != nullptr ? std::filesystem::path(dir)
                     : std::filesystem::path(__FILE__).parent_path() / "../../../shared/vectors";
  return base / "poseidon2_babybear_w16.json";
}

const Json& Vectors() {
  static const Json json = [] {
    std::filesystem::path path = VectorFile();
    std::ifstream in(path);
    if (!in) {
      ADD_FAILURE() << "cannot open the Poseidon2 vector file " << path
                    << " (set PROVA_VECTORS_DIR to its directory)";
      return Json::object();
    }
    return Json::parse(in);
  }();
  return json;
}

Poseidon2::State ToState(const Json& values) {
  EXPECT_EQ(values.size(), Poseidon2::kWidth);
  Poseidon2::State state;
  for (size_t i = 0; i < Poseidon2::kWidth; ++i) {
    uint64_t v = values.at(i).get<uint64_t>();
    EXPECT_LT(v, BabyBear::kPrime);
    state[i] = BabyBear::from_canonical(static_cast<uint32_t>(v));
  }
  return state;
}

std::vector<uint32_t> Canonical(const Poseidon2::State& state) {
  std::vector<uint32_t> out;
  for (BabyBear x : state) out.push_back(x.as_canonical());
  return out;
}

std::vector<uint32_t> JsonU32(const Json& values) { return values.get<std::vector<uint32_t>>(); }

Poseidon2::State RandomState(std::mt19937_64& rng) {
  Poseidon2::State s;
  for (BabyBear& x : s) x = BabyBear::from_u64(rng());
  return s;
}

TEST(Poseidon2Test, ParametersMatchVectorFile) {
  const Json& v = Vectors();
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.at("p").get<uint64_t>(), BabyBear::kPrime);
  EXPECT_EQ(v.at("t").get<size_t>(), Poseidon2::kWidth);
  EXPECT_EQ(v.at("d").get<uint64_t>(), Poseidon2::kSboxDegree);
  EXPECT_EQ(v.at("rounds_f_beginning").get<size_t>(), Poseidon2::kHalfFullRounds);
  EXPECT_EQ(v.at("rounds_f_end").get<size_t>(), Poseidon2::kHalfFullRounds);
  EXPECT_EQ(v.at("rounds_p").get<size_t>(), Poseidon2::kPartialRounds);
}

TEST(Poseidon2Test, ConstantsMatchVectorFile) {
  const Json& v = Vectors();
  ASSERT_FALSE(v.empty());
  const Json& external = v.at("round_constants_external");
  ASSERT_EQ(external.size(), Poseidon2::kFullRounds);
  for (size_t r = 0; r < Poseidon2::kFullRounds; ++r) {
    std::vector<uint32_t> expected = JsonU32(external[r]);
    std::vector<uint32_t> actual(Poseidon2::kExternalRoundConstants[r].begin(),
                                 Poseidon2::kExternalRoundConstants[r].end());
    EXPECT_EQ(actual, expected) << "external round " << r;
  }
  std::vector<uint32_t> internal(Poseidon2::kInternalRoundConstants.begin(),
                                 Poseidon2::kInternalRoundConstants.end());
  EXPECT_EQ(internal, JsonU32(v.at("round_constants_internal")));
  std::vector<uint32_t> diag(Poseidon2::kInternalDiagonalMinusOne.begin(),
                             Poseidon2::kInternalDiagonalMinusOne.end());
  EXPECT_EQ(diag, JsonU32(v.at("internal_diag").at("diag_minus_one")));
  // The full diagonal is the stored one plus one.
  std::vector<uint32_t> full = JsonU32(v.at("internal_diag").at("diag"));
  ASSERT_EQ(full.size(), Poseidon2::kWidth);
  for (size_t i = 0; i < Poseidon2::kWidth; ++i) EXPECT_EQ(full[i], diag[i] + 1);
}

// The external layer as a plain 16x16 matrix product must equal the addition-chain version.
TEST(Poseidon2Test, ExternalLayerMatchesFullMatrix) {
  const Json& v = Vectors();
  ASSERT_FALSE(v.empty());
  const Json& m = v.at("external_matrix").at("full_matrix_16x16");
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 10; ++trial) {
    Poseidon2::State in = RandomState(rng);
    Poseidon2::State expected{};
    for (size_t r = 0; r < 16; ++r) {
      for (size_t c = 0; c < 16; ++c) {
        expected[r] += BabyBear::from_canonical(m[r][c].get<uint32_t>()) * in[c];
      }
    }
    Poseidon2::State actual = in;
    Poseidon2::ExternalLinearLayer(actual);
    EXPECT_EQ(actual, expected);
  }
}

TEST(Poseidon2Test, KnownAnswerVectors) {
  const Json& v = Vectors();
  ASSERT_FALSE(v.empty());
  const Json& vectors = v.at("test_vectors");
  ASSERT_GE(vectors.size(), 3u);
  for (const Json& vec : vectors) {
    Poseidon2::State state = ToState(vec.at("input"));
    Poseidon2::Permute(state);
    EXPECT_EQ(Canonical(state), JsonU32(vec.at("output"))) << vec.at("name");
  }
}

// Permute has its own code for one state (two AVX2 registers in a blocked layout); the building
// blocks follow the reference round by round.
TEST(Poseidon2Test, PermuteEqualsTheRoundByRoundReference) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    Poseidon2::State state = RandomState(rng);
    if (trial == 0) state.fill(BabyBear::from_canonical(BabyBear::kPrime - 1));
    if (trial == 1) state.fill(BabyBear::zero());
    Poseidon2::State expected = state;
    Poseidon2::ExternalLinearLayer(expected);
    for (size_t r = 0; r < Poseidon2::kHalfFullRounds; ++r) Poseidon2::FullRound(expected, r);
    for (size_t r = 0; r < Poseidon2::kPartialRounds; ++r) Poseidon2::PartialRound(expected, r);
    for (size_t r = Poseidon2::kHalfFullRounds; r < Poseidon2::kFullRounds; ++r) {
      Poseidon2::FullRound(expected, r);
    }
    Poseidon2::Permute(state);
    ASSERT_EQ(state, expected) << "trial " << trial;
  }
}

TEST(Poseidon2Test, DebugTraceStepByStep) {
  const Json& v = Vectors();
  ASSERT_FALSE(v.empty());
  ASSERT_TRUE(v.contains("debug_trace_range_input")) << "the vector file has no debug trace";
  const Json& trace = v.at("debug_trace_range_input");
  const Json& steps = trace.at("steps");
  ASSERT_EQ(steps.size(), 1 + Poseidon2::kFullRounds + Poseidon2::kPartialRounds);
  Poseidon2::State state = ToState(trace.at("input"));
  size_t step = 0;
  auto expect_step = [&](const std::string& name) {
    EXPECT_EQ(steps[step].at("after").get<std::string>(), name);
    EXPECT_EQ(Canonical(state), JsonU32(steps[step].at("state"))) << "after " << name;
    ++step;
  };
  Poseidon2::ExternalLinearLayer(state);
  expect_step("initial_linear_layer");
  for (size_t r = 0; r < Poseidon2::kHalfFullRounds; ++r) {
    Poseidon2::FullRound(state, r);
    expect_step("full_round_" + std::to_string(r));
  }
  for (size_t r = 0; r < Poseidon2::kPartialRounds; ++r) {
    Poseidon2::PartialRound(state, r);
    expect_step("partial_round_" + std::to_string(r));
  }
  for (size_t r = Poseidon2::kHalfFullRounds; r < Poseidon2::kFullRounds; ++r) {
    Poseidon2::FullRound(state, r);
    expect_step("full_round_" + std::to_string(r));
  }
  // The composed steps and Permute agree.
  Poseidon2::State direct = ToState(trace.at("input"));
  Poseidon2::Permute(direct);
  EXPECT_EQ(direct, state);
}

Poseidon2::PackedState Pack(const std::vector<Poseidon2::State>& lanes) {
  Poseidon2::PackedState packed;
  for (size_t i = 0; i < Poseidon2::kWidth; ++i) {
    std::array<BabyBear, kLanes> column;
    for (size_t l = 0; l < kLanes; ++l) column[l] = lanes[l][i];
    packed[i] = Packed::from_array(column);
  }
  return packed;
}

Poseidon2::State Lane(const Poseidon2::PackedState& packed, size_t lane) {
  Poseidon2::State s;
  for (size_t i = 0; i < Poseidon2::kWidth; ++i) s[i] = packed[i].to_array()[lane];
  return s;
}

// Every vector in every lane position, the other lanes random: packed equals scalar lane by lane.
TEST(Poseidon2Test, PackedMatchesVectorsInEveryLane) {
  const Json& v = Vectors();
  ASSERT_FALSE(v.empty());
  std::mt19937_64 rng(2);
  for (const Json& vec : v.at("test_vectors")) {
    for (size_t lane = 0; lane < kLanes; ++lane) {
      std::vector<Poseidon2::State> inputs;
      for (size_t l = 0; l < kLanes; ++l) inputs.push_back(RandomState(rng));
      inputs[lane] = ToState(vec.at("input"));
      Poseidon2::PackedState packed = Pack(inputs);
      Poseidon2::Permute(packed);
      EXPECT_EQ(Canonical(Lane(packed, lane)), JsonU32(vec.at("output")))
          << vec.at("name") << " lane " << lane;
      for (size_t l = 0; l < kLanes; ++l) {
        Poseidon2::State expected = inputs[l];
        Poseidon2::Permute(expected);
        EXPECT_EQ(Lane(packed, l), expected);
      }
    }
  }
}

TEST(CompressTest, IsTruncatedPermutation) {
  std::mt19937_64 rng(5);
  Digest left, right;
  for (BabyBear& x : left) x = BabyBear::from_u64(rng());
  for (BabyBear& x : right) x = BabyBear::from_u64(rng());
  Poseidon2::State state;
  for (size_t i = 0; i < 8; ++i) {
    state[i] = left[i];
    state[8 + i] = right[i];
  }
  Poseidon2::Permute(state);
  Digest out = Compress(left, right);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(out[i], state[i]);
  EXPECT_NE(Compress(right, left), out);
}

TEST(CompressTest, PackedMatchesScalar) {
  std::mt19937_64 rng(6);
  std::array<Digest, kLanes> lefts, rights;
  for (size_t l = 0; l < kLanes; ++l) {
    for (BabyBear& x : lefts[l]) x = BabyBear::from_u64(rng());
    for (BabyBear& x : rights[l]) x = BabyBear::from_u64(rng());
  }
  const PackedDigest packed =
      Compress<Packed>(PackDigests(lefts.data(), 1), PackDigests(rights.data(), 1));
  std::array<Digest, kLanes> unpacked;
  UnpackDigests(packed, unpacked.data());
  for (size_t l = 0; l < kLanes; ++l) EXPECT_EQ(unpacked[l], Compress(lefts[l], rights[l])) << l;
}

}  // namespace
}  // namespace prova::hash
