#include "verifier/rv32im/verify.h"

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "common/error.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/rv32im/image_id.h"
#include "verifier/rv32im/seal.h"

namespace prova::rv32im {

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
    // This version of the circuit proves executions that write no journal (no write syscall to
    // fd 3 is provable yet), so the only journal it can attest is the empty one.
    if (!journal.empty()) {
      return {false, "this circuit version proves only executions with an empty journal"};
    }
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
    publics.image_end_word = seal.image.image_end_word;
    publics.stack_image_word = StackImageWord(seal.image.initial_sp);
    const std::vector<std::vector<BabyBear>> pv = PublicValues(publics);
    const std::vector<const stark::Table*> list = tables.List();
    return stark::Verify(vk, list, pv, seal.stark_proof);
  } catch (const std::exception& e) {
    return {false, std::string("invalid seal: ") + e.what()};
  }
}

}  // namespace prova::rv32im
