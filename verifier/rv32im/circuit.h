#pragma once

// The tables of the RV32IM circuit, in their fixed order (the order of the proof), and their
// public values. The verifier instantiates them with empty fixed columns; the prover with the
// image's (prover/rv32im/fixed_columns.h).

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "verifier/air/blinding.h"
#include "verifier/field/babybear.h"
#include "verifier/rv32im/alu_add_sub_air.h"
#include "verifier/rv32im/alu_divrem_air.h"
#include "verifier/rv32im/alu_less_than_air.h"
#include "verifier/rv32im/alu_mul_air.h"
#include "verifier/rv32im/alu_shift_air.h"
#include "verifier/rv32im/bitwise_air.h"
#include "verifier/rv32im/byte_air.h"
#include "verifier/rv32im/cpu_air.h"
#include "verifier/rv32im/ecall_air.h"
#include "verifier/rv32im/io_air.h"
#include "verifier/rv32im/memory_air.h"
#include "verifier/rv32im/program_air.h"
#include "verifier/stark/table.h"

namespace prova::rv32im {

enum TableIndex : size_t {
  kProgramTable,
  kMemoryImageTable,
  kByteTable,
  kCpuTable,
  kZeroInitTable,
  kAddSubTable,
  kBitwiseTable,
  kLessThanTable,
  kShiftTable,
  kMulTable,
  kDivRemTable,
  kIoWordTable,
  kJournalTable,
  kReadCallTable,
  kEcallTable,
  kNumTables
};

// The tables with fixed columns, in table order: their log heights are part of the image ID.
inline constexpr TableIndex kFixedTables[] = {kProgramTable, kMemoryImageTable, kByteTable};

// The tables whose LogUp sums are blinded (air/blinding.h): all but the journal table, whose sum
// the verifier recomputes from the public journal.
inline constexpr bool IsBlinded(TableIndex t) { return t != kJournalTable; }

// The tables whose blinding cells are columns they have anyway, free on padding rows, on their
// last row, which is always padding (BlindingColumns below). In all of them but the memory image,
// whose is_real is a fixed column, is_real is the first main column (kIsRealColumn).
inline constexpr TableIndex kSharedBlindingTables[] = {
    kCpuTable, kMemoryImageTable, kZeroInitTable, kIoWordTable, kReadCallTable, kEcallTable};
inline constexpr size_t kIsRealColumn = 0;
static_assert(offsetof(CpuCols<air::ColumnSlot>, is_real) == kIsRealColumn &&
              offsetof(ZeroInitCols<air::ColumnSlot>, is_real) == kIsRealColumn &&
              offsetof(IoWordCols<air::ColumnSlot>, is_real) == kIsRealColumn &&
              offsetof(ReadCallCols<air::ColumnSlot>, is_real) == kIsRealColumn &&
              offsetof(EcallCols<air::ColumnSlot>, is_real) == kIsRealColumn);

// The main columns whose cells offset table t's LogUp sum, which the prover fills on the table's
// last row: in kSharedBlindingTables, columns free on padding rows (each table's k...Blinding
// says which and why); in the others, their trailing air::BlindingCols.
inline air::BlindingColumns BlindingColumns(TableIndex t, size_t main_width) {
  switch (t) {
    case kCpuTable:
      return kCpuBlinding;
    case kMemoryImageTable:
      return kMemoryImageBlinding;
    case kZeroInitTable:
      return kZeroInitBlinding;
    case kIoWordTable:
      return kIoWordBlinding;
    case kReadCallTable:
      return kReadCallBlinding;
    case kEcallTable:
      return kEcallBlinding;
    default:
      return air::TrailingBlindingColumns(main_width);
  }
}

template <class A>
using VerifierTable = stark::AirTable<A>;

// Wrap is stark::AirTable-like (VerifierTable, or stark::ProverAirTable on the prover side);
// Base is its interface (stark::Table or stark::ProverTable).
template <template <class> class Wrap, class Base>
struct CircuitTables {
  Wrap<ProgramAir> program;
  Wrap<MemoryInitAir> memory_image;
  Wrap<ByteAir> byte{ByteAir{}};
  Wrap<CpuAir> cpu{CpuAir{}};
  Wrap<ZeroInitAir> zero_init{ZeroInitAir{}};
  Wrap<AddSubAir> add_sub{AddSubAir{}};
  Wrap<BitwiseAir> bitwise{BitwiseAir{}};
  Wrap<LessThanAir> less_than{LessThanAir{}};
  Wrap<ShiftAir> shift{ShiftAir{}};
  Wrap<MulAir> mul{MulAir{}};
  Wrap<DivRemAir> divrem{DivRemAir{}};
  Wrap<IoWordAir> io_words{IoWordAir{}};
  Wrap<JournalAir> journal{JournalAir{}};
  Wrap<ReadCallAir> read_call{ReadCallAir{}};
  Wrap<EcallAir> ecall{EcallAir{}};

  CircuitTables(ProgramAir p, MemoryInitAir m)
      : program(std::move(p)), memory_image(std::move(m)) {}
  CircuitTables(const CircuitTables&) = delete;
  CircuitTables& operator=(const CircuitTables&) = delete;

  std::vector<const Base*> List() const {
    return {&program, &memory_image, &byte,      &cpu,       &zero_init,
            &add_sub, &bitwise,      &less_than, &shift,     &mul,
            &divrem,  &io_words,     &journal,   &read_call, &ecall};
  }
  std::vector<std::string_view> Names() const {
    std::vector<std::string_view> names;
    for (const Base* t : List()) names.push_back(t->name());
    return names;
  }
};

// What the public values of the tables state.
struct CircuitPublics {
  uint32_t entry_pc = 0;
  uint32_t exit_code = 0;
  uint32_t journal_length = 0;
  JournalDigest journal_digest{};  // JournalDigestOf(journal)
  uint32_t image_end_word = 0;
  uint32_t stack_image_word = 0;
};

// The highest break brk accepts: the bottom of the emulator's 8 MiB stack (vm/memory.h
// kStackBottom, vm/ABI.md). The lowest is the end of the image, image_end_word * 4.
inline constexpr uint32_t kHeapLimit = 0x80000000u - (8u << 20);

// The lowest word index of the initial stack image: the page holding the initial sp.
inline constexpr uint32_t StackImageWord(uint32_t initial_sp) { return (initial_sp & ~0xfffu) / 4; }

inline std::vector<std::vector<BabyBear>> PublicValues(const CircuitPublics& p) {
  std::vector<std::vector<BabyBear>> pv(kNumTables);
  pv[kCpuTable] = {BabyBear::from_u64(p.entry_pc)};
  for (int k = 0; k < 4; ++k) {
    pv[kCpuTable].push_back(BabyBear::from_canonical((p.exit_code >> (8 * k)) & 0xff));
  }
  pv[kEcallTable] = {BabyBear::from_u64(p.journal_length)};
  for (const uint32_t word : {p.image_end_word * 4, kHeapLimit}) {
    for (int k = 0; k < 4; ++k) {
      pv[kEcallTable].push_back(BabyBear::from_canonical((word >> (8 * k)) & 0xff));
    }
  }
  pv[kZeroInitTable] = {BabyBear::from_u64(p.image_end_word),
                        BabyBear::from_u64(p.stack_image_word)};
  for (const uint8_t byte : p.journal_digest) {
    pv[kJournalTable].push_back(BabyBear::from_canonical(byte));
  }
  return pv;
}

}  // namespace prova::rv32im
