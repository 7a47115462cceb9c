#include "prover/rv32im/alu_trace.h"

#include <tbb/parallel_sort.h>

#include <algorithm>
#include <bit>
#include <compare>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/error.h"
#include "prover/rv32im/alu_trace_util.h"
#include "verifier/rv32im/alu_add_sub_air.h"
#include "verifier/rv32im/alu_less_than_air.h"
#include "verifier/rv32im/bitwise_air.h"

namespace prova::rv32im {
namespace {

using namespace alu_trace;

void FillAddSub(AddSubCols<BabyBear>& row, Opcode op, uint32_t b, uint32_t c, ByteCounter* bytes,
                uint64_t times) {
  const bool sub = op == Opcode::kSub;
  const uint32_t x = sub ? b : b + c;
  const uint32_t y = sub ? b - c : b;
  row.is_sub = Fe(sub);
  SetWord(row.x, x);
  SetWord(row.y, y);
  SetWord(row.z, c);
  for (uint32_t w : {x, y, c}) {
    bytes->Range(Byte(w, 0), Byte(w, 1), times);
    bytes->Range(Byte(w, 2), Byte(w, 3), times);
  }
}

void FillBitwise(BitwiseCols<BabyBear>& row, Opcode op, uint32_t b, uint32_t c, ByteCounter* bytes,
                 uint64_t times) {
  row.is_or = Fe(op == Opcode::kOr);
  row.is_xor = Fe(op == Opcode::kXor);
  SetWord(row.b, b);
  SetWord(row.c, c);
  SetWord(row.b_and_c, b & c);
  for (int i = 0; i < 4; ++i) bytes->And(Byte(b, i), Byte(c, i), times);
}

void FillLessThan(LessThanCols<BabyBear>& row, Opcode op, uint32_t b, uint32_t c,
                  ByteCounter* bytes, uint64_t times) {
  const bool slt = op == Opcode::kSlt;
  const uint32_t flip = slt ? 0x80000000u : 0;
  const uint32_t diff = (b ^ flip) - (c ^ flip);
  const uint32_t msb_b = b >> 31, msb_c = c >> 31;
  row.is_slt = Fe(slt);
  row.lt = Fe(AluReference(op, b, c));
  SetWord(row.b, b);
  SetWord(row.c, c);
  row.msb_b = Fe(msb_b);
  row.msb_c = Fe(msb_c);
  row.diff_lo = Fe(diff & 0xffff);
  row.diff_hi = Fe(diff >> 16);
  bytes->Range(Byte(b, 0), Byte(b, 1), times);
  bytes->Range(Byte(b, 2), Byte(c, 2), times);
  bytes->Range(Byte(c, 0), Byte(c, 1), times);
  bytes->Range(Byte(b, 3), Byte(c, 3), times);
  bytes->Range(2 * Byte(b, 3) - 256 * msb_b, 2 * Byte(c, 3) - 256 * msb_c, times);
  bytes->U16(diff & 0xffff, times);
  bytes->U16(diff >> 16, times);
}

struct EventHash {
  size_t operator()(const AluEvent& e) const {
    uint64_t h = (uint64_t{e.b} << 32 | e.c) * 0x9e3779b97f4a7c15ull;
    return static_cast<size_t>(h ^ (h >> 29) ^ OpcodeId(e.op));
  }
};

}  // namespace

AluTable TableOf(Opcode op) {
  switch (op) {
    case Opcode::kAdd:
    case Opcode::kSub:
      return AluTable::kAddSub;
    case Opcode::kXor:
    case Opcode::kOr:
    case Opcode::kAnd:
      return AluTable::kBitwise;
    case Opcode::kSlt:
    case Opcode::kSltu:
      return AluTable::kLessThan;
    case Opcode::kSll:
    case Opcode::kSrl:
    case Opcode::kSra:
      return AluTable::kShift;
    case Opcode::kMul:
    case Opcode::kMulh:
    case Opcode::kMulhsu:
    case Opcode::kMulhu:
      return AluTable::kMul;
    case Opcode::kDiv:
    case Opcode::kDivu:
    case Opcode::kRem:
    case Opcode::kRemu:
      return AluTable::kDivRem;
    default:
      throw Error("not an ALU opcode: " + std::string(OpcodeName(op)));
  }
}

Matrix GenerateAddSubTrace(std::span<const AluRow> rows, ByteCounter* bytes) {
  return BuildTable<AddSubCols>(rows, AluTable::kAddSub, Opcode::kAdd, FillAddSub, bytes);
}

Matrix GenerateBitwiseTrace(std::span<const AluRow> rows, ByteCounter* bytes) {
  return BuildTable<BitwiseCols>(rows, AluTable::kBitwise, Opcode::kAnd, FillBitwise, bytes);
}

Matrix GenerateLessThanTrace(std::span<const AluRow> rows, ByteCounter* bytes) {
  return BuildTable<LessThanCols>(rows, AluTable::kLessThan, Opcode::kSltu, FillLessThan, bytes);
}

// By sorting packed keys rather than with a hash map: a 2^20-cycle proof has about a million
// events and up to half a million distinct ones, and a map node per distinct one is slow.
std::vector<AluRow> CountAluRows(std::span<const AluEvent> events) {
  struct Keyed {
    uint64_t operands;  // b << 32 | c
    uint32_t op;
    uint32_t first;  // index of the event
    auto operator<=>(const Keyed&) const = default;
  };
  std::vector<Keyed> keyed(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const AluEvent& e = events[i];
    keyed[i] = {uint64_t{e.b} << 32 | e.c, static_cast<uint32_t>(e.op), static_cast<uint32_t>(i)};
  }
  // By operands, then by first occurrence: a total order (the indices differ), so the parallel
  // sort gives the one result. A million events took a tenth of a second on one core.
  tbb::parallel_sort(keyed.begin(), keyed.end());
  struct Group {
    uint32_t first;
    uint64_t count;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < keyed.size();) {
    size_t j = i + 1;
    while (j < keyed.size() && keyed[j].operands == keyed[i].operands &&
           keyed[j].op == keyed[i].op) {
      ++j;
    }
    groups.push_back({keyed[i].first, j - i});
    i = j;
  }
  tbb::parallel_sort(groups.begin(), groups.end(),
                     [](const Group& x, const Group& y) { return x.first < y.first; });
  std::vector<AluRow> rows;
  rows.reserve(groups.size());
  for (const Group& g : groups) {
    const AluEvent& e = events[g.first];
    rows.push_back({e.op, e.b, e.c, g.count});
  }
  return rows;
}

std::vector<AluRow> MergeAluRows(std::span<const AluRow> x, std::span<const AluRow> y) {
  std::unordered_map<AluEvent, size_t, EventHash> index;
  std::vector<AluRow> rows;
  for (auto list : {x, y}) {
    for (const AluRow& row : list) {
      auto [it, inserted] = index.try_emplace(AluEvent{row.op, row.b, row.c}, rows.size());
      if (inserted) {
        rows.push_back(row);
      } else {
        rows[it->second].multiplicity += row.multiplicity;
      }
    }
  }
  return rows;
}

StartedAluTraces StartAluTraces(std::span<const AluEvent> events, ByteCounter* bytes) {
  std::vector<AluRow> per_table[kNumAluTables];
  for (const AluRow& row : CountAluRows(events)) {
    per_table[static_cast<size_t>(TableOf(row.op))].push_back(row);
  }
  StartedAluTraces started;
  started.less_than_rows = std::move(per_table[static_cast<size_t>(AluTable::kLessThan)]);
  // The remainder bounds of the divisions are lookups into the less-than table too.
  const auto& divrem_rows = per_table[static_cast<size_t>(AluTable::kDivRem)];
  if (!divrem_rows.empty()) {
    std::vector<AluEvent> bounds = DivRemBoundEvents(divrem_rows);
    started.less_than_rows = MergeAluRows(started.less_than_rows, CountAluRows(bounds));
  }
  AluTraces& t = started.traces;
  for (size_t i = 0; i < kNumAluTables; ++i) {
    if (i != static_cast<size_t>(AluTable::kLessThan)) t.used_rows[i] = per_table[i].size();
  }
  t.add_sub = GenerateAddSubTrace(per_table[0], bytes);
  t.bitwise = GenerateBitwiseTrace(per_table[1], bytes);
  t.shift = GenerateShiftTrace(per_table[3], bytes);
  t.mul = GenerateMulTrace(per_table[4], bytes);
  t.divrem = GenerateDivRemTrace(per_table[5], bytes);
  return started;
}

AluTraces FinishAluTraces(StartedAluTraces started, std::span<const AluEvent> less_than_events,
                          ByteCounter* bytes) {
  std::vector<AluRow>& rows = started.less_than_rows;
  if (!less_than_events.empty()) rows = MergeAluRows(rows, CountAluRows(less_than_events));
  started.traces.used_rows[static_cast<size_t>(AluTable::kLessThan)] = rows.size();
  started.traces.less_than = GenerateLessThanTrace(rows, bytes);
  return std::move(started.traces);
}

AluTraces GenerateAluTraces(std::span<const AluEvent> events, ByteCounter* bytes) {
  return FinishAluTraces(StartAluTraces(events, bytes), {}, bytes);
}

}  // namespace prova::rv32im
