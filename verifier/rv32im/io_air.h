#pragma once

// The journal: bytes a guest writes to fd 3.
//
// JournalReaderAir: one row per memory word of a journal write's buffer. The CPU's ecall row
// sends a token (clock, word, byte offset, bytes remaining, journal index) on the SYSCALL bus;
// each reader row receives one, reads its word through the MEMORY bus at timestamp 4 * clock + 2
// (value unchanged), sends the bytes of the word that belong to the buffer on the JOURNAL bus as
// (journal index, byte), and, unless it is the last row of the write, sends the token for the
// next word. The enabled bytes of a row are a contiguous run starting at the token's offset; a
// row that is not the last one runs to the end of its word; the last one ends exactly with the
// remaining count. A chain of tokens starts only at a CPU row (the word index strictly increases
// along a chain, so there are no cycles), so every reader row belongs to a real write.
//
// JournalAir: rows (index, byte) receiving the JOURNAL bus with a multiplicity. It has no
// constraints: the verifier recomputes its LogUp cumulative sum from the public journal,
//   -sum_i 1 / (alpha - (JOURNAL + beta * i + beta^2 * journal[i])),
// and rejects a proof whose journal table states another sum. As the main trace is committed
// before alpha and beta are drawn, equal sums mean (Schwartz-Zippel) the table's rows are exactly
// the public journal, so the bytes the CPU wrote are the public journal.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/rv32im/buses.h"
#include "verifier/rv32im/cpu_air.h"
#include "verifier/rv32im/memory_air.h"

namespace prova::rv32im {

template <class T>
struct JournalReaderCols {
  T is_real;
  T clk;
  T word;
  T start[4];    // one-hot byte offset of the first byte of the run
  T enabled[4];  // the bytes of this word that are part of the buffer
  T remaining;   // bytes of the write not yet read, this row's included
  T journal_index;
  T last;
  T value[4];
  T prev_ts;
  T ts_diff[2];
};

struct JournalReaderAir {
  std::string_view name() const { return "journal reader"; }
  size_t main_width() const { return air::kWidth<JournalReaderCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return 0; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    using Expr = typename B::Expr;
    auto [l, n] = b.template rows<JournalReaderCols>();
    (void)n;
    const Expr one(F::one()), zero(F::zero());
    auto c = [](uint32_t v) { return Expr(F::from_canonical(v)); };
    b.assert_bool(l.is_real, "is_real boolean");
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
                l.is_real, "the start byte is read");
    b.assert_zero(l.is_real * (one - l.last) * (one - l.enabled[3]),
                  "a row that is not the last runs to the end of its word");
    b.assert_zero(l.last * (l.remaining - count), "the last row ends the write");

    IoToken(b, air::Direction::kReceive, l.clk, l.word, offset, l.remaining, l.journal_index,
            l.is_real);
    IoToken(b, air::Direction::kSend, l.clk, l.word + one, zero, l.remaining - count,
            l.journal_index + count, l.is_real - l.last);

    const Expr ts = c(4) * l.clk + c(2);
    MemoryAccess(b, l.word, l.value, l.prev_ts, l.value, ts, l.is_real, "buffer word");
    TimestampDiff(b, ts, l.prev_ts, l.ts_diff, l.is_real);
    SendByteRange(b, l.ts_diff[1], zero, l.is_real, "ts diff high byte");

    Expr index = l.journal_index;
    for (size_t k = 0; k < 4; ++k) {
      b.interact(kJournalBus, {index, Expr(l.value[k])}, Expr(l.enabled[k]), air::Direction::kSend,
                 "journal byte");
      index = index + l.enabled[k];
    }
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
  size_t num_public_values() const { return 0; }

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
