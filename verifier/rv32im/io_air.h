#pragma once

// Input and the journal: the bytes a guest reads from fd 0 (private) and writes to fd 3 (public).
//
// ReadCallAir: one row per read(0, buffer, count) ecall. It receives (clock, buffer word, byte
// offset, count, n, short) from the ecall table on the READ bus, where n is what the call returned
// (the CPU wrote it to a0) and short = (n < count). It proves short = (n <u count) with a less-than
// lookup on the ALU bus (which also proves the limbs of n and count are bytes), n = count when
// not short, and n < 0x78000000 (so n as a field element is the integer n); then, when n > 0, it
// starts a chain of word tokens that writes n bytes of input at the buffer.
//
// IoWordAir: one row per memory word of a read's or a journal write's buffer. A token
// (is_input, clock, word, byte offset, bytes remaining, journal index) on the SYSCALL bus starts
// a chain at an ecall row (journal) or a read-call row (input); each row receives one, accesses its
// word through the MEMORY bus at timestamp 4 * clock + 2, and, unless it is the last row of the
// call, sends the token for the next word. The enabled bytes of a row are a contiguous run
// starting at the token's offset; a row that is not the last one runs to the end of its word;
// the last one ends exactly with the remaining count. The word index strictly increases along a
// chain, so chains have no cycles and every row belongs to a real call.
//  - journal rows (is_input = 0) leave the word unchanged and send its enabled bytes on the
//    JOURNAL bus as (journal index, byte);
//  - input rows (is_input = 1) replace the enabled bytes with new ones, range-checked as bytes
//    (the input is the prover's choice: that is what "some private input" means), and leave the
//    other bytes unchanged.
//
// JournalAir: rows (index, byte) receiving the JOURNAL bus with a multiplicity. It has no
// constraints: the verifier recomputes its LogUp cumulative sum from the public journal,
//   -sum_i 1 / (alpha - (JOURNAL + beta * i + beta^2 * journal[i])),
// and rejects a proof whose journal table states another sum. Its public values are the
// journal's SHA-256 (JournalDigestOf), which no constraint reads: the transcript observes them
// before alpha and beta are drawn, as it does the main trace, so both the table's rows and the
// public journal are fixed before the challenges, and equal sums mean (Schwartz-Zippel) that the
// rows are exactly the public journal: the bytes the guest wrote. Without the digest the journal
// would be chosen after alpha and beta, and a journal of the same length whose fractions sum to
// the same value (a generalised-birthday search over the 2^124 sums) would verify.

#include <openssl/sha.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/memory_air.h"

