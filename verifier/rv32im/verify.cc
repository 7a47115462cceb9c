#include "verifier/rv32im/verify.h"

#include <algorithm>
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

// The journal table's cumulative sum for the public journal (io_air.h), under the LogUp
// challenges of this proof, drawn by replaying the STARK transcript up to them
// (verifier/stark/verifier.cc: instance, fixed-column root, main root, then alpha and beta).
std::optional<BabyBear4> ExpectedJournalSum(const stark::VerifyingKey& vk,
                                            std::span<const stark::Table* const> tables,
                                            std::span<const std::vector<BabyBear>> pv,
                                            const stark::StarkProof& proof,
                                            std::span<const uint8_t> journal) {
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
    Seal seal = DecodeSeal(seal_bytes);
    const ImageId computed = ImageIdFromParts(seal.image);
    if (!std::equal(computed.begin(), computed.end(), image_id.begin())) {
      return {false, "the seal is for another image ID"};
    }
    if (journal.size() >= (size_t{1} << 28)) return {false, "journal too long"};
    const auto& heights = seal.image.preprocessed_log_heights;
    if (heights.size() != std::size(kFixedTables)) {
      return {false, "the seal lists the wrong number of fixed tables"};
    }
    stark::VerifyingKey vk;
    vk.config = config;
    vk.preprocessed_log_heights.assign(kNumTables, 0);
    for (size_t i = 0; i < heights.size(); ++i) {
      if (heights[i] == 0 || heights[i] > 30) return {false, "invalid fixed-table height"};
      vk.preprocessed_log_heights[kFixedTables[i]] = heights[i];
    }
    vk.preprocessed_root = seal.image.preprocessed_root;

    CircuitTables<VerifierTable, stark::Table> tables(ProgramAir{}, MemoryInitAir{});
    CircuitPublics publics;
    publics.entry_pc = seal.image.entry_pc;
    publics.exit_code = exit_code;
    publics.journal_length = static_cast<uint32_t>(journal.size());
    publics.image_end_word = seal.image.image_end_word;
    publics.stack_image_word = StackImageWord(seal.image.initial_sp);
    const std::vector<std::vector<BabyBear>> pv = PublicValues(publics);
    const std::vector<const stark::Table*> list = tables.List();
    const stark::StarkProof proof = stark::DeserializeProof(seal.stark_proof);
    stark::VerifyResult result = stark::Verify(vk, list, pv, proof);
    if (!result.ok) return result;
    const std::optional<BabyBear4> expected = ExpectedJournalSum(vk, list, pv, proof, journal);
    if (!expected || *expected != proof.cumulative_sums[kJournalTable]) {
      return {false, "the proven journal differs from the claimed journal"};
    }
    return result;
  } catch (const std::exception& e) {
    return {false, std::string("invalid seal: ") + e.what()};
  }
}

}  // namespace prova::rv32im
