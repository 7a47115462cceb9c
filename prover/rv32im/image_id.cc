#include "prover/rv32im/image_id.h"

#include <vector>

#include "prover/rv32im/fixed_columns.h"
#include "prover/stark/prover.h"
#include "verifier/rv32im/circuit.h"

namespace prova::rv32im {

ImageId ComputeImageId(const vm::ProgramImage& image) {
  FixedColumns fixed = BuildFixedColumns(image);
  ImageIdParts parts;
  parts.entry_pc = fixed.entry_pc;
  parts.initial_sp = fixed.initial_sp;
  parts.image_end_word = fixed.image_end_word;
  CircuitTables<stark::ProverAirTable, stark::ProverTable> tables(
      ProgramAir{std::move(fixed.program_fixed)}, MemoryInitAir{std::move(fixed.memory_fixed)});
  const std::vector<const stark::ProverTable*> list = tables.List();
  // The commitment depends only on the LDE parameters (blowup, zero knowledge), which every
  // supported configuration shares with DefaultConfig().
  stark::ProvingKey pk = stark::Setup(stark::DefaultConfig(), list);
  parts.preprocessed_root = *pk.vk.preprocessed_root;
  for (TableIndex t : kFixedTables) {
    parts.preprocessed_log_heights.push_back(
        static_cast<uint32_t>(pk.vk.preprocessed_log_heights[t]));
  }
  return ImageIdFromParts(parts);
}

}  // namespace prova::rv32im