namespace prova::rv32im {

// The journal's SHA-256: the journal table's public values, one byte each.
inline constexpr size_t kJournalDigestBytes = 32;
using JournalDigest = std::array<uint8_t, kJournalDigestBytes>;

inline JournalDigest JournalDigestOf(std::span<const uint8_t> journal) {
  JournalDigest digest;
  SHA256(journal.data(), journal.size(), digest.data());
  return digest;
}

// SYSCALL bus: (is_input, clock, word, byte offset, bytes remaining, journal index).
template <class B, class K, class C, class W, class O, class R, class J, class M>
void IoToken(B& b, air::Direction direction, const K& is_input, const C& clk, const W& word,
             const O& offset, const R& remaining, const J& journal_index, const M& multiplicity) {
  using Expr = typename B::Expr;
  b.interact(
      kSyscallBus,
      {Expr(is_input), Expr(clk), Expr(word), Expr(offset), Expr(remaining), Expr(journal_index)},
      Expr(multiplicity), direction, "io word token");
}

// READ bus: (clock, buffer word, byte offset, count[4], n[4], short).
template <class B, class C, class W, class O, class WC, class WN, class S, class M>
void ReadToken(B& b, air::Direction direction, const C& clk, const W& word, const O& offset,
               const WC& count, const WN& n, const S& short_read, const M& multiplicity) {
  using Expr = typename B::Expr;
  b.interact(kReadBus,
             {Expr(clk), Expr(word), Expr(offset), Expr(count[0]), Expr(count[1]), Expr(count[2]),
              Expr(count[3]), Expr(n[0]), Expr(n[1]), Expr(n[2]), Expr(n[3]), Expr(short_read)},
             Expr(multiplicity), direction, "read call");
}

template <class T>
struct ReadCallCols {
  T is_real;
  T clk;
  T word;
  T offset;
  T count[4];
  T n[4];
  T short_read;
  T n_nonzero;
  T n_inverse;
};

// The read-call table's blinding cells (air/blinding.h): on a padding row (is_real = 0, so
// n_nonzero = 0 and n = 0) the clock, word and offset are read only by lookups weighted by is_real
// or n_nonzero, and n_inverse only by n_nonzero - n * n_inverse = 0; the witness always ends the
// table with a padding row.
inline constexpr air::BlindingColumns kReadCallBlinding = {
    offsetof(ReadCallCols<air::ColumnSlot>, clk), offsetof(ReadCallCols<air::ColumnSlot>, word),
    offsetof(ReadCallCols<air::ColumnSlot>, offset),
    offsetof(ReadCallCols<air::ColumnSlot>, n_inverse)};

struct ReadCallAir {
  std::string_view name() const { return "read call"; }
  size_t main_width() const { return air::kWidth<ReadCallCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    using Expr = typename B::Expr;
    auto [l, n] = b.template rows<ReadCallCols>();
    (void)n;
    const Expr one(F::one()), zero(F::zero());
    auto c = [](uint32_t v) { return Expr(F::from_canonical(v)); };
    b.assert_bool(l.is_real, "is_real boolean");
    b.assert_bool(l.short_read, "short boolean");
    b.assert_bool(l.n_nonzero, "n_nonzero boolean");
    ReadToken(b, air::Direction::kReceive, l.clk, l.word, l.offset, l.count, l.n, l.short_read,
              l.is_real);

    // short = (n <u count); a full read returns exactly count bytes. So n <= count.
    const Expr result[4] = {Expr(l.short_read), zero, zero, zero};
    SendAlu(b, OpcodeConstant<B>(Opcode::kSltu), result, l.n, l.count, l.is_real, "n < count");
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero((one - l.short_read) * (l.n[k] - l.count[k]), "a full read returns count");
    }
    // n < 0x78000000 < p: its field value is the integer, so the chain writes exactly n bytes.
    SendByteRange(b, l.n[3] + c(0x88), zero, l.is_real, "n below 0x78000000");
    const Expr n_value = l.n[0] + c(1 << 8) * l.n[1] + c(1 << 16) * l.n[2] + c(1 << 24) * l.n[3];
    b.assert_zero(l.n_nonzero - n_value * l.n_inverse, "n nonzero witness");
    b.assert_zero(n_value * (one - l.n_nonzero), "n zero test");
    // Only a real call starts a chain: on a padding row nothing binds the clock, buffer or n.
    b.assert_zero(l.n_nonzero * (one - l.is_real), "input only from a real call");
    IoToken(b, air::Direction::kSend, one, l.clk, l.word, l.offset, n_value, zero, l.n_nonzero);
    air::BlindLogUpSum(b, kReadCallBlinding);
  }
};

template <class T>
struct IoWordCols {
  T is_real;
  T is_input;
  T clk;
  T word;
  T start[4];    // one-hot byte offset of the first byte of the run
  T enabled[4];  // the bytes of this word that are part of the buffer
  T remaining;   // bytes of the call not yet handled, this row's included
  T journal_index;
  T last;
  T value[4];      // the word before the access
  T new_value[4];  // after it (equal to value for the journal)
  T ts_diff[2];    // the previous access's timestamp, as a difference (memory_air.h)
};

// The io-word table's blinding cells (air/blinding.h): on a padding row (is_real = 0, so last,
// every start and every enabled flag are 0) the clock, word, remaining count and journal index
// are read only by interactions weighted by is_real, is_real - last or enabled, and by
// last * (remaining - count); the witness always ends the table with a padding row.
inline constexpr air::BlindingColumns kIoWordBlinding = {
    offsetof(IoWordCols<air::ColumnSlot>, clk), offsetof(IoWordCols<air::ColumnSlot>, word),
    offsetof(IoWordCols<air::ColumnSlot>, remaining),
    offsetof(IoWordCols<air::ColumnSlot>, journal_index)};

