#pragma once

// The circuit's fixed columns for one image: the decoded program table and the initial memory
// table (image pages, the initial stack page and the registers), plus the layout facts the image
// ID commits to. Built on the host from the loaded image, identically by ComputeImageId and by
// the prover.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"
#include "verifier/rv32im/program_air.h"
#include "vm/elf_loader.h"

namespace prova::rv32im {

// One decoded instruction, as in a program-table row.
struct DecodedRow {
  uint32_t pc = 0;
  uint32_t rd = 0, rs1 = 0, rs2 = 0;
  uint32_t imm = 0;
  uint32_t rd_const = 0;
  uint32_t target = 0;
  uint32_t alu_op = 0;
  uint32_t flags = 0;
  bool provable = true;  // false: the circuit cannot execute this word (ebreak, other CSRs, data)
  bool flag(CpuFlag f) const { return (flags >> f) & 1; }
};

struct FixedColumns {
  uint32_t entry_pc = 0;
  uint32_t initial_sp = 0;
  uint32_t image_end_word = 0;    // zero-init memory starts here
  uint32_t stack_image_word = 0;  // ... and ends here

  std::vector<DecodedRow> program;                   // row order
  std::unordered_map<uint32_t, size_t> program_row;  // pc -> row
  std::vector<uint32_t> memory_addresses;            // MEMORY-bus address per init row
  std::vector<uint32_t> memory_values;               // initial value per init row

  air::RowMajorMatrix<BabyBear> program_fixed;  // ProgramCols, padded to a power of two
  air::RowMajorMatrix<BabyBear> memory_fixed;   // MemoryInitCols, padded likewise
};

// The bytes of [first segment's page, end of the last segment rounded up to a page): what the
// memory image table holds a row for every word of (code, data and .bss alike).
uint64_t ImageSpanBytes(const vm::ProgramImage& image);

// Decodes one instruction word at pc.
DecodedRow DecodeForCircuit(uint32_t pc, uint32_t word);

// The field value of a JAL or branch target (pc + imm modulo 2^32, as the hart computes it). A
// target at or above p would reduce to a smaller integer that can be a program pc, where the hart
// jumps outside the program; such targets get 2^30 + 2, which no program pc is (they are aligned
// and below 2^30), so the jump can never be proven to land.
inline BabyBear TargetField(uint32_t target) {
  constexpr uint32_t kNoProgramPc = (1u << 30) + 2;
  return BabyBear::from_u64(target < BabyBear::kPrime ? target : kNoProgramPc);
}

// Throws prova::Error if the image's layout is outside what the circuit supports (code at or
// above 2^30, segments overlapping the initial stack page).
FixedColumns BuildFixedColumns(const vm::ProgramImage& image);

}  // namespace prova::rv32im
