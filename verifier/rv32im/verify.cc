#include "verifier/rv32im/verify.h"

namespace prova::rv32im {

stark::VerifyResult VerifyExecution(std::span<const uint8_t> seal,
                                    std::span<const uint8_t, 32> image_id,
                                    std::span<const uint8_t> journal, uint32_t exit_code) {
  return VerifyExecution(seal, image_id, journal, exit_code, stark::DefaultConfig());
}

stark::VerifyResult VerifyExecution(std::span<const uint8_t>, std::span<const uint8_t, 32>,
                                    std::span<const uint8_t>, uint32_t,
                                    const stark::StarkConfig&) {
  return {false, "not implemented"};
}

}  // namespace prova::rv32im
