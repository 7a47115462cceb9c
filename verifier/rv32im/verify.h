#pragma once

// Verification of a whole-program RV32IM execution proof (docs/rv32im-circuit.md).
//
//   stark::VerifyResult r = rv32im::VerifyExecution(seal, image_id, journal, exit_code);
//   if (!r) std::cerr << r.reason;
//
// Accepts only if the seal proves that the program with this image ID, run from its entry point
// on some private input, wrote exactly `journal` to fd 3 and exited with `exit_code`. Never aborts
// on hostile bytes: every failure is a rejection with a reason.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "verifier/field/extension.h"
#include "verifier/stark/config.h"
#include "verifier/stark/verifier.h"

namespace prova::rv32im {

// With stark::DefaultConfig().
stark::VerifyResult VerifyExecution(std::span<const uint8_t> seal,
                                    std::span<const uint8_t, 32> image_id,
                                    std::span<const uint8_t> journal, uint32_t exit_code);

// With an explicit proof configuration (tests use stark::TestConfig(); a seal made under another
// configuration is rejected).
stark::VerifyResult VerifyExecution(std::span<const uint8_t> seal,
                                    std::span<const uint8_t, 32> image_id,
                                    std::span<const uint8_t> journal, uint32_t exit_code,
                                    const stark::StarkConfig& config);

// The LogUp challenges (alpha, beta) under which VerifyExecution compares the journal table with
// `journal`, replayed from the seal's transcript; nullopt for a seal it would reject before
// that. They depend on the journal itself (its SHA-256 is a public value of the journal table,
// io_air.h): drawn before a journal is chosen, not after. For tests.
std::optional<std::array<BabyBear4, 2>> JournalChallenges(std::span<const uint8_t> seal,
                                                          std::span<const uint8_t, 32> image_id,
                                                          std::span<const uint8_t> journal,
                                                          uint32_t exit_code,
                                                          const stark::StarkConfig& config);

}  // namespace prova::rv32im
