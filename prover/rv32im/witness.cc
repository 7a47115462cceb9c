#include "prover/rv32im/witness.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/error.h"
#include "prover/rv32im/alu_events.h"
#include "prover/rv32im/alu_trace.h"
#include "prover/rv32im/byte_trace.h"
#include "prover/stark/blinding.h"
#include "prover/stark/zeroed_matrix.h"
#include "verifier/rv32im/opcodes.h"
#include "verifier/stark/layout.h"
#include "vm/memory.h"

namespace prova::rv32im {
namespace {

// The ALU lookups of the CPU rows, from the trace: (alu_op, rs1, imm or rs2) of every step whose
// instruction sends one. Steps outside the program or not provable are skipped (the CPU loop
// refuses them).
std::vector<AluEvent> CpuAluEvents(const FixedColumns& fixed, const vm::Trace& trace) {
  std::vector<AluEvent> events;
  events.reserve(trace.steps.size());
  for (const vm::TraceStep& step : trace.steps) {
    const auto it = fixed.program_row.find(step.pc);
    if (it == fixed.program_row.end()) continue;
    const DecodedRow& d = fixed.program[it->second];
    if (!d.provable || !d.flag(kFlagAluSend)) continue;
    events.push_back(AluEvent{static_cast<Opcode>(d.alu_op), step.rs1_value,
                              d.flag(kFlagImm) ? d.imm : step.rs2_value});
  }
  return events;
}

// The height of a table of `rows` rows. The CPU's rows are bounded by the cycles, but a read or a
// journal write adds rows (io words, journal bytes, memory words first touched) by its byte count,
// so the height a verifier accepts is checked here.
size_t CheckedTableHeight(size_t rows) {
  if (rows > (size_t{1} << stark::kMaxLogHeight)) {
    throw Error(fmt::format(
        "not provable: a table of {} rows (input or journal buffers, or memory first touched); "
        "one proof's tables hold at most 2^{} rows",
        rows, stark::kMaxLogHeight));
  }
  return PaddedTableHeight(rows);
}

BabyBear Fe(uint64_t v) { return BabyBear::from_u64(v); }

void SetWord(BabyBear (&limbs)[4], uint32_t v) {
  for (int k = 0; k < 4; ++k) limbs[k] = Fe((v >> (8 * k)) & 0xff);
}

static_assert(kHeapLimit == vm::kStackBottom, "the circuit's highest break is the emulator's");

struct Cell {
  uint32_t value = 0;
  uint32_t timestamp = 0;
};

// The circuit's memory: every MEMORY-bus address with its current value and timestamp.
class MemoryState {
 public:
  explicit MemoryState(const FixedColumns& fixed) : fixed_(fixed) {
    for (size_t i = 0; i < fixed.memory_addresses.size(); ++i) {
      cells_[fixed.memory_addresses[i]] = Cell{fixed.memory_values[i], 0};
    }
  }
  // Accesses `address` at `ts`, writing `value` (the old value for a read); returns the previous
  // cell.
  Cell Access(uint32_t address, uint32_t ts, std::optional<uint32_t> value) {
    auto it = cells_.find(address);
    if (it == cells_.end()) {
      if (address < fixed_.image_end_word || address >= fixed_.stack_image_word) {
        throw Error(fmt::format(
            "not provable: access to address 0x{:x} outside the image and the heap/stack range",
            uint64_t{address} * 4));
      }
      it = cells_.emplace(address, Cell{}).first;
      zero_init_.push_back(address);
    }
    const Cell prev = it->second;
    it->second = Cell{value.value_or(prev.value), ts};
    return prev;
  }
  uint32_t Peek(uint32_t address) const {
    auto it = cells_.find(address);
    return it == cells_.end() ? 0 : it->second.value;
  }
  const Cell& At(uint32_t address) const { return cells_.at(address); }
  std::vector<uint32_t> ZeroInitAddresses() const {
    std::vector<uint32_t> a = zero_init_;
    std::sort(a.begin(), a.end());
    return a;
  }

