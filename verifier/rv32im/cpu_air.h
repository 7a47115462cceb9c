#pragma once

// The CPU table: one row per executed instruction (height: the next power of two above the step
// count, so at least one padding row, which holds the blinding cells; padding rows have
// is_real = 0 and only follow the real rows). docs/rv32im-circuit.md has the full argument.
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
//    one (every real row but the last is not an exit, and the last real row is one). Any other
//    ecall sends (clock, a7, a0, new a0) on the ECALL bus to the ecall table (ecall_air.h), which
//    proves write, read and brk and refuses every other number; a counter read (rdcycle,
//    rdinstret) is decoded as such a call with number kCounterCallNumber, which no a7 can be.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/ecall_air.h"
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
  // Register accesses.
  T rs1_val[4];
  T rs1_ts_diff[2];  // 4c - (previous timestamp) - 1 = lo16 + 2^16 * hi8 (memory_air.h)
  T rs2_val[4];
  T rs2_ts_diff[2];
  T rd_prev[4];
  T rd_val[4];
  T rd_ts_diff[2];
  // The ALU result: rd value, comparison result or address.
  T alu_a[4];
  // The memory word of a load or store.
  T mem_prev[4];
  T mem_new[4];
  T mem_ts_diff[2];
  T addr_quarter;  // alu_a[0] = 4 * addr_quarter + byte offset
  T byte_sel[4];   // one-hot byte offset within the word (all zero without memory access)
  T load_sign;     // bit 7 of the top byte of a byte/halfword load
  T load_low7;     // its low 7 bits
  // Control flow.
  T nonzero;  // alu_a != 0 (BEQ/BNE)
  T nonzero_inverse;
  T jalr_half;  // alu_a[0] = 2 * jalr_half + jalr_bit0
  T jalr_bit0;
  // Exit (a7 = 93 or 94); every other ecall is a row of the ecall table (ecall_air.h).
  T sys_exit;
  T exit_group;  // a7 = 94 instead of 93
};

// Where the CPU table's blinding cells are: imm, on the last row, which the witness keeps a
// padding row (four columns of its own would cost a wider row in every LDE, opening and query).
inline constexpr air::BlindingColumns kCpuBlinding =
    air::ConsecutiveBlindingColumns(offsetof(CpuCols<air::ColumnSlot>, imm));
static_assert(sizeof(CpuCols<air::ColumnSlot>::imm) == air::kBlindingWidth);

// Public values of the CPU table.
enum CpuPublic : size_t {
  kPublicEntryPc = 0,
  kPublicExitCode = 1,  // 4 bytes
  kNumCpuPublics = 5
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

    // The instruction comes from the program.
    Expr flags = Expr(f[0]);
    for (size_t i = 1; i < kNumCpuFlags; ++i) flags = flags + Expr(f[i]) * c(1u << i);
    ProgramInteract(b, air::Direction::kSend, l, flags, l.is_real);
    // Padding rows have no flags (their packed sum, below 2^19, is zero only if every flag is), so
    // they make no memory access, ALU lookup or ecall: every interaction of this table counts
    // with is_real or with a flag. Without it a padding row, which no program row binds, could
    // store any word at any clock.
    b.assert_zero((one - l.is_real) * flags, "padding rows have no flags");

    // Sequencing: real rows first, starting at the entry, clock 1; consecutive real rows follow
    // next_pc; the last real row is the exit, and nothing follows an exit.
    b.when_first_row().assert_one(l.is_real, "first row is real");
    b.when_first_row().assert_eq(l.clk, one, "clock starts at 1");
    b.when_first_row().assert_eq(l.pc, pv[kPublicEntryPc], "starts at the entry pc");
    auto t = b.when_transition();
    t.assert_zero(n.is_real * (one - l.is_real), "padding only after the real rows");
    t.assert_zero(n.is_real * (n.clk - l.clk - one), "clock increments");
    t.assert_zero(l.sys_exit * n.is_real, "nothing runs after exit");
    t.assert_zero(l.is_real * (one - n.is_real) * (one - l.sys_exit), "the last real row exits");
    b.when_last_row().assert_zero(l.is_real * (one - l.sys_exit), "the last real row exits");

    // Register accesses through the memory bus.
    const Expr ts0 = c(4) * l.clk;
    const Expr reg = c(kRegisterBase);
    TimedAccess(b, reg + l.rs1, l.rs1_val, l.rs1_val, ts0, l.rs1_ts_diff, l.is_real, "rs1");
    TimedAccess(b, reg + l.rs2, l.rs2_val, l.rs2_val, ts0 + one, l.rs2_ts_diff, l.is_real, "rs2");
    TimedAccess(b, reg + l.rd, l.rd_prev, l.rd_val, ts0 + c(3), l.rd_ts_diff, l.is_real, "rd");
    SendByteRange(b, l.rs1_ts_diff[1], l.rs2_ts_diff[1], l.is_real, "ts diff high bytes");

