#pragma once

// The image ID of a program (docs/image-id.md): a SHA-256 digest binding everything the circuit
// takes from the image. The prover computes it from the ELF (prover/rv32im/image_id.h); the
// verifier recomputes it from the verifying-key data carried in a seal and compares.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "verifier/hash/sponge.h"

namespace prova::rv32im {

using ImageId = std::array<uint8_t, 32>;

inline constexpr char kImageIdDomain[] = "PROVA-IMAGE-V1";

// What the image ID commits to.
struct ImageIdParts {
  uint32_t entry_pc = 0;
  uint32_t initial_sp = 0;
  // First word index above every segment (end of the highest segment, rounded up to a 4 KiB page,
  // / 4; the memory image table holds every word from the first segment's page up to it): memory
  // that the image does not initialise lies in [image_end_word, (initial_sp & ~0xFFF) / 4).
  // docs/image-id.md.
  uint32_t image_end_word = 0;
  hash::Digest preprocessed_root{};  // commitment to the fixed columns of the circuit
  // log2 of the height of every table of the circuit that has fixed columns, in table order.
  std::vector<uint32_t> preprocessed_log_heights;
};

// SHA-256("PROVA-IMAGE-V1" || entry_pc || initial_sp || image_end_word || root (8 x u32) ||
// count || log heights (u32 each)), integers little-endian.
ImageId ImageIdFromParts(const ImageIdParts& parts);

}  // namespace prova::rv32im