 private:
  const FixedColumns& fixed_;
  std::unordered_map<uint32_t, Cell> cells_;
  std::vector<uint32_t> zero_init_;
};

template <template <class> class Cols>
Cols<BabyBear>& RowAt(air::RowMajorMatrix<BabyBear>& m, size_t r) {
  return *reinterpret_cast<Cols<BabyBear>*>(m.row(r).data());
}

void TimestampDiffWitness(uint32_t ts, uint32_t prev_ts, BabyBear (&diff)[2], ByteCounter* bytes,
                          bool counted) {
  PROVA_CHECK(prev_ts < ts && ts - prev_ts - 1 < (1u << 24), "timestamp order");
  const uint32_t d = ts - prev_ts - 1;
  diff[0] = Fe(d & 0xffff);
  diff[1] = Fe(d >> 16);
  if (counted) bytes->U16(d & 0xffff);
}

// The rows, then zero (padding) rows: at least one, the last, which holds the table's blinding
// cells (BlindingColumns: the ecall, read-call and io-word tables use columns free there).
template <template <class> class Cols>
air::RowMajorMatrix<BabyBear> RowsToMatrix(const std::vector<Cols<BabyBear>>& rows) {
  air::RowMajorMatrix<BabyBear> m =
      stark::ZeroedMatrix<BabyBear>(CheckedTableHeight(rows.size() + 1), air::kWidth<Cols>);
  for (size_t i = 0; i < rows.size(); ++i) RowAt<Cols>(m, i) = rows[i];
  return m;
}

// The io-word rows of one read (input: `data` written at `address`) or journal write (`count`
// bytes read at `address` and appended to `journal`), all at timestamp 4 * clk + 2.
void AppendIoWords(uint32_t clk, uint32_t address, uint32_t count, const uint8_t* input,
                   std::vector<uint8_t>* journal, MemoryState* memory, ByteCounter* bytes,
                   std::vector<IoWordCols<BabyBear>>* rows) {
  const bool is_input = input != nullptr;
  const uint32_t ts = 4 * clk + 2;
  uint32_t addr = address, remaining = count;
  uint64_t journal_index = is_input ? 0 : journal->size();
  while (remaining > 0) {
    const uint32_t offset = addr & 3;
    const uint32_t n = std::min<uint32_t>(4 - offset, remaining);
    auto& row = rows->emplace_back();
    row.is_real = BabyBear::one();
    row.is_input = Fe(is_input);
    row.clk = Fe(clk);
    row.word = Fe(addr >> 2);
    row.start[offset] = BabyBear::one();
    for (uint32_t k = offset; k < offset + n; ++k) row.enabled[k] = BabyBear::one();
    row.remaining = Fe(remaining);
    row.journal_index = Fe(journal_index);
    row.last = Fe(remaining == n);
    uint32_t value = memory->Peek(addr >> 2);
    for (uint32_t k = offset; k < offset + n; ++k) {
      if (is_input) {
        value = (value & ~(0xffu << (8 * k))) | (uint32_t{*input++} << (8 * k));
      } else {
        journal->push_back(static_cast<uint8_t>(value >> (8 * k)));
      }
    }
    const Cell word = memory->Access(addr >> 2, ts, value);
    SetWord(row.value, word.value);
    SetWord(row.new_value, value);
    TimestampDiffWitness(ts, word.timestamp, row.ts_diff, bytes, true);
    bytes->Range((ts - word.timestamp - 1) >> 16, 0);
    if (is_input) {
      bytes->Range(value & 0xff, (value >> 8) & 0xff);
      bytes->Range((value >> 16) & 0xff, value >> 24);
    }
    addr += n;
    remaining -= n;
    journal_index += n;
  }
}

void AppendInputWords(uint32_t clk, uint32_t address, std::span<const uint8_t> data,
                      MemoryState* memory, ByteCounter* bytes,
                      std::vector<IoWordCols<BabyBear>>* rows) {
  static const uint8_t kNothing = 0;
  AppendIoWords(clk, address, static_cast<uint32_t>(data.size()),
                data.empty() ? &kNothing : data.data(), nullptr, memory, bytes, rows);
}

void AppendJournalWords(uint32_t clk, uint32_t address, uint32_t count,
                        std::vector<uint8_t>* journal, MemoryState* memory, ByteCounter* bytes,
                        std::vector<IoWordCols<BabyBear>>* rows) {
  AppendIoWords(clk, address, count, nullptr, journal, memory, bytes, rows);
}

}  // namespace

CircuitWitness GenerateWitness(const FixedColumns& fixed, const vm::Trace& trace,
                               uint32_t exit_code) {
  const size_t steps = trace.steps.size();
  if (steps == 0) throw Error("not provable: empty execution");
  if (steps > kMaxProvableCycles) {
    throw Error(fmt::format("not provable: {} cycles, one proof holds at most {}", steps,
                            kMaxProvableCycles));
  }
  CircuitWitness w;
  w.tables.resize(kNumTables);
  w.publics.entry_pc = fixed.entry_pc;
  w.publics.exit_code = exit_code;
  w.publics.image_end_word = fixed.image_end_word;
  w.publics.stack_image_word = fixed.stack_image_word;

  ByteCounter bytes, alu_bytes;
  std::vector<AluEvent> less_than_events;  // the ecall table's
  std::vector<uint64_t> program_counts(fixed.program.size(), 0);
  MemoryState memory(fixed);
  std::vector<IoWordCols<BabyBear>> io_rows;
  std::vector<ReadCallCols<BabyBear>> read_rows;
  std::vector<EcallCols<BabyBear>> ecall_rows;
  std::vector<uint8_t> journal;
  uint64_t journal_len = 0;
  bool input_eof = false;
  uint32_t brk = fixed.image_end_word * 4;  // the break (ecall_air.h)
  size_t next_syscall = 0;                  // cursor into trace.syscalls, which are in step order

  // At least one padding row: the last row holds the CPU's blinding cells (kCpuBlinding).
  air::RowMajorMatrix<BabyBear> cpu =
      stark::ZeroedMatrix<BabyBear>(CpuTableHeight(steps), air::kWidth<CpuCols>);
  // The ALU tables need the operands the emulator read (in the trace) and the program, not the
  // memory state, so they are built while another thread fills the CPU rows, which checks that
  // the trace's operands are its own; only the ecall table's few SLTU lookups come later
  // (FinishAluTraces). The ALU tables are built here and the rows there, not the other way
  // round, because glibc gives each thread a heap of its own: here their large buffers reuse the
  // memory that earlier proofs freed (and are freed where later ones will look). The future
  // waits for the rows if the ALU tables throw.
  std::future<void> cpu_rows = std::async(std::launch::async, [&] {
    for (size_t i = 0; i < steps; ++i) {
      const vm::TraceStep& step = trace.steps[i];
      auto pit = fixed.program_row.find(step.pc);
      if (pit == fixed.program_row.end()) {
        throw Error(fmt::format("not provable: step {} executes pc 0x{:x} outside the program", i,
                                step.pc));
      }
      const DecodedRow& d = fixed.program[pit->second];
      if (!d.provable) {
        throw Error(fmt::format("not provable: instruction 0x{:08x} at pc 0x{:x} ({})", step.insn,
                                step.pc, "not supported by the circuit"));
      }
      ++program_counts[pit->second];
      const uint32_t clk = static_cast<uint32_t>(i + 1);
      const uint32_t ts = 4 * clk;
      auto& r = RowAt<CpuCols>(cpu, i);
      r.is_real = BabyBear::one();
      r.clk = Fe(clk);
      r.pc = Fe(d.pc);
      r.rd = Fe(d.rd);
      r.rs1 = Fe(d.rs1);
      r.rs2 = Fe(d.rs2);
      SetWord(r.imm, d.imm);
      SetWord(r.rd_const, d.rd_const);
      r.target = TargetField(d.target);
      r.alu_op = Fe(d.alu_op);
      for (size_t f = 0; f < kNumCpuFlags; ++f) r.flag[f] = Fe((d.flags >> f) & 1);

      // Register reads.
      const Cell rs1 = memory.Access(kRegisterBase + d.rs1, ts, std::nullopt);
      const Cell rs2 = memory.Access(kRegisterBase + d.rs2, ts + 1, std::nullopt);
      SetWord(r.rs1_val, rs1.value);
      SetWord(r.rs2_val, rs2.value);
      TimestampDiffWitness(ts, rs1.timestamp, r.rs1_ts_diff, &bytes, true);
      TimestampDiffWitness(ts + 1, rs2.timestamp, r.rs2_ts_diff, &bytes, true);

      // ALU.
      uint32_t alu_a = 0;
      if (d.flag(kFlagAluSend)) {
        const Opcode op = static_cast<Opcode>(d.alu_op);
        const uint32_t c = d.flag(kFlagImm) ? d.imm : rs2.value;
        alu_a = AluReference(op, rs1.value, c);
        if (step.rs1_value != rs1.value || (!d.flag(kFlagImm) && step.rs2_value != rs2.value)) {
          throw Error(
              fmt::format("witness: the ALU operands of step {} disagree with the trace", i));
        }
      }
      SetWord(r.alu_a, alu_a);

      // Memory.
      const bool is_load = d.flag(kFlagLoadByte) || d.flag(kFlagLoadHalf) || d.flag(kFlagLoadWord);
      const bool is_store =
          d.flag(kFlagStoreByte) || d.flag(kFlagStoreHalf) || d.flag(kFlagStoreWord);
      uint32_t load = 0, mem_hi = 0, addr_quarter = 0, low7 = 0;
      if (is_load || is_store) {
        const uint32_t addr = alu_a;
        const uint32_t offset = addr & 3;
        addr_quarter = (addr & 0xff) >> 2;
        const uint32_t word = addr >> 2;
        const uint32_t old = memory.Peek(word);
        uint32_t value = old;
        if (d.flag(kFlagStoreWord)) value = rs2.value;
        if (d.flag(kFlagStoreHalf)) {
          const uint32_t shift = 8 * offset;
          value = (old & ~(0xffffu << shift)) | ((rs2.value & 0xffff) << shift);
        }
        if (d.flag(kFlagStoreByte)) {
          const uint32_t shift = 8 * offset;
          value = (old & ~(0xffu << shift)) | ((rs2.value & 0xff) << shift);
        }
        const Cell prev = memory.Access(word, ts + 2, value);
        SetWord(r.mem_prev, prev.value);
        SetWord(r.mem_new, value);
        TimestampDiffWitness(ts + 2, prev.timestamp, r.mem_ts_diff, &bytes, true);
        mem_hi = (ts + 2 - prev.timestamp - 1) >> 16;
        r.byte_sel[offset] = BabyBear::one();
        r.addr_quarter = Fe(addr_quarter);
        if (is_load) {
          uint32_t top = 0;
          if (d.flag(kFlagLoadWord)) {
            load = prev.value;
          } else if (d.flag(kFlagLoadHalf)) {
            const uint32_t h = (prev.value >> (8 * offset)) & 0xffff;
            top = h >> 8;
            load = (d.flag(kFlagSigned) && (h & 0x8000)) ? (h | 0xffff0000u) : h;
          } else {
            const uint32_t b = (prev.value >> (8 * offset)) & 0xff;
            top = b;
            load = (d.flag(kFlagSigned) && (b & 0x80)) ? (b | 0xffffff00u) : b;
          }
          r.load_sign = Fe(top >> 7);
          low7 = top & 0x7f;
          r.load_low7 = Fe(low7);
        }
        if (step.mem_addr != addr || step.mem_value != value) {
          throw Error(fmt::format("witness: memory access of step {} disagrees with the trace", i));
        }
      }
      bytes.Range(low7, low7 + 128);

      // Branches and jumps.
      uint32_t next_pc = d.pc + 4;
      uint32_t jalr_half = 0;
      uint32_t top_check = 0;
      if (d.flag(kFlagBranchEq) || d.flag(kFlagBranchNe)) {
        const uint32_t sum =
            (alu_a & 0xff) + ((alu_a >> 8) & 0xff) + ((alu_a >> 16) & 0xff) + (alu_a >> 24);
        r.nonzero = Fe(sum != 0);
        r.nonzero_inverse = sum != 0 ? Fe(sum).inverse() : BabyBear::zero();
      }
      bool taken = false;
      if (d.flag(kFlagBranchNe)) taken = alu_a != 0;
      if (d.flag(kFlagBranchEq)) taken = alu_a == 0;
      if (d.flag(kFlagBranchLt)) taken = alu_a == 1;
      if (d.flag(kFlagBranchGe)) taken = alu_a == 0;
      if (taken || d.flag(kFlagJal)) next_pc = d.target;
      if (d.flag(kFlagJalr)) {
        next_pc = alu_a & ~1u;
        jalr_half = (alu_a & 0xff) >> 1;
        r.jalr_half = Fe(jalr_half);
        r.jalr_bit0 = Fe(alu_a & 1);
        top_check = (alu_a >> 24) + 0x88;
        if (top_check > 0xff) throw Error("not provable: jalr target at or above 0x78000000");
      }
      bytes.Range(addr_quarter, jalr_half);
      if (d.flag(kFlagJalr)) bytes.Range(top_check, 0);
      if (step.next_pc != next_pc && !d.flag(kFlagEcall)) {
        throw Error(fmt::format("witness: next pc of step {} disagrees with the trace", i));
      }

      // Syscalls: exit in the CPU row, write and read in a row of the ecall table.
      uint32_t syscall_result = 0;
      bool syscall_writes_a0 = false;
      if (d.flag(kFlagEcall)) {
        const uint32_t number = rs1.value + d.rd_const, fd = rs2.value;
        if (number == 93 || number == 94) {
          if (i + 1 != steps) throw Error("witness: exit is not the last step");
          r.sys_exit = BabyBear::one();
          r.exit_group = Fe(number == 94);
          if (rs2.value != exit_code) throw Error("witness: exit code disagrees with a0");
        } else if ((number == 64 && fd >= 1 && fd <= 3) || (number == 63 && fd == 0) ||
                   number == 214 || number == kCounterCallNumber) {
          auto& e = ecall_rows.emplace_back();
          e.is_real = BabyBear::one();
          e.clk = Fe(clk);
          e.number = Fe(number);
          SetWord(e.a0, fd);
          e.journal_len = Fe(journal_len);
          e.input_eof = Fe(input_eof);
          SetWord(e.brk, brk);
          const Cell a1 = memory.Access(kRegisterBase + 11, ts + 2, std::nullopt);
          const Cell a2 = memory.Access(kRegisterBase + 12, ts + 2, std::nullopt);
          SetWord(e.arg1, a1.value);
          SetWord(e.arg2, a2.value);
          TimestampDiffWitness(ts + 2, a1.timestamp, e.arg1_ts_diff, &bytes, true);
          TimestampDiffWitness(ts + 2, a2.timestamp, e.arg2_ts_diff, &bytes, true);
          bytes.Range((ts + 2 - a1.timestamp - 1) >> 16, (ts + 2 - a2.timestamp - 1) >> 16);
          syscall_writes_a0 = true;
          uint32_t buf_quarter = 0, count_check = 0;
          if (number == kCounterCallNumber) {
            e.sys_counter = BabyBear::one();
            syscall_result = clk - 1;  // the steps before this one (vm: instructions retired)
            bytes.Range(syscall_result & 0xff, (syscall_result >> 8) & 0xff);
            bytes.Range(syscall_result >> 16, 0);
          } else if (number == 214) {
            // Linux's brk (vm::Machine::Brk): the break moves to a request within the heap.
            const uint32_t request = fd, heap_start = fixed.image_end_word * 4;
            if (heap_start > kHeapLimit) {
              throw Error("not provable: brk with the image's end above the stack's 8 MiB");
            }
            const bool below = request < heap_start, above = kHeapLimit < request;
            e.sys_brk = BabyBear::one();
            e.brk_below = Fe(below);
            e.brk_above = Fe(above);
            e.brk_moves = Fe(!below && !above);
            less_than_events.push_back(AluEvent{Opcode::kSltu, request, heap_start});
            less_than_events.push_back(AluEvent{Opcode::kSltu, kHeapLimit, request});
            if (!below && !above) brk = request;
            syscall_result = brk;
          } else if (number == 63) {
            while (next_syscall < trace.syscalls.size() &&
                   trace.syscalls[next_syscall].timestamp < step.timestamp) {
              ++next_syscall;
            }
            if (next_syscall == trace.syscalls.size() ||
                trace.syscalls[next_syscall].timestamp != step.timestamp) {
              throw Error(fmt::format("witness: no syscall record for the read of step {}", i));
            }
            const vm::SyscallRecord& call = trace.syscalls[next_syscall];
            const uint32_t count = a2.value, n = call.result;
            if (n > count || call.data_size != n || (input_eof && n != 0)) {
              throw Error(fmt::format("witness: read of step {} disagrees with the input", i));
            }
            if (n >= 0x78000000u) throw Error("not provable: read of 0x78000000 bytes or more");
            e.sys_read = BabyBear::one();
            e.short_read = Fe(n < count);
            buf_quarter = (a1.value & 0xff) >> 2;
            e.buf_quarter = Fe(buf_quarter);
            e.buf_sel[a1.value & 3] = BabyBear::one();
            syscall_result = n;
            less_than_events.push_back(AluEvent{Opcode::kSltu, n, count});

            auto& call_row = read_rows.emplace_back();
            call_row.is_real = BabyBear::one();
            call_row.clk = Fe(clk);
            call_row.word = Fe(a1.value >> 2);
            call_row.offset = Fe(a1.value & 3);
            SetWord(call_row.count, count);
            SetWord(call_row.n, n);
            call_row.short_read = Fe(n < count);
            call_row.n_nonzero = Fe(n != 0);
            call_row.n_inverse = n != 0 ? Fe(n).inverse() : BabyBear::zero();
            bytes.Range((n >> 24) + 0x88, 0);
            const std::span<const uint8_t> data(trace.syscall_data.data() + call.data_offset, n);
            AppendInputWords(clk, a1.value, data, &memory, &bytes, &io_rows);
            input_eof = input_eof || n < count;
          } else {
            syscall_result = a2.value;
            if (fd == 3) {
              e.sys_journal = BabyBear::one();
              const uint32_t count = a2.value;
              buf_quarter = (a1.value & 0xff) >> 2;
              e.buf_quarter = Fe(buf_quarter);
              e.buf_sel[a1.value & 3] = BabyBear::one();
              count_check = (count >> 24) + 0x88;
              if (count_check > 0xff) {
                throw Error("not provable: journal write of 2^31 bytes or more");
              }
              e.count_nonzero = Fe(count != 0);
              e.count_inverse = count != 0 ? Fe(count).inverse() : BabyBear::zero();
              AppendJournalWords(clk, a1.value, count, &journal, &memory, &bytes, &io_rows);
              journal_len += count;
            } else {
              e.sys_console = BabyBear::one();
              e.console_fd_bit = Fe(fd - 1);
            }
          }
          SetWord(e.result, syscall_result);
          bytes.Range(buf_quarter, count_check);
        } else {
          throw Error(fmt::format(
              "not provable: syscall {} (fd {}) at pc 0x{:x}: the circuit supports exit, brk, "
              "read from fd 0 and write to fd 1, 2, 3",
              number, fd, d.pc));
        }
      }

      // The rd write.
      uint32_t rd_value = 0;
      const uint32_t rd_old = memory.Peek(kRegisterBase + d.rd);
      if (d.flag(kFlagWriteAlu))
        rd_value = alu_a;
      else if (d.flag(kFlagWriteConst))
        rd_value = d.rd_const;
      else if (d.flag(kFlagWriteLoad))
        rd_value = load;
      else if (syscall_writes_a0)
        rd_value = syscall_result;
      else
        rd_value = rd_old;
      const Cell rd = memory.Access(kRegisterBase + d.rd, ts + 3, rd_value);
      SetWord(r.rd_prev, rd.value);
      SetWord(r.rd_val, rd_value);
      TimestampDiffWitness(ts + 3, rd.timestamp, r.rd_ts_diff, &bytes, true);
      bytes.Range((ts - rs1.timestamp - 1) >> 16, (ts + 1 - rs2.timestamp - 1) >> 16);
      bytes.Range((ts + 3 - rd.timestamp - 1) >> 16, mem_hi);
      if (step.rd != 0 && (step.rd != d.rd || step.rd_value != rd_value)) {
        throw Error(fmt::format("witness: rd of step {} disagrees with the trace", i));
      }
    }
  });
  StartedAluTraces started_alu = StartAluTraces(CpuAluEvents(fixed, trace), &alu_bytes);
  cpu_rows.get();
  if (RowAt<CpuCols>(cpu, steps - 1).sys_exit != BabyBear::one()) {
    throw Error("not provable: the execution does not end with exit");
  }
  // Padding rows send nothing but their lookups with multiplicity 0; all-zero rows satisfy every
  // constraint.
  w.tables[kCpuTable].main = std::move(cpu);

  // Ecalls: the clock gaps between consecutive ones (0 after the last).
  for (size_t k = 0; k < ecall_rows.size(); ++k) {
    EcallCols<BabyBear>& e = ecall_rows[k];
    const uint32_t clk = e.clk.as_canonical();
    const uint32_t next =
        k + 1 < ecall_rows.size() ? ecall_rows[k + 1].clk.as_canonical() : clk + 1;
    TimestampDiffWitness(next, clk, e.clk_gap, &bytes, true);
    bytes.Range((next - clk - 1) >> 16, 0);
  }
  air::RowMajorMatrix<BabyBear> ecalls = RowsToMatrix<EcallCols>(ecall_rows);
  for (size_t k = ecall_rows.size(); k < ecalls.height(); ++k) {  // padding keeps the state
    RowAt<EcallCols>(ecalls, k).journal_len = Fe(journal_len);
    RowAt<EcallCols>(ecalls, k).input_eof = Fe(input_eof);
    SetWord(RowAt<EcallCols>(ecalls, k).brk, brk);
  }
  w.tables[kEcallTable].main = std::move(ecalls);

  // Program multiplicities.
  air::RowMajorMatrix<BabyBear> program(fixed.program_fixed.height(),
                                        air::kWidth<ProgramMultiplicityCols>);
  for (size_t i = 0; i < program_counts.size(); ++i) program.at(i, 0) = Fe(program_counts[i]);
  w.tables[kProgramTable].main = std::move(program);

  // Final memory of the image.
  air::RowMajorMatrix<BabyBear> image_final(fixed.memory_fixed.height(),
                                            air::kWidth<MemoryFinalCols>);
  PROVA_CHECK(fixed.memory_addresses.size() < image_final.height(),
              "the memory image table's last row, which holds its blinding cells, is not padding");
  for (size_t i = 0; i < fixed.memory_addresses.size(); ++i) {
    const Cell& cell = memory.At(fixed.memory_addresses[i]);
    auto& r = RowAt<MemoryFinalCols>(image_final, i);
    SetWord(r.value, cell.value);
    r.timestamp = Fe(cell.timestamp);
  }
  w.tables[kMemoryImageTable].main = std::move(image_final);

  // Zero-initialised words.
  const std::vector<uint32_t> zero = memory.ZeroInitAddresses();
  air::RowMajorMatrix<BabyBear> zero_init(CheckedTableHeight(zero.size() + 1),
                                          air::kWidth<ZeroInitCols>);
  for (size_t i = 0; i < zero.size(); ++i) {
    const uint32_t a = zero[i];
    const Cell& cell = memory.At(a);
    auto& r = RowAt<ZeroInitCols>(zero_init, i);
    r.is_real = BabyBear::one();
    r.address = Fe(a);
    SetWord(r.value, cell.value);
    r.timestamp = Fe(cell.timestamp);
    const uint32_t above = a - fixed.image_end_word;
    const uint32_t below = fixed.stack_image_word - 1 - a;
    r.above[0] = Fe(above & 0x3fff);
    r.above[1] = Fe(above >> 14);
    r.below[0] = Fe(below & 0x3fff);
    r.below[1] = Fe(below >> 14);
    bytes.U16(above & 0x3fff);
    bytes.U16(above >> 14);
    bytes.U16(below & 0x3fff);
    bytes.U16(below >> 14);
    if (i + 1 < zero.size()) {
      const uint32_t gap = zero[i + 1] - a - 1;
      r.gap[0] = Fe(gap & 0x3fff);
      r.gap[1] = Fe(gap >> 14);
      bytes.U16(gap & 0x3fff);
      bytes.U16(gap >> 14);
    }
  }
  // The last row's "next" is row 0: its gap lookups count when row 0 is real (gap = 0).
  if (!zero.empty()) bytes.U16(0, 2);
  w.tables[kZeroInitTable].main = std::move(zero_init);

  // ALU tables, then the byte table (which counts every table's lookups).
  AluTraces alu = FinishAluTraces(std::move(started_alu), less_than_events, &bytes);
  bytes.Merge(alu_bytes);
  w.tables[kAddSubTable].main = std::move(alu.add_sub);
  w.tables[kBitwiseTable].main = std::move(alu.bitwise);
  w.tables[kLessThanTable].main = std::move(alu.less_than);
  w.tables[kShiftTable].main = std::move(alu.shift);
  w.tables[kMulTable].main = std::move(alu.mul);
  w.tables[kDivRemTable].main = std::move(alu.divrem);
  w.tables[kByteTable].main = bytes.Trace();

  // Read calls, io words and the journal itself.
  w.tables[kReadCallTable].main = RowsToMatrix<ReadCallCols>(read_rows);
  w.tables[kIoWordTable].main = RowsToMatrix<IoWordCols>(io_rows);
  air::RowMajorMatrix<BabyBear> journal_table(CheckedTableHeight(journal.size()),
                                              air::kWidth<JournalCols>);
  for (size_t i = 0; i < journal.size(); ++i) {
    auto& row = RowAt<JournalCols>(journal_table, i);
    row.index = Fe(i);
    row.byte = Fe(journal[i]);
    row.multiplicity = BabyBear::one();
  }
  w.tables[kJournalTable].main = std::move(journal_table);
  w.publics.journal_length = static_cast<uint32_t>(journal.size());
  w.publics.journal_digest = JournalDigestOf(journal);

  const auto pv = PublicValues(w.publics);
  for (size_t t = 0; t < kNumTables; ++t) w.tables[t].public_values = pv[t];
  return w;
}

std::vector<stark::BlindedTrace> BlindedTraces(std::span<stark::TableWitness> tables) {
  PROVA_CHECK(tables.size() == kNumTables, "a witness of every table");
  std::vector<stark::BlindedTrace> blinded;
  for (size_t t = 0; t < kNumTables; ++t) {
    const auto index = static_cast<TableIndex>(t);
    air::RowMajorMatrix<BabyBear>& main = tables[t].main;
    if (IsBlinded(index)) blinded.push_back({&main, BlindingColumns(index, main.width)});
  }
  return blinded;
}

void BlindWitness(CircuitWitness* witness, bool zero_knowledge) {
  // The tables whose blinding cells are columns free on a padding row end with one (the memory
  // image's last row is checked where its final values are filled in).
  for (const TableIndex t : kSharedBlindingTables) {
    if (t == kMemoryImageTable) continue;
    const air::RowMajorMatrix<BabyBear>& m = witness->tables[t].main;
    PROVA_CHECK(m.at(m.height() - 1, kIsRealColumn) == BabyBear::zero(),
                "a table's last row, which holds its blinding cells, is not padding");
  }
  stark::BlindLogUpSums(BlindedTraces(witness->tables), zero_knowledge);
}

}  // namespace prova::rv32im
