#pragma once

// The memory argument (offline memory checking with timestamps, as in SP1 and Ceno): the MEMORY
// bus carries (address, value[4], timestamp). Every access to an address receives the previous
// (value, timestamp) and sends the new one with a strictly larger timestamp; the initialisation
// tables send (address, initial value, 0) exactly once per address and receive the final
// (value, timestamp). The bus balances only if, for every address, the accesses form one chain
// from its initial value to its final one in timestamp order, so every read returns the last
// value written. Addresses are word indices (< 2^30) for memory, kRegisterBase + i for register i.
//
//  - MemoryInitAir: PREPROCESSED from the image (every word of the image's pages: code, data, the
//    initial stack page, and the 32 registers), so its rows are fixed by the image ID;
//  - ZeroInitAir: words outside the image, initialised to zero. Their addresses are strictly
//    increasing (so each is initialised once) and lie in [image_end_word, stack_image_word)
//    (public values bound by the image ID), so no address of the image can be initialised twice
//    or with a prover-chosen value (the bug class of Jolt issue #490).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"
#include "verifier/rv32im/buses.h"

namespace prova::rv32im {

// One access: receive (addr, prev, prev_ts), send (addr, value, ts).
template <class B, class A, class W0, class P, class W1, class T, class M>
void MemoryAccess(B& b, const A& addr, const W0& prev, const P& prev_ts, const W1& value,
                  const T& ts, const M& multiplicity, std::string_view name) {
  using Expr = typename B::Expr;
  b.interact(
      kMemoryBus,
      {Expr(addr), Expr(prev[0]), Expr(prev[1]), Expr(prev[2]), Expr(prev[3]), Expr(prev_ts)},
      Expr(multiplicity), air::Direction::kReceive, name);
  b.interact(kMemoryBus,
             {Expr(addr), Expr(value[0]), Expr(value[1]), Expr(value[2]), Expr(value[3]), Expr(ts)},
             Expr(multiplicity), air::Direction::kSend, name);
}

// An access at timestamp ts whose previous timestamp is ts - 1 - diff[0] - 2^16 diff[1]: with
// diff[0] < 2^16 (checked here) and diff[1] a byte (the caller range-checks it, two at a time),
// that is below ts, so the previous timestamp needs no column of its own. Timestamps are below
// 4 * 2^24 + 4 (clocks below the 2^24-row limit), far below p, so the difference cannot wrap.
template <class B, class A, class W0, class W1, class T, class D, class M>
void TimedAccess(B& b, const A& addr, const W0& prev, const W1& value, const T& ts, const D& diff,
                 const M& multiplicity, std::string_view name) {
  using F = typename B::F;
  using Expr = typename B::Expr;
  const Expr prev_ts =
      Expr(ts) - F::one() - Expr(diff[0]) - Expr(F::from_canonical(1 << 16)) * Expr(diff[1]);
  MemoryAccess(b, addr, prev, prev_ts, value, ts, multiplicity, name);
  SendU16Range(b, diff[0], multiplicity, "timestamp difference low 16 bits");
}

template <class T>
struct MemoryInitCols {
  T address;
  T value[4];
  T is_real;
};

template <class T>
struct MemoryFinalCols {
  T value[4];
  T timestamp;
};

// The memory image table's blinding cells (air/blinding.h): the final value, which only the
// final-value receive reads, weighted by the fixed is_real, so it is free on padding rows; and the
// last row always is one (the image has a row per word of its pages, of the stack page and per
// register: 32 more than a multiple of 1024, never a power of two).
inline constexpr air::BlindingColumns kMemoryImageBlinding =
    air::ConsecutiveBlindingColumns(offsetof(MemoryFinalCols<air::ColumnSlot>, value));
static_assert(sizeof(MemoryFinalCols<air::ColumnSlot>::value) == air::kBlindingWidth);

struct MemoryInitAir {
  air::RowMajorMatrix<BabyBear> fixed;  // empty on the verifier side

