#pragma once

// The CPU table: one row per executed instruction (height: the next power of two; padding rows
// have is_real = 0 and only follow the real rows). docs/rv32im-circuit.md has the full argument.
//
// Per real row with clock c (1, 2, 3, ... from the first row), at timestamps 4c + k:
//  - PROGRAM bus: sends (pc, decoded fields) once: the instruction must be in the image;
//  - MEMORY bus (offline memory checking): reads rs1 (4c) and rs2 (4c + 1), accesses the memory
//    word of a load/store (4c + 2), writes rd (4c + 3); each access receives (addr, prev value,
//    prev timestamp) and sends (addr, new value, timestamp), with prev timestamp < timestamp
//    proven by a 24-bit range check of their difference minus one;
//  - ALU bus: sends (alu_op, alu_a, rs1, rs2 or imm) for ALU instructions, branch comparisons,
//    load/store and JALR addresses; the ALU tables prove alu_a = op(rs1, c) with byte limbs;
//  - next_pc: pc + 4, the taken branch / JAL target (from the program table), or the JALR target
//    alu_a with bit 0 cleared; the next real row starts at next_pc with clock c + 1;
//  - ecall: exit (a7 = 93 or 94): a0 equals the public exit code and the row is the last real
//    one (every real row but the last is not an exit, and the last real row is one); write
//    (a7 = 64) to fd 1 or 2 (console output, not part of the claim: a0 := a2, nothing else) or
//    to fd 3 (the journal): also reads a1 (buffer) and a2 (count) at 4c + 2, sets a0 := a2, and
//    hands (clock, word of a1, byte offset of a1, a2, journal length so far) to the io-word table
//    (io_air.h) on the SYSCALL bus, which reads the buffer from memory and sends its bytes on the
//    JOURNAL bus at indices journal_len, journal_len + 1, ... A running journal length starts at
//    0 and must end at the public journal length. read (a7 = 63) from fd 0: reads a1 and a2 at
//    4c + 2, sets a0 := n, and hands (clock, word and offset of a1, a2, n, n < a2) to the
//    read-call table on the READ bus, which proves n <= a2 and writes n input bytes at a1. A
//    short read (n < a2) means the input is exhausted: every later read returns 0 (the
//    input_eof state), exactly as the emulator's reads of one input stream behave.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/io_air.h"
#include "verifier/rv32im/memory_air.h"
#include "verifier/rv32im/program_air.h"

