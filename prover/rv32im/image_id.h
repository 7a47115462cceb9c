#pragma once

// The image ID of a loaded program (docs/image-id.md).

#include "verifier/rv32im/image_id.h"
#include "vm/elf_loader.h"

namespace prova::rv32im {

// Builds the circuit's fixed columns for `image` and hashes their commitment with the entry pc,
// the initial sp and the image's extent. Throws prova::Error if the image is not provable (e.g.
// a segment that the circuit's memory layout cannot hold).
ImageId ComputeImageId(const vm::ProgramImage& image);

}  // namespace prova::rv32im