    // The value written to rd: one source, or the previous value (no write, or rd = x0). A load
    // writes the extracted value (below, with the loads); an ecall other than exit writes a0 with
    // what the ecall table proves (sys_other: no flag is set).
    const Expr sys_other = f[kFlagEcall] - l.sys_exit;
    const Expr keep = one - f[kFlagWriteAlu] - f[kFlagWriteConst] - f[kFlagWriteLoad] - sys_other;
    for (size_t k = 0; k < 4; ++k) {
      b.assert_eq(
          (one - sys_other - f[kFlagWriteLoad]) * l.rd_val[k],
          f[kFlagWriteAlu] * l.alu_a[k] + f[kFlagWriteConst] * l.rd_const[k] + keep * l.rd_prev[k],
          "rd value");
    }

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
    TimedAccess(b, word, l.mem_prev, l.mem_new, ts0 + c(2), l.mem_ts_diff, is_mem, "memory");
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
    // Loads: extraction and sign extension, into rd (a load to x0 writes nothing: no flag).
    b.assert_eq(f[kFlagLoadByte] * byte + f[kFlagLoadHalf] * half_hi,
                c(128) * l.load_sign + l.load_low7, "sign bit of a narrow load");
    SendByteRange(b, l.load_low7, l.load_low7 + c(128), l.is_real, "low 7 bits");
    const Expr ext = f[kFlagSigned] * l.load_sign * c(255);
    const Expr narrow = f[kFlagLoadByte] + f[kFlagLoadHalf];
    const Expr loaded[4] = {
        f[kFlagLoadWord] * m[0] + f[kFlagLoadHalf] * half_lo + f[kFlagLoadByte] * byte,
        f[kFlagLoadWord] * m[1] + f[kFlagLoadHalf] * half_hi + f[kFlagLoadByte] * ext,
        f[kFlagLoadWord] * m[2] + narrow * ext, f[kFlagLoadWord] * m[3] + narrow * ext};
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero(f[kFlagWriteLoad] * (l.rd_val[k] - loaded[k]), "loaded value");
    }

    // Branches: BEQ/BNE compare alu_a = rs1 - rs2 with zero (a sum of four bytes is zero only if
    // all are), BLT/BGE/BLTU/BGEU read alu_a = (rs1 < rs2).
    const Expr is_eq_test = f[kFlagBranchEq] + f[kFlagBranchNe];
    const Expr limb_sum = l.alu_a[0] + l.alu_a[1] + l.alu_a[2] + l.alu_a[3];
    b.assert_zero(is_eq_test * (l.nonzero - limb_sum * l.nonzero_inverse), "nonzero witness");
    b.assert_zero(is_eq_test * limb_sum * (one - l.nonzero), "zero test");
    const Expr taken = f[kFlagBranchNe] * l.nonzero + f[kFlagBranchEq] * (one - l.nonzero) +
                       f[kFlagBranchLt] * l.alu_a[0] + f[kFlagBranchGe] * (one - l.alu_a[0]);

    // JALR: target = alu_a with bit 0 cleared, below 0x78000000 (so below p, no wrap).
    b.assert_zero(f[kFlagJalr] * (l.alu_a[0] - c(2) * l.jalr_half - l.jalr_bit0), "jalr bit 0");
    SendByteRange(b, l.alu_a[3] + c(0x88), zero, f[kFlagJalr], "jalr target below 0x78000000");
    const Expr jalr_target = l.alu_a[0] - l.jalr_bit0 + c(1 << 8) * l.alu_a[1] +
                             c(1 << 16) * l.alu_a[2] + c(1 << 24) * l.alu_a[3];
    // The next real row runs next_pc (a real row is never preceded by padding).
    const Expr jumps = taken + f[kFlagJal];
    const Expr next_pc = (one - jumps - f[kFlagJalr]) * (l.pc + c(4)) + jumps * l.target +
                         f[kFlagJalr] * jalr_target;
    t.assert_zero(n.is_real * (n.pc - next_pc), "next pc");

    // Syscalls: a7 is read as rs1, a0 as rs2 and rd. Exit is proven here; every other ecall is
    // handed to the ecall table, which accepts only write, read, brk and counter reads.
    b.assert_zero(l.sys_exit * (one - f[kFlagEcall]), "exit only at an ecall");
    b.assert_zero(l.exit_group * (one - l.sys_exit), "exit_group only for exit");
    b.assert_zero(l.sys_exit * (l.rs1_val[0] - c(93) - l.exit_group), "exit number");
    for (size_t k = 1; k < 4; ++k) b.assert_zero(f[kFlagEcall] * l.rs1_val[k], "syscall number");
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero(l.sys_exit * (l.rs2_val[k] - pv[kPublicExitCode + k]), "exit code");
    }
    // The number: a7, plus rd_const for a counter read (0 for an ecall; kCounterCallNumber).
    const Expr number = l.rs1_val[0] + l.rd_const[0] + c(1 << 8) * l.rd_const[1];
    EcallToken(b, air::Direction::kSend, l.clk, number, l.rs2_val, l.rd_val, sys_other);

    // ALU lookup: alu_a = alu_op(rs1, imm or rs2). Last, because its tuple has degree 2: after
    // the linear ones, LogUp batching (air::PlanLogUpColumns, in eval order) pairs it with the
    // ecall, where earlier it left two columns of two.
    Expr operand_c[4];
    for (size_t k = 0; k < 4; ++k) {
      operand_c[k] = f[kFlagImm] * l.imm[k] + (one - f[kFlagImm]) * l.rs2_val[k];
    }
    SendAlu(b, l.alu_op, l.alu_a, l.rs1_val, operand_c, f[kFlagAluSend], "alu");

    // The LogUp sum's blinding (air/blinding.h) takes no columns of its own: the offset is the imm
    // columns, which nothing but the is_real- and flag-weighted lookups above reads, so they are
    // free on padding rows, and the table's last row always is one (kCpuBlinding).
    air::BlindLogUpSum(b, kCpuBlinding);
  }
};

}  // namespace prova::rv32im
