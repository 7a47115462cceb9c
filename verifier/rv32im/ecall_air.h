#pragma once

// The ecall table: one row per write, read or brk ecall and per counter read, in execution order.
// Syscalls are rare, so their columns live here rather than in every CPU row; the CPU keeps only
// exit.
//
// The CPU sends (clock, a7, a0 before, a0 after) on the ECALL bus for every ecall that is not an
// exit; a row receives it and proves what the call does (docs/rv32im-circuit.md, "Ecall table"):
//  - write (a7 = 64) to fd 1 or 2: console output, not part of the claim: a0 := a2;
//  - write to fd 3 (the journal): reads a1 (buffer) and a2 (count) at 4c + 2, a0 := a2, and hands
//    (clock, word of a1, byte offset of a1, a2, journal length so far) to the io-word table
//    (io_air.h) on the SYSCALL bus, which reads the buffer from memory and sends its bytes on the
//    JOURNAL bus at indices journal_len, journal_len + 1, ...;
//  - read (a7 = 63) from fd 0: reads a1 and a2 at 4c + 2, a0 := n, and hands (clock, word and
//    offset of a1, a2, n, n < a2) to the read-call table on the READ bus, which proves n <= a2
//    and writes n input bytes at a1. A short read (n < a2) exhausts the input: every later read
//    returns 0 (input_eof), as the emulator's reads of one input stream behave;
//  - brk (a7 = 214): a0 := the break after the call, Linux's rule: a request r with
//    heap_start <= r <= heap_limit (two less-than lookups) moves the break to r, any other leaves
//    it, so brk(0) reads it. The break runs down the rows from heap_start (public values, fixed
//    by the image ID's image_end_word), so the guest's heap is where the emulator puts it;
//  - a counter read (rdcycle / rdinstret into rd != x0, decoded as a call whose number
//    kCounterCallNumber no ecall has, since an ecall's a7 is a byte): rd := clk - 1, the steps
//    before it, as three range-checked bytes.
// Real rows come first and their clocks strictly increase, so the running journal length and
// input_eof and the break follow execution order. The journal length starts at 0 and ends at the
// public value.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/io_air.h"
#include "verifier/rv32im/memory_air.h"
#include "verifier/rv32im/program_air.h"