namespace prova::rv32im {

template <class T>
struct CpuCols {
  T is_real;
  T clk;
  // The decoded instruction, as in the program table (program_air.h).
  T pc;
  T rd;
  T rs1;
  T rs2;
  T imm[4];
  T rd_const[4];
  T target;
  T alu_op;
  T flag[kNumCpuFlags];
  T next_pc;
  // Register accesses.
  T rs1_val[4];
  T rs1_prev_ts;
  T rs1_ts_diff[2];  // 4c - rs1_prev_ts - 1 = lo16 + 2^16 * hi8
  T rs2_val[4];
  T rs2_prev_ts;
  T rs2_ts_diff[2];
  T rd_prev[4];
  T rd_val[4];
  T rd_prev_ts;
  T rd_ts_diff[2];
  // The ALU result: rd value, comparison result or address.
  T alu_a[4];
  // The memory word of a load or store.
  T mem_prev[4];
  T mem_new[4];
  T mem_prev_ts;
  T mem_ts_diff[2];
  T addr_quarter;  // alu_a[0] = 4 * addr_quarter + byte offset
  T byte_sel[4];   // one-hot byte offset within the word (all zero without memory access)
  T load[4];       // the loaded value, extended
  T load_top;      // the top byte of a byte/halfword load
  T load_sign;     // its bit 7
  T load_low7;     // its low 7 bits
  // Control flow.
  T nonzero;  // alu_a != 0 (BEQ/BNE)
  T nonzero_inverse;
  T taken;
  T jalr_half;  // alu_a[0] = 2 * jalr_half + jalr_bit0
  T jalr_bit0;
  T exit_group;  // a7 = 94 instead of 93
  // Syscalls (zero unless flag[kFlagEcall]); exactly one of the four kinds per ecall.
  T sys_exit;
  T sys_journal;     // write(3, a1, a2)
  T sys_console;     // write(1 or 2, a1, a2)
  T sys_read;        // read(0, a1, a2)
  T console_fd_bit;  // fd = 1 + console_fd_bit
  T arg1[4];         // a1, a2 of a write or read
  T arg1_prev_ts;
  T arg1_ts_diff[2];
  T arg2[4];
  T arg2_prev_ts;
  T arg2_ts_diff[2];
  T buf_quarter;    // arg1[0] = 4 * buf_quarter + offset (journal writes and reads)
  T buf_sel[4];     // one-hot offset
  T count_nonzero;  // a2 != 0 (journal writes)
  T count_inverse;
  T journal_len;  // journal bytes written before this step
  T read_n[4];    // bytes a read returned
  T short_read;   // read_n < a2
  T input_eof;    // a short read happened before this step: reads return 0
};

// Public values of the CPU table.
enum CpuPublic : size_t {
  kPublicEntryPc = 0,
  kPublicExitCode = 1,  // 4 bytes
  kPublicJournalLength = 5,
  kNumCpuPublics = 6
};

struct CpuAir {
  std::string_view name() const { return "cpu"; }
  size_t main_width() const { return air::kWidth<CpuCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return kNumCpuPublics; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    using Expr = typename B::Expr;
    auto [l, n] = b.template rows<CpuCols>();
    auto pv = b.public_values();
    const Expr one(F::one()), zero(F::zero());
    auto c = [](uint32_t v) { return Expr(F::from_canonical(v)); };
    const auto& f = l.flag;

    // Booleans.
    b.assert_bool(l.is_real, "is_real boolean");
    for (size_t i = 0; i < kNumCpuFlags; ++i) b.assert_bool(f[i], "flag boolean");
    for (size_t k = 0; k < 4; ++k) b.assert_bool(l.byte_sel[k], "byte_sel boolean");
    b.assert_bool(l.nonzero, "nonzero boolean");
    b.assert_bool(l.jalr_bit0, "jalr_bit0 boolean");
    b.assert_bool(l.load_sign, "load_sign boolean");
    b.assert_bool(l.exit_group, "exit_group boolean");
    b.assert_bool(l.sys_exit, "sys_exit boolean");
    b.assert_bool(l.sys_journal, "sys_journal boolean");
    b.assert_bool(l.sys_console, "sys_console boolean");
    b.assert_bool(l.sys_read, "sys_read boolean");
    b.assert_bool(l.short_read, "short_read boolean");
    b.assert_bool(l.input_eof, "input_eof boolean");
    b.assert_bool(l.console_fd_bit, "console_fd_bit boolean");
    b.assert_bool(l.count_nonzero, "count_nonzero boolean");
    for (size_t k = 0; k < 4; ++k) b.assert_bool(l.buf_sel[k], "buf_sel boolean");

    // The instruction comes from the program.
    Expr flags = Expr(f[0]);
    for (size_t i = 1; i < kNumCpuFlags; ++i) flags = flags + Expr(f[i]) * c(1u << i);
    ProgramInteract(b, air::Direction::kSend, l, flags, l.is_real);

    // Sequencing: real rows first, starting at the entry, clock 1; consecutive real rows follow
    // next_pc; the last real row is the exit, and nothing follows an exit.
    b.when_first_row().assert_one(l.is_real, "first row is real");
    b.when_first_row().assert_eq(l.clk, one, "clock starts at 1");
    b.when_first_row().assert_eq(l.pc, pv[kPublicEntryPc], "starts at the entry pc");
    auto t = b.when_transition();
    t.assert_zero(n.is_real * (one - l.is_real), "padding only after the real rows");
    t.assert_zero(n.is_real * (n.pc - l.next_pc), "pc follows next_pc");
    t.assert_zero(n.is_real * (n.clk - l.clk - one), "clock increments");
    t.assert_zero(l.sys_exit * n.is_real, "nothing runs after exit");
    t.assert_zero(l.is_real * (one - n.is_real) * (one - l.sys_exit), "the last real row exits");
    b.when_last_row().assert_zero(l.is_real * (one - l.sys_exit), "the last real row exits");

    // Register accesses through the memory bus.
    const Expr ts0 = c(4) * l.clk;
    const Expr reg = c(kRegisterBase);
    MemoryAccess(b, reg + l.rs1, l.rs1_val, l.rs1_prev_ts, l.rs1_val, ts0, l.is_real, "rs1");
    MemoryAccess(b, reg + l.rs2, l.rs2_val, l.rs2_prev_ts, l.rs2_val, ts0 + one, l.is_real, "rs2");
    MemoryAccess(b, reg + l.rd, l.rd_prev, l.rd_prev_ts, l.rd_val, ts0 + c(3), l.is_real, "rd");
    TimestampDiff(b, ts0, l.rs1_prev_ts, l.rs1_ts_diff, l.is_real);
    TimestampDiff(b, ts0 + one, l.rs2_prev_ts, l.rs2_ts_diff, l.is_real);
    TimestampDiff(b, ts0 + c(3), l.rd_prev_ts, l.rd_ts_diff, l.is_real);
    SendByteRange(b, l.rs1_ts_diff[1], l.rs2_ts_diff[1], l.is_real, "ts diff high bytes");

    // The value written to rd: one source, or the previous value (no write, or rd = x0).
    const Expr sys_write = l.sys_journal + l.sys_console;
    const Expr keep =
        one - f[kFlagWriteAlu] - f[kFlagWriteConst] - f[kFlagWriteLoad] - sys_write - l.sys_read;
    for (size_t k = 0; k < 4; ++k) {
      b.assert_eq(l.rd_val[k],
                  f[kFlagWriteAlu] * l.alu_a[k] + f[kFlagWriteConst] * l.rd_const[k] +
                      f[kFlagWriteLoad] * l.load[k] + sys_write * l.arg2[k] +
                      l.sys_read * l.read_n[k] + keep * l.rd_prev[k],
                  "rd value");
    }

    // ALU lookup: alu_a = alu_op(rs1, imm or rs2).
    Expr operand_c[4];
    for (size_t k = 0; k < 4; ++k) {
      operand_c[k] = f[kFlagImm] * l.imm[k] + (one - f[kFlagImm]) * l.rs2_val[k];
    }
    SendAlu(b, l.alu_op, l.alu_a, l.rs1_val, operand_c, f[kFlagAluSend], "alu");

    // Loads and stores: the address is alu_a = rs1 + imm; the word index and byte offset.
    const Expr is_load = f[kFlagLoadByte] + f[kFlagLoadHalf] + f[kFlagLoadWord];
    const Expr is_store = f[kFlagStoreByte] + f[kFlagStoreHalf] + f[kFlagStoreWord];
    const Expr is_mem = is_load + is_store;
    b.assert_eq(l.byte_sel[0] + l.byte_sel[1] + l.byte_sel[2] + l.byte_sel[3], is_mem,
                "one byte offset per memory access");
    b.assert_zero(is_mem * (l.alu_a[0] - c(4) * l.addr_quarter - l.byte_sel[1] -
                            c(2) * l.byte_sel[2] - c(3) * l.byte_sel[3]),
                  "address low byte");
    b.assert_zero((f[kFlagLoadHalf] + f[kFlagStoreHalf]) * (l.byte_sel[1] + l.byte_sel[3]),
                  "halfword alignment");
    b.assert_zero(
        (f[kFlagLoadWord] + f[kFlagStoreWord]) * (l.byte_sel[1] + l.byte_sel[2] + l.byte_sel[3]),
        "word alignment");
    const Expr word =
        l.addr_quarter + c(64) * l.alu_a[1] + c(1 << 14) * l.alu_a[2] + c(1 << 22) * l.alu_a[3];
    MemoryAccess(b, word, l.mem_prev, l.mem_prev_ts, l.mem_new, ts0 + c(2), is_mem, "memory");
    TimestampDiff(b, ts0 + c(2), l.mem_prev_ts, l.mem_ts_diff, is_mem);
    SendByteRange(b, l.rd_ts_diff[1], l.mem_ts_diff[1], l.is_real, "ts diff high bytes");
    SendByteRange(b, l.addr_quarter, l.jalr_half, l.is_real, "address quarter, jalr half");

    const auto& m = l.mem_prev;
    const auto& s = l.byte_sel;
    const Expr byte = s[0] * m[0] + s[1] * m[1] + s[2] * m[2] + s[3] * m[3];
    const Expr half_lo = s[0] * m[0] + s[2] * m[2];
    const Expr half_hi = s[0] * m[1] + s[2] * m[3];
    // Stores replace the addressed bytes with the low bytes of rs2; loads leave the word as is.
    for (size_t k = 0; k < 4; ++k) {
      const Expr half_sel = k < 2 ? Expr(s[0]) : Expr(s[2]);
      b.assert_eq(l.mem_new[k],
                  m[k] + f[kFlagStoreWord] * (l.rs2_val[k] - m[k]) +
                      f[kFlagStoreHalf] * half_sel * (l.rs2_val[k % 2] - m[k]) +
                      f[kFlagStoreByte] * s[k] * (l.rs2_val[0] - m[k]),
                  "stored word");
    }
    // Loads: extraction and sign extension.
    b.assert_eq(l.load_top, f[kFlagLoadByte] * byte + f[kFlagLoadHalf] * half_hi,
                "top byte of a narrow load");
    b.assert_eq(l.load_top, c(128) * l.load_sign + l.load_low7, "sign bit of a narrow load");
    SendByteRange(b, l.load_low7, l.load_low7 + c(128), l.is_real, "low 7 bits");
    const Expr ext = f[kFlagSigned] * l.load_sign * c(255);
    const Expr narrow = f[kFlagLoadByte] + f[kFlagLoadHalf];
    b.assert_eq(l.load[0],
                f[kFlagLoadWord] * m[0] + f[kFlagLoadHalf] * half_lo + f[kFlagLoadByte] * byte,
                "load byte 0");
    b.assert_eq(l.load[1],
                f[kFlagLoadWord] * m[1] + f[kFlagLoadHalf] * half_hi + f[kFlagLoadByte] * ext,
                "load byte 1");
    b.assert_eq(l.load[2], f[kFlagLoadWord] * m[2] + narrow * ext, "load byte 2");
    b.assert_eq(l.load[3], f[kFlagLoadWord] * m[3] + narrow * ext, "load byte 3");

    // Branches: BEQ/BNE compare alu_a = rs1 - rs2 with zero (a sum of four bytes is zero only if
    // all are), BLT/BGE/BLTU/BGEU read alu_a = (rs1 < rs2).
    const Expr is_eq_test = f[kFlagBranchEq] + f[kFlagBranchNe];
    const Expr limb_sum = l.alu_a[0] + l.alu_a[1] + l.alu_a[2] + l.alu_a[3];
    b.assert_zero(is_eq_test * (l.nonzero - limb_sum * l.nonzero_inverse), "nonzero witness");
    b.assert_zero(is_eq_test * limb_sum * (one - l.nonzero), "zero test");
    b.assert_eq(l.taken,
                f[kFlagBranchNe] * l.nonzero + f[kFlagBranchEq] * (one - l.nonzero) +
                    f[kFlagBranchLt] * l.alu_a[0] + f[kFlagBranchGe] * (one - l.alu_a[0]),
                "branch decision");

    // JALR: target = alu_a with bit 0 cleared, below 0x78000000 (so below p, no wrap).
    b.assert_zero(f[kFlagJalr] * (l.alu_a[0] - c(2) * l.jalr_half - l.jalr_bit0), "jalr bit 0");
    SendByteRange(b, f[kFlagJalr] * (l.alu_a[3] + c(0x88)), Expr(F::zero()), l.is_real,
                  "jalr target below 0x78000000");
    const Expr jalr_target = l.alu_a[0] - l.jalr_bit0 + c(1 << 8) * l.alu_a[1] +
                             c(1 << 16) * l.alu_a[2] + c(1 << 24) * l.alu_a[3];
    const Expr jumps = l.taken + f[kFlagJal];
    b.assert_zero(l.is_real * (l.next_pc - (one - jumps - f[kFlagJalr]) * (l.pc + c(4)) -
                               jumps * l.target - f[kFlagJalr] * jalr_target),
                  "next pc");

    // Syscalls: a7 is read as rs1, a0 as rs2, and a0 is rd.
    b.assert_eq(l.sys_exit + l.sys_journal + l.sys_console + l.sys_read, f[kFlagEcall],
                "one syscall kind");
    b.assert_zero(l.exit_group * (one - l.sys_exit), "exit_group only for exit");
    b.assert_zero(f[kFlagEcall] * (l.rs1_val[0] - c(93) * l.sys_exit - l.exit_group -
                                   c(64) * sys_write - c(63) * l.sys_read),
                  "syscall number");
    for (size_t k = 1; k < 4; ++k) b.assert_zero(f[kFlagEcall] * l.rs1_val[k], "syscall number");
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero(l.sys_exit * (l.rs2_val[k] - pv[kPublicExitCode + k]), "exit code");
    }
    b.assert_zero(l.sys_journal * (l.rs2_val[0] - c(3)), "journal fd");
    b.assert_zero(l.sys_console * (l.rs2_val[0] - one - l.console_fd_bit), "console fd");
    b.assert_zero(l.console_fd_bit * (one - l.sys_console), "console fd bit");
    for (size_t k = 1; k < 4; ++k) b.assert_zero(sys_write * l.rs2_val[k], "write fd");
    for (size_t k = 0; k < 4; ++k) b.assert_zero(l.sys_read * l.rs2_val[k], "read fd");