  std::string_view name() const { return "memory image"; }
  size_t main_width() const { return air::kWidth<MemoryFinalCols>; }
  size_t preprocessed_width() const { return air::kWidth<MemoryInitCols>; }
  size_t num_public_values() const { return 0; }
  air::RowMajorMatrix<BabyBear> preprocessed_trace() const { return fixed; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    using Expr = typename B::Expr;
    auto [p, p_next] = b.template preprocessed_rows<MemoryInitCols>();
    (void)p_next;
    auto [l, n] = b.template rows<MemoryFinalCols>();
    (void)n;
    const Expr zero(F::zero());
    b.interact(kMemoryBus,
               {Expr(p.address), Expr(p.value[0]), Expr(p.value[1]), Expr(p.value[2]),
                Expr(p.value[3]), zero},
               Expr(p.is_real), air::Direction::kSend, "initial value");
    b.interact(kMemoryBus,
               {Expr(p.address), Expr(l.value[0]), Expr(l.value[1]), Expr(l.value[2]),
                Expr(l.value[3]), Expr(l.timestamp)},
               Expr(p.is_real), air::Direction::kReceive, "final value");
    air::BlindLogUpSum(b, kMemoryImageBlinding);
  }
};

// The largest value of lo + 2^14 hi with both halves below 2^16: the reach of the zero-init
// table's above, below and gap checks (just over 2^30).
inline constexpr uint64_t kZeroInitReach = 0xffff + (uint64_t{1} << 14) * 0xffff;

// Whether the zero-init checks, which hold modulo p, confine the table's addresses to distinct
// integers in [image_end_word E, stack_image_word S). "above" accepts [E, E + reach]; "below"
// accepts [S - 1 - reach, S) and, its difference wrapping, [p + S - 1 - reach, p). Where the
// second range meets [E, E + reach], an address there passes both and lets the next row's
// address wrap back below it, so one address could be initialised twice (two chains of
// accesses, a load returning a stale value). Kept apart, every accepted address is an integer in
// [E, S) (E + reach < p follows, S being below 2^30), and a step down from a to b <= a leaves
// p - (a - b) - 1 >= p - (S - E) > reach, which "strictly increase" refuses. Images built by
// the prover (E below 2^28 + 2^24, S about 2^29) are far inside; the verifier checks it anyway,
// since the image ID is all it knows of the layout.
inline constexpr bool ZeroInitRangeIsSound(uint32_t image_end_word, uint32_t stack_image_word) {
  const uint64_t e = image_end_word, s = stack_image_word, p = BabyBear::kPrime;
  return e <= s && e + 2 * kZeroInitReach + 1 < p + s && s - e + kZeroInitReach < p;
}

template <class T>
struct ZeroInitCols {
  T is_real;
  T address;
  T value[4];   // final
  T timestamp;  // final
  // address - image_end_word = above[0] + 2^14 above[1], both < 2^16: in [0, 2^30 + 2^16).
  T above[2];
  // stack_image_word - 1 - address, likewise.
  T below[2];
  // next.address - address - 1, likewise (checked when the next row is real).
  T gap[2];
};

// The zero-init table's blinding cells (air/blinding.h): the final value, which only the
// is_real-weighted final-value receive reads, so it is free on padding rows; the witness always
// ends the table with one.
inline constexpr air::BlindingColumns kZeroInitBlinding =
    air::ConsecutiveBlindingColumns(offsetof(ZeroInitCols<air::ColumnSlot>, value));
static_assert(sizeof(ZeroInitCols<air::ColumnSlot>::value) == air::kBlindingWidth);

enum ZeroInitPublic : size_t {
  kPublicImageEndWord = 0,
  kPublicStackImageWord = 1,
  kNumZeroInitPublics = 2
};

struct ZeroInitAir {
  std::string_view name() const { return "memory zero-init"; }
  size_t main_width() const { return air::kWidth<ZeroInitCols>; }
  size_t preprocessed_width() const { return 0; }
  size_t num_public_values() const { return kNumZeroInitPublics; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    using Expr = typename B::Expr;
    auto [l, n] = b.template rows<ZeroInitCols>();
    auto pv = b.public_values();
    const Expr one(F::one()), zero(F::zero());
    const Expr shift(F::from_canonical(1 << 14));
    b.assert_bool(l.is_real, "is_real boolean");
    b.when_transition().assert_zero(n.is_real * (one - l.is_real), "padding after real rows");
    b.assert_zero(
        l.is_real * (l.address - pv[kPublicImageEndWord] - l.above[0] - shift * l.above[1]),
        "address above the image");
    b.assert_zero(l.is_real * (Expr(pv[kPublicStackImageWord]) - one - l.address - l.below[0] -
                               shift * l.below[1]),
                  "address below the stack image");
    b.when_transition().assert_zero(
        n.is_real * (n.address - l.address - one - l.gap[0] - shift * l.gap[1]),
        "addresses strictly increase");
    SendU16Range(b, l.above[0], l.is_real, "above low");
    SendU16Range(b, l.above[1], l.is_real, "above high");
    SendU16Range(b, l.below[0], l.is_real, "below low");
    SendU16Range(b, l.below[1], l.is_real, "below high");
    SendU16Range(b, l.gap[0], n.is_real, "gap low");
    SendU16Range(b, l.gap[1], n.is_real, "gap high");
    b.interact(kMemoryBus, {Expr(l.address), zero, zero, zero, zero, zero}, Expr(l.is_real),
               air::Direction::kSend, "initial zero");
    b.interact(kMemoryBus,
               {Expr(l.address), Expr(l.value[0]), Expr(l.value[1]), Expr(l.value[2]),
                Expr(l.value[3]), Expr(l.timestamp)},
               Expr(l.is_real), air::Direction::kReceive, "final value");
    air::BlindLogUpSum(b, kZeroInitBlinding);
  }
};

}  // namespace prova::rv32im