namespace prova::rv32im {

// The number a counter read sends on the ECALL bus: x0's 0 plus this rd_const, above any a7 (a
// byte).
inline constexpr uint32_t kCounterCallNumber = 256;

// ECALL bus: (clock, a7, a0[4] before the call, a0[4] after it).
template <class B, class C, class N, class W0, class W1, class M>
void EcallToken(B& b, air::Direction direction, const C& clk, const N& number, const W0& a0,
                const W1& result, const M& multiplicity) {
  using Expr = typename B::Expr;
  b.interact(kEcallBus,
             {Expr(clk), Expr(number), Expr(a0[0]), Expr(a0[1]), Expr(a0[2]), Expr(a0[3]),
              Expr(result[0]), Expr(result[1]), Expr(result[2]), Expr(result[3])},
             Expr(multiplicity), direction, "ecall");
}

template <class T>
struct EcallCols {
  T is_real;
  T clk;
  T number;          // a7 (its upper bytes are zero: the CPU checks them)
  T a0[4];           // before the call: the fd
  T result[4];       // a0 after the call: a2 for a write, n for a read
  T sys_journal;     // write(3, a1, a2)
  T sys_console;     // write(1 or 2, a1, a2)
  T sys_read;        // read(0, a1, a2)
  T console_fd_bit;  // fd = 1 + console_fd_bit
  T arg1[4];         // a1, a2
  T arg1_ts_diff[2];
  T arg2[4];
  T arg2_ts_diff[2];
  T buf_quarter;    // arg1[0] = 4 * buf_quarter + offset (journal writes and reads)
  T buf_sel[4];     // one-hot offset
  T count_nonzero;  // a2 != 0 (journal writes)
  T count_inverse;
  T journal_len;  // journal bytes written before this call
  T short_read;   // n < a2
  T input_eof;    // a short read happened before this call: reads return 0
  T clk_gap[2];   // next real row's clock - clk - 1 = lo16 + 2^16 * hi8 (0 on the last one)
  T sys_brk;      // brk(a0)
  T brk[4];       // the break before this call (bytes)
  T brk_below;    // a0 <u heap_start
  T brk_above;    // heap_limit <u a0
  T brk_moves;    // sys_brk and neither: the break becomes a0
  T sys_counter;  // rdcycle / rdinstret: result = clk - 1
};

// The ecall table's blinding cells (air/blinding.h): a0, which on a padding row (is_real = 0, so
// every sys_* flag and brk_moves are 0) only interactions and constraints weighted by those read;
// the witness always ends the table with a padding row.
inline constexpr air::BlindingColumns kEcallBlinding =
    air::ConsecutiveBlindingColumns(offsetof(EcallCols<air::ColumnSlot>, a0));
static_assert(sizeof(EcallCols<air::ColumnSlot>::a0) == air::kBlindingWidth);

// The journal length, then the bytes of the initial break and of the highest break (circuit.h
// kHeapLimit), low byte first.
enum EcallPublic : size_t {
  kPublicJournalLength = 0,
  kPublicHeapStart = 1,
  kPublicHeapLimit = 5,
  kNumEcallPublics = 9
};

struct EcallAir {
  std::string_view name() const { return "ecall"; }
  size_t main_width() const { return air::kWidth<EcallCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return kNumEcallPublics; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    using Expr = typename B::Expr;
    auto [l, n] = b.template rows<EcallCols>();
    auto pv = b.public_values();
    const Expr one(F::one()), zero(F::zero());
    auto c = [](uint32_t v) { return Expr(F::from_canonical(v)); };

    b.assert_bool(l.is_real, "is_real boolean");
    b.assert_bool(l.sys_journal, "sys_journal boolean");
    b.assert_bool(l.sys_console, "sys_console boolean");
    b.assert_bool(l.sys_read, "sys_read boolean");
    b.assert_bool(l.console_fd_bit, "console_fd_bit boolean");
    b.assert_bool(l.count_nonzero, "count_nonzero boolean");
    b.assert_bool(l.short_read, "short_read boolean");
    b.assert_bool(l.input_eof, "input_eof boolean");
    b.assert_bool(l.sys_brk, "sys_brk boolean");
    b.assert_bool(l.sys_counter, "sys_counter boolean");
    for (size_t k = 0; k < 4; ++k) b.assert_bool(l.buf_sel[k], "buf_sel boolean");

    // One kind per real row, none on padding; the call the CPU made.
    const Expr sys_write = l.sys_journal + l.sys_console;
    b.assert_eq(sys_write + l.sys_read + l.sys_brk + l.sys_counter, l.is_real, "one syscall kind");
    EcallToken(b, air::Direction::kReceive, l.clk, l.number, l.a0, l.result, l.is_real);
    b.assert_eq(l.number,
                c(64) * sys_write + c(63) * l.sys_read + c(214) * l.sys_brk +
                    c(kCounterCallNumber) * l.sys_counter,
                "syscall number");
    b.assert_zero(l.sys_journal * (l.a0[0] - c(3)), "journal fd");
    b.assert_zero(l.sys_console * (l.a0[0] - one - l.console_fd_bit), "console fd");
    b.assert_zero(l.console_fd_bit * (one - l.sys_console), "console fd bit");
    for (size_t k = 1; k < 4; ++k) b.assert_zero(sys_write * l.a0[k], "write fd");
    for (size_t k = 0; k < 4; ++k) b.assert_zero(l.sys_read * l.a0[k], "read fd");
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero(sys_write * (l.result[k] - l.arg2[k]), "a write returns its count");
    }

    // a1 and a2 are read at 4c + 2 (an ecall row accesses no other memory there).
    const Expr ts = c(4) * l.clk + c(2);
    const Expr reg = c(kRegisterBase);
    TimedAccess(b, reg + c(11), l.arg1, l.arg1, ts, l.arg1_ts_diff, l.is_real, "a1");
    TimedAccess(b, reg + c(12), l.arg2, l.arg2, ts, l.arg2_ts_diff, l.is_real, "a2");
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

