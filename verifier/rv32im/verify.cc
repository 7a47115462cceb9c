#include "verifier/rv32im/verify.h"

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/rv32im/image_id.h"
#include "verifier/rv32im/seal.h"
#include "verifier/stark/layout.h"
#include "verifier/stark/proof.h"
#include "verifier/transcript/challenger.h"

namespace prova::rv32im {
namespace {

// The LogUp challenges of this proof, drawn by replaying the STARK transcript up to them
// (verifier/stark/verifier.cc: instance with its public values, fixed-column root, main root,
// then alpha and beta).
std::array<BabyBear4, 2> LogUpChallenges(const stark::VerifyingKey& vk,
                                         std::span<const stark::Table* const> tables,
                                         std::span<const std::vector<BabyBear>> pv,
                                         const stark::StarkProof& proof) {
  std::vector<stark::TableLayout> layouts;
  for (size_t t = 0; t < tables.size(); ++t) {
    layouts.push_back(stark::MakeLayout(*tables[t], proof.log_heights[t], vk.config));
  }
  transcript::DuplexChallenger challenger;
  stark::ObserveInstance(challenger, vk.config, layouts, pv);
  if (vk.preprocessed_root) challenger.Observe(*vk.preprocessed_root);
  challenger.Observe(proof.main_root);
  const BabyBear4 alpha = challenger.SampleExtension();
  const BabyBear4 beta = challenger.SampleExtension();
  return {alpha, beta};
}

// The journal table's cumulative sum for the public journal (io_air.h) under the LogUp
// challenges.
std::optional<BabyBear4> ExpectedJournalSum(const std::array<BabyBear4, 2>& challenges,
                                            std::span<const uint8_t> journal) {
  const auto& [alpha, beta] = challenges;
  BabyBear4 sum = BabyBear4::zero();
  for (size_t i = 0; i < journal.size(); ++i) {
    const BabyBear4 fingerprint = BabyBear4(BabyBear::from_canonical(kJournalBus)) +
                                  beta * BabyBear4(BabyBear::from_u64(i)) +
                                  beta * beta * BabyBear4(BabyBear::from_canonical(journal[i]));
    auto inverse = (alpha - fingerprint).try_inverse();
    if (!inverse) return std::nullopt;
    sum = sum - *inverse;
  }
  return sum;
}

// What a seal and a claim define: the verifying key, the tables, every table's public values and
// the proof. Throws prova::Error (or a parse error) for a malformed seal, nothing for a wrong
// claim: the caller verifies.
struct Instance {
  stark::VerifyingKey vk;
  CircuitTables<VerifierTable, stark::Table> tables{ProgramAir{}, MemoryInitAir{}};
  std::vector<std::vector<BabyBear>> public_values;
  stark::StarkProof proof;
};

// Fills `out` from the seal, or returns why the seal cannot be for this image ID.
std::optional<std::string> DecodeInstance(std::span<const uint8_t> seal_bytes,
                                          std::span<const uint8_t, 32> image_id,
                                          std::span<const uint8_t> journal, uint32_t exit_code,
                                          const stark::StarkConfig& config, Instance* out) {
  Seal seal = DecodeSeal(seal_bytes);
  const ImageId computed = ImageIdFromParts(seal.image);
  if (!std::equal(computed.begin(), computed.end(), image_id.begin())) {
    return "the seal is for another image ID";
  }
  if (journal.size() >= (size_t{1} << 28)) return "journal too long";
  const auto& heights = seal.image.preprocessed_log_heights;
  if (heights.size() != std::size(kFixedTables)) {
    return "the seal lists the wrong number of fixed tables";
  }
  out->vk.config = config;
  out->vk.preprocessed_log_heights.assign(kNumTables, 0);
  for (size_t i = 0; i < heights.size(); ++i) {
    if (heights[i] == 0 || heights[i] > 30) return "invalid fixed-table height";
    out->vk.preprocessed_log_heights[kFixedTables[i]] = heights[i];
  }
  out->vk.preprocessed_root = seal.image.preprocessed_root;
  if (!ZeroInitRangeIsSound(seal.image.image_end_word, StackImageWord(seal.image.initial_sp))) {
    return "the image's layout puts zero-initialised memory outside what the circuit can check";
  }
  CircuitPublics publics;
  publics.entry_pc = seal.image.entry_pc;
  publics.exit_code = exit_code;
  publics.journal_length = static_cast<uint32_t>(journal.size());
  publics.journal_digest = JournalDigestOf(journal);
  publics.image_end_word = seal.image.image_end_word;
  publics.stack_image_word = StackImageWord(seal.image.initial_sp);
  out->public_values = PublicValues(publics);
  out->proof = stark::DeserializeProof(seal.stark_proof);
  return std::nullopt;
}

}  // namespace

stark::VerifyResult VerifyExecution(std::span<const uint8_t> seal,
                                    std::span<const uint8_t, 32> image_id,
                                    std::span<const uint8_t> journal, uint32_t exit_code) {
  return VerifyExecution(seal, image_id, journal, exit_code, stark::DefaultConfig());
}

stark::VerifyResult VerifyExecution(std::span<const uint8_t> seal_bytes,
                                    std::span<const uint8_t, 32> image_id,
                                    std::span<const uint8_t> journal, uint32_t exit_code,
                                    const stark::StarkConfig& config) {
  try {
    Instance instance;
    if (auto reason = DecodeInstance(seal_bytes, image_id, journal, exit_code, config, &instance)) {
      return {false, *reason};
    }
    const std::vector<const stark::Table*> list = instance.tables.List();
    stark::VerifyResult result =
        stark::Verify(instance.vk, list, instance.public_values, instance.proof);
    if (!result.ok) return result;
    const std::optional<BabyBear4> expected = ExpectedJournalSum(
        LogUpChallenges(instance.vk, list, instance.public_values, instance.proof), journal);
    if (!expected || *expected != instance.proof.cumulative_sums[kJournalTable]) {
      return {false, "the proven journal differs from the claimed journal"};
    }
    return result;
  } catch (const std::exception& e) {
    return {false, std::string("invalid seal: ") + e.what()};
  }
}

std::optional<std::array<BabyBear4, 2>> JournalChallenges(std::span<const uint8_t> seal,
                                                          std::span<const uint8_t, 32> image_id,
                                                          std::span<const uint8_t> journal,
                                                          uint32_t exit_code,
                                                          const stark::StarkConfig& config) {
  try {
    Instance instance;
    if (DecodeInstance(seal, image_id, journal, exit_code, config, &instance)) return std::nullopt;
    return LogUpChallenges(instance.vk, instance.tables.List(), instance.public_values,
                           instance.proof);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace prova::rv32im