    // write and read: a1 and a2 are read at 4c + 2 (no memory access happens in an ecall row).
    const Expr sys_io = sys_write + l.sys_read;
    MemoryAccess(b, reg + c(11), l.arg1, l.arg1_prev_ts, l.arg1, ts0 + c(2), sys_io, "a1");
    MemoryAccess(b, reg + c(12), l.arg2, l.arg2_prev_ts, l.arg2, ts0 + c(2), sys_io, "a2");
    TimestampDiff(b, ts0 + c(2), l.arg1_prev_ts, l.arg1_ts_diff, sys_io);
    TimestampDiff(b, ts0 + c(2), l.arg2_prev_ts, l.arg2_ts_diff, sys_io);
    SendByteRange(b, l.arg1_ts_diff[1], l.arg2_ts_diff[1], l.is_real, "ts diff high bytes");

    // Journal writes and reads: the buffer's word index and offset. Journal writes: a count below
    // 0x78000000 (so the remaining-bytes count cannot wrap), and the hand-off to the io words.
    const Expr sys_buffer = l.sys_journal + l.sys_read;
    b.assert_eq(l.buf_sel[0] + l.buf_sel[1] + l.buf_sel[2] + l.buf_sel[3], sys_buffer,
                "one buffer offset");
    const Expr offset = l.buf_sel[1] + c(2) * l.buf_sel[2] + c(3) * l.buf_sel[3];
    b.assert_zero(sys_buffer * (l.arg1[0] - c(4) * l.buf_quarter - offset), "buffer address");
    SendByteRange(b, l.buf_quarter, l.sys_journal * (l.arg2[3] + c(0x88)), l.is_real,
                  "buffer quarter, count below 0x78000000");
    const Expr buffer_word =
        l.buf_quarter + c(64) * l.arg1[1] + c(1 << 14) * l.arg1[2] + c(1 << 22) * l.arg1[3];
    const Expr count =
        l.arg2[0] + c(1 << 8) * l.arg2[1] + c(1 << 16) * l.arg2[2] + c(1 << 24) * l.arg2[3];
    b.assert_zero(l.sys_journal * (l.count_nonzero - count * l.count_inverse), "count nonzero");
    b.assert_zero(l.sys_journal * count * (one - l.count_nonzero), "count zero test");
    IoToken(b, air::Direction::kSend, zero, l.clk, buffer_word, offset, count, l.journal_len,
            l.sys_journal * l.count_nonzero);
    b.when_first_row().assert_zero(l.journal_len, "journal starts empty");
    t.assert_zero(n.is_real * (n.journal_len - l.journal_len - l.sys_journal * count),
                  "journal length");
    b.assert_zero(l.sys_exit * (l.journal_len - pv[kPublicJournalLength]), "journal length");

    // Reads: the read-call table proves n <= a2, short = (n < a2), and writes the bytes. After a
    // short read the input is exhausted.
    ReadToken(b, air::Direction::kSend, l.clk, buffer_word, offset, l.arg2, l.read_n, l.short_read,
              l.sys_read);
    b.assert_zero(l.short_read * (one - l.sys_read), "short only for reads");
    b.when_first_row().assert_zero(l.input_eof, "input starts unread");
    t.assert_zero(n.is_real * (n.input_eof - l.input_eof - l.short_read * (one - l.input_eof)),
                  "input eof");
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero(l.input_eof * l.read_n[k], "an exhausted input reads nothing");
    }
  }
};

}  // namespace prova::rv32im