    // Reads: the read-call table proves n <= a2, short = (n < a2), and writes the bytes.
    ReadToken(b, air::Direction::kSend, l.clk, buffer_word, offset, l.arg2, l.result, l.short_read,
              l.sys_read);
    b.assert_zero(l.short_read * (one - l.sys_read), "short only for reads");
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero(l.sys_read * l.input_eof * l.result[k], "an exhausted input reads nothing");
    }

    // brk: the break moves to a0 exactly when heap_start <= a0 <= heap_limit, and the call returns
    // the break after it. a0 and the break are bytes (registers by induction, the break from the
    // public bytes and earlier results), so the lookups compare the integers.
    Expr heap_start[4], heap_limit[4];
    for (size_t k = 0; k < 4; ++k) {
      heap_start[k] = pv[kPublicHeapStart + k];
      heap_limit[k] = pv[kPublicHeapLimit + k];
    }
    const Expr below[4] = {Expr(l.brk_below), zero, zero, zero};
    const Expr above[4] = {Expr(l.brk_above), zero, zero, zero};
    SendAlu(b, OpcodeConstant<B>(Opcode::kSltu), below, l.a0, heap_start, l.sys_brk,
            "brk below the heap");
    SendAlu(b, OpcodeConstant<B>(Opcode::kSltu), above, heap_limit, l.a0, l.sys_brk,
            "brk above the heap");
    b.assert_eq(l.brk_moves, l.sys_brk * (one - l.brk_below) * (one - l.brk_above),
                "brk moves within the heap");
    for (size_t k = 0; k < 4; ++k) {
      b.assert_eq(l.sys_brk * (l.result[k] - l.brk[k]), l.brk_moves * (l.a0[k] - l.brk[k]),
                  "brk returns the new break");
    }

    // Counter reads: the steps before this one, clk - 1 < 2^22, as three bytes.
    b.assert_zero(l.sys_counter * (l.result[0] + c(1 << 8) * l.result[1] +
                                   c(1 << 16) * l.result[2] - l.clk + one),
                  "counter is the step count");
    b.assert_zero(l.sys_counter * l.result[3], "counter high byte");
    SendByteRange(b, l.result[0], l.result[1], l.sys_counter, "counter bytes 0, 1");
    SendByteRange(b, l.result[2], zero, l.sys_counter, "counter byte 2");

    // Execution order: real rows first, clocks strictly increasing.
    auto t = b.when_transition();
    t.assert_zero(n.is_real * (one - l.is_real), "padding only after the real rows");
    t.assert_zero(n.is_real * (n.clk - l.clk - one - l.clk_gap[0] - c(1 << 16) * l.clk_gap[1]),
                  "clock order");
    SendU16Range(b, l.clk_gap[0], l.is_real, "clock gap low 16 bits");
    SendByteRange(b, l.clk_gap[1], zero, l.is_real, "clock gap high byte");

    // The running journal length and end-of-input state (padding rows keep them).
    b.when_first_row().assert_zero(l.journal_len, "journal starts empty");
    b.when_first_row().assert_zero(l.input_eof, "input starts unread");
    for (size_t k = 0; k < 4; ++k) {
      b.when_first_row().assert_eq(l.brk[k], heap_start[k], "the break starts at heap_start");
      t.assert_eq(n.brk[k], l.brk[k] + l.sys_brk * (l.result[k] - l.brk[k]), "the break");
    }
    t.assert_eq(n.journal_len, l.journal_len + l.sys_journal * count, "journal length");
    t.assert_eq(n.input_eof, l.input_eof + l.short_read * (one - l.input_eof), "input eof");
    b.when_last_row().assert_eq(l.journal_len + l.sys_journal * count, pv[kPublicJournalLength],
                                "journal length is public");
    air::BlindLogUpSum(b, kEcallBlinding);
  }
};

}  // namespace prova::rv32im