struct IoWordAir {
  std::string_view name() const { return "io words"; }
  size_t main_width() const { return air::kWidth<IoWordCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    using Expr = typename B::Expr;
    auto [l, n] = b.template rows<IoWordCols>();
    (void)n;
    const Expr one(F::one()), zero(F::zero());
    auto c = [](uint32_t v) { return Expr(F::from_canonical(v)); };
    b.assert_bool(l.is_real, "is_real boolean");
    b.assert_bool(l.is_input, "is_input boolean");
    b.assert_bool(l.last, "last boolean");
    b.assert_zero(l.last * (one - l.is_real), "last only on real rows");
    Expr start_sum = zero, count = zero, offset = zero;
    for (size_t k = 0; k < 4; ++k) {
      b.assert_bool(l.start[k], "start boolean");
      b.assert_bool(l.enabled[k], "enabled boolean");
      b.assert_zero(l.enabled[k] * (one - l.is_real), "padding reads nothing");
      start_sum = start_sum + l.start[k];
      count = count + l.enabled[k];
      offset = offset + c(static_cast<uint32_t>(k)) * l.start[k];
      Expr later = zero;
      for (size_t j = k + 1; j < 4; ++j) later = later + l.start[j];
      b.assert_zero(l.enabled[k] * later, "nothing before the start");
      if (k + 1 < 4) {
        b.assert_zero(l.enabled[k + 1] * (one - l.enabled[k]) * (one - l.start[k + 1]),
                      "contiguous run");
      }
    }
    b.assert_eq(start_sum, l.is_real, "one start per real row");
    b.assert_eq(l.start[0] * l.enabled[0] + l.start[1] * l.enabled[1] + l.start[2] * l.enabled[2] +
                    l.start[3] * l.enabled[3],
                l.is_real, "the start byte is handled");
    b.assert_zero(l.is_real * (one - l.last) * (one - l.enabled[3]),
                  "a row that is not the last runs to the end of its word");
    b.assert_zero(l.last * (l.remaining - count), "the last row ends the call");

    IoToken(b, air::Direction::kReceive, l.is_input, l.clk, l.word, offset, l.remaining,
            l.journal_index, l.is_real);
    IoToken(b, air::Direction::kSend, l.is_input, l.clk, l.word + one, zero, l.remaining - count,
            l.journal_index + count, l.is_real - l.last);

    // The journal reads; input replaces the enabled bytes (with bytes) and keeps the others.
    for (size_t k = 0; k < 4; ++k) {
      b.assert_zero((one - l.is_input) * (l.new_value[k] - l.value[k]), "journal reads only");
      b.assert_zero(l.is_input * (one - l.enabled[k]) * (l.new_value[k] - l.value[k]),
                    "input writes only its bytes");
    }
    SendByteRange(b, l.new_value[0], l.new_value[1], l.is_input, "input bytes");
    SendByteRange(b, l.new_value[2], l.new_value[3], l.is_input, "input bytes");

    const Expr ts = c(4) * l.clk + c(2);
    TimedAccess(b, l.word, l.value, l.new_value, ts, l.ts_diff, l.is_real, "buffer word");
    SendByteRange(b, l.ts_diff[1], zero, l.is_real, "ts diff high byte");

    Expr index = l.journal_index;
    for (size_t k = 0; k < 4; ++k) {
      b.interact(kJournalBus, {index, Expr(l.value[k])}, l.enabled[k] * (one - l.is_input),
                 air::Direction::kSend, "journal byte");
      index = index + l.enabled[k];
    }
    air::BlindLogUpSum(b, kIoWordBlinding);
  }
};

template <class T>
struct JournalCols {
  T index;
  T byte;
  T multiplicity;
};

struct JournalAir {
  std::string_view name() const { return "journal"; }
  size_t main_width() const { return air::kWidth<JournalCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return kJournalDigestBytes; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    auto [l, n] = b.template rows<JournalCols>();
    (void)n;
    using Expr = typename B::Expr;
    b.interact(kJournalBus, {Expr(l.index), Expr(l.byte)}, Expr(l.multiplicity),
               air::Direction::kReceive, "journal byte");
  }
};

}  // namespace prova::rv32im
