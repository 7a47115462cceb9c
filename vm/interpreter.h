#pragma once

// The interpreter core: one definition of every instruction, compiled once per context.
//
// Context is FastContext (kTracing = false: every hook below compiles away) or a recorder with
// kTracing = true and these hooks, all called from the access primitives (RS1, RS2, WRITE_RD,
// LOAD, STORE, RETIRE) and never from instruction bodies:
//   BeginStep(cycle, pc, insn)                       before each instruction
//   ReadRegister(slot, index, value)                 slot 0 = rs1, 1 = rs2
//   WriteRegister(index, value)                      index kDiscardRegister for x0
//   MemoryAccess(addr, prev_word, new_word, is_write)
//   SyscallMemoryAccess(word_addr, prev_word, new_word, is_write)
//   Syscall(number, args, result, data)
//   EndStep(next_pc)                                 the instruction retired
// A faulting instruction gets BeginStep but no EndStep.
//
// Dispatch uses GCC/Clang labels-as-values: a jump table indexed by the predecoded op, with the
// indirect jump replicated at the end of every handler so each has its own branch history. This
// file is only included by vm/machine.cc.

#include <cstring>

#include "vm/machine.h"

namespace prova::vm {

namespace interpreter_detail {

__attribute__((always_inline)) inline uint32_t LoadWordAt(const uint8_t* mem, uint32_t addr) {
  uint32_t value;
  std::memcpy(&value, mem + addr, 4);
  return value;
}

template <class Context>
__attribute__((always_inline)) inline uint32_t ReadRegister(Context& ctx, int slot, uint32_t index,
                                                            uint32_t value) {
  if constexpr (Context::kTracing) ctx.ReadRegister(slot, index, value);
  return value;
}

// High words of 32x32 -> 64-bit products, in 64-bit arithmetic (no overflow, no UB).
inline uint32_t MulHighSigned(uint32_t a, uint32_t b) {
  const int64_t p = int64_t{static_cast<int32_t>(a)} * int64_t{static_cast<int32_t>(b)};
  return static_cast<uint32_t>(static_cast<uint64_t>(p) >> 32);
}
inline uint32_t MulHighSignedUnsigned(uint32_t a, uint32_t b) {
  const int64_t p = int64_t{static_cast<int32_t>(a)} * int64_t{b};  // |p| < 2^63
  return static_cast<uint32_t>(static_cast<uint64_t>(p) >> 32);
}
inline uint32_t MulHighUnsigned(uint32_t a, uint32_t b) {
  return static_cast<uint32_t>((uint64_t{a} * uint64_t{b}) >> 32);
}
// Division as the M extension defines it for the cases C++ leaves undefined.
inline uint32_t DivSigned(uint32_t a, uint32_t b) {
  if (b == 0) return 0xffffffffu;
  if (a == 0x80000000u && b == 0xffffffffu) return a;
  return static_cast<uint32_t>(static_cast<int32_t>(a) / static_cast<int32_t>(b));
}
inline uint32_t RemSigned(uint32_t a, uint32_t b) {
  if (b == 0) return a;
  if (a == 0x80000000u && b == 0xffffffffu) return 0;
  return static_cast<uint32_t>(static_cast<int32_t>(a) % static_cast<int32_t>(b));
}
inline uint32_t DivUnsigned(uint32_t a, uint32_t b) { return b == 0 ? 0xffffffffu : a / b; }
inline uint32_t RemUnsigned(uint32_t a, uint32_t b) { return b == 0 ? a : a % b; }
inline uint32_t ShiftRightArithmetic(uint32_t a, uint32_t shift) {
  return static_cast<uint32_t>(static_cast<int32_t>(a) >> (shift & 31));
}
inline uint32_t SignExtend8(uint8_t v) {
  return static_cast<uint32_t>(int32_t{static_cast<int8_t>(v)});
}
inline uint32_t SignExtend16(uint16_t v) {
  return static_cast<uint32_t>(int32_t{static_cast<int16_t>(v)});
}

}  // namespace interpreter_detail

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"  // labels as values, statement expressions

// --- Access primitives (the only places that touch registers, memory and the trace) ---

#define RS1 interpreter_detail::ReadRegister(ctx, 0, d->rs1, x[d->rs1])
#define RS2 interpreter_detail::ReadRegister(ctx, 1, d->rs2, x[d->rs2])
#define IMM static_cast<uint32_t>(d->imm)
#define PC pc
#define CYCLE cycle

#define WRITE_RD(value)                                       \
  do {                                                        \
    const uint32_t value_ = (value);                          \
    x[d->rd] = value_;                                        \
    if constexpr (kTracing) ctx.WriteRegister(d->rd, value_); \
  } while (0)

// Loads are naturally aligned; the page must be readable.
#define LOAD(T)                                                                \
  ({                                                                           \
    const uint32_t addr_ = RS1 + IMM;                                          \
    if (addr_ & (sizeof(T) - 1)) [[unlikely]] {                                \
      fault_addr = addr_;                                                      \
      goto misaligned_access;                                                  \
    }                                                                          \
    if (!(perms[addr_ >> kPageShift] & kRead)) [[unlikely]] {                  \
      fault_addr = addr_;                                                      \
      goto load_fault;                                                         \
    }                                                                          \
    T loaded_;                                                                 \
    std::memcpy(&loaded_, mem + addr_, sizeof(T));                             \
    if constexpr (kTracing) {                                                  \
      const uint32_t word_ = interpreter_detail::LoadWordAt(mem, addr_ & ~3u); \
      ctx.MemoryAccess(addr_, word_, word_, false);                            \
    }                                                                          \
    loaded_;                                                                   \
  })

// Stores are naturally aligned; the page must be writable. A store into executable memory also
// refreshes the code cache (one combined permission test keeps the common case to one branch).
#define STORE(T)                                                                                \
  do {                                                                                          \
    const uint32_t addr_ = RS1 + IMM;                                                           \
    const T value_ = static_cast<T>(RS2);                                                       \
    if (addr_ & (sizeof(T) - 1)) [[unlikely]] {                                                 \
      fault_addr = addr_;                                                                       \
      goto misaligned_access;                                                                   \
    }                                                                                           \
    const uint8_t page_ = perms[addr_ >> kPageShift];                                           \
    if ((page_ & (kWrite | kExecute)) != kWrite && !(page_ & kWrite)) [[unlikely]] {            \
      fault_addr = addr_;                                                                       \
      goto store_fault;                                                                         \
    }                                                                                           \
    [[maybe_unused]] uint32_t before_ = 0;                                                      \
    if constexpr (kTracing) before_ = interpreter_detail::LoadWordAt(mem, addr_ & ~3u);         \
    std::memcpy(mem + addr_, &value_, sizeof(T));                                               \
    if constexpr (kTracing) {                                                                   \
      ctx.MemoryAccess(addr_, before_, interpreter_detail::LoadWordAt(mem, addr_ & ~3u), true); \
    }                                                                                           \
    if (page_ & kExecute) [[unlikely]]                                                          \
      InvalidateCode(addr_, sizeof(T));                                                         \
  } while (0)

// Fetch, decode (a code-cache lookup) and jump to the next handler.
#define DISPATCH()                                                                             \
  do {                                                                                         \
    if (cycle >= max_cycles) [[unlikely]]                                                      \
      goto cycle_limit;                                                                        \
    const uint32_t slot_ = (pc - code_base) >> 2;                                              \
    if (slot_ >= code_count) [[unlikely]]                                                      \
      goto fetch_fault;                                                                        \
    d = code + slot_;                                                                          \
    if constexpr (kTracing) ctx.BeginStep(cycle, pc, interpreter_detail::LoadWordAt(mem, pc)); \
    goto* kHandlers[static_cast<uint8_t>(d->op)];                                              \
  } while (0)

#define RETIRE(next_pc)                         \
  do {                                          \
    const uint32_t next_ = (next_pc);           \
    if constexpr (kTracing) ctx.EndStep(next_); \
    pc = next_;                                 \
    ++cycle;                                    \
    DISPATCH();                                 \
  } while (0)

#define NEXT RETIRE(pc + 4)

// Control transfers fault on a target that is not 4-byte aligned (no C extension), before rd is
// written.
#define JUMP_AND_LINK(target)          \
  do {                                 \
    const uint32_t target_ = (target); \
    if (target_ & 3) [[unlikely]] {    \
      fault_addr = target_;            \
      goto misaligned_jump;            \
    }                                  \
    WRITE_RD(pc + 4);                  \
    RETIRE(target_);                   \
  } while (0)

#define BRANCH(condition)                \
  do {                                   \
    if (condition) {                     \
      const uint32_t target_ = pc + IMM; \
      if (target_ & 3) [[unlikely]] {    \
        fault_addr = target_;            \
        goto misaligned_jump;            \
      }                                  \
      RETIRE(target_);                   \
    }                                    \
    NEXT;                                \
  } while (0)

template <class Context>
void Machine::Run(Context& ctx, uint64_t max_cycles) {
  using namespace interpreter_detail;
  constexpr bool kTracing = Context::kTracing;
  static void* const kHandlers[] = {
#define PROVA_OP_LABEL(name) &&op_##name,
      PROVA_ALL_OPS(PROVA_OP_LABEL)
#undef PROVA_OP_LABEL
  };
  static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == static_cast<size_t>(Op::kCount));
  if (state_ != State::kRunning) return;

  uint32_t x[33];
  std::memcpy(x, regs_.data(), sizeof(x));
  uint8_t* const mem = memory_.base();
  const uint8_t* const perms = memory_.permissions();
  const DecodedInstruction* const code = code_.data();
  const uint32_t code_base = code_base_;
  const uint32_t code_count = code_count_;
  uint32_t pc = pc_;
  uint64_t cycle = cycles_;
  const DecodedInstruction* d = nullptr;
  uint32_t fault_addr = 0;

  DISPATCH();

  // clang-format off
  // --- RV32I ---
op_Lui:             WRITE_RD(IMM); NEXT;
op_Auipc:           WRITE_RD(PC + IMM); NEXT;
op_Jal:             JUMP_AND_LINK(PC + IMM);
op_Jalr:            JUMP_AND_LINK((RS1 + IMM) & ~1u);
op_Beq:             BRANCH(RS1 == RS2);
op_Bne:             BRANCH(RS1 != RS2);
op_Blt:             BRANCH(static_cast<int32_t>(RS1) < static_cast<int32_t>(RS2));
op_Bge:             BRANCH(static_cast<int32_t>(RS1) >= static_cast<int32_t>(RS2));
op_Bltu:            BRANCH(RS1 < RS2);
op_Bgeu:            BRANCH(RS1 >= RS2);
op_Lb:              WRITE_RD(SignExtend8(LOAD(uint8_t))); NEXT;
op_Lh:              WRITE_RD(SignExtend16(LOAD(uint16_t))); NEXT;
op_Lw:              WRITE_RD(LOAD(uint32_t)); NEXT;
op_Lbu:             WRITE_RD(LOAD(uint8_t)); NEXT;
op_Lhu:             WRITE_RD(LOAD(uint16_t)); NEXT;
op_Sb:              STORE(uint8_t); NEXT;
op_Sh:              STORE(uint16_t); NEXT;
op_Sw:              STORE(uint32_t); NEXT;
op_Addi:            WRITE_RD(RS1 + IMM); NEXT;
op_Slti:            WRITE_RD(static_cast<int32_t>(RS1) < d->imm ? 1 : 0); NEXT;
op_Sltiu:           WRITE_RD(RS1 < IMM ? 1 : 0); NEXT;
op_Xori:            WRITE_RD(RS1 ^ IMM); NEXT;
op_Ori:             WRITE_RD(RS1 | IMM); NEXT;
op_Andi:            WRITE_RD(RS1 & IMM); NEXT;
op_Slli:            WRITE_RD(RS1 << IMM); NEXT;  // the decoder guarantees shamt < 32
op_Srli:            WRITE_RD(RS1 >> IMM); NEXT;
op_Srai:            WRITE_RD(ShiftRightArithmetic(RS1, IMM)); NEXT;
op_Add:             WRITE_RD(RS1 + RS2); NEXT;
op_Sub:             WRITE_RD(RS1 - RS2); NEXT;
op_Sll:             WRITE_RD(RS1 << (RS2 & 31)); NEXT;
op_Slt:             WRITE_RD(static_cast<int32_t>(RS1) < static_cast<int32_t>(RS2) ? 1 : 0); NEXT;
op_Sltu:            WRITE_RD(RS1 < RS2 ? 1 : 0); NEXT;
op_Xor:             WRITE_RD(RS1 ^ RS2); NEXT;
op_Srl:             WRITE_RD(RS1 >> (RS2 & 31)); NEXT;
op_Sra:             WRITE_RD(ShiftRightArithmetic(RS1, RS2)); NEXT;
op_Or:              WRITE_RD(RS1 | RS2); NEXT;
op_And:             WRITE_RD(RS1 & RS2); NEXT;
op_Fence:           NEXT;
op_Ecall:
  switch (Syscall(ctx, x, pc)) {
    case SyscallOutcome::kContinue:
      NEXT;
    case SyscallOutcome::kExit:
      if constexpr (kTracing) ctx.EndStep(pc + 4);
      pc += 4;
      ++cycle;
      goto done;
    case SyscallOutcome::kFault:
      goto done;
  }
  goto done;
op_Ebreak:          RaiseFault(FaultKind::kEbreak, pc, 0); goto done;

  // --- RV32M ---
op_Mul:             WRITE_RD(RS1 * RS2); NEXT;
op_Mulh:            WRITE_RD(MulHighSigned(RS1, RS2)); NEXT;
op_Mulhsu:          WRITE_RD(MulHighSignedUnsigned(RS1, RS2)); NEXT;
op_Mulhu:           WRITE_RD(MulHighUnsigned(RS1, RS2)); NEXT;
op_Div:             WRITE_RD(DivSigned(RS1, RS2)); NEXT;
op_Divu:            WRITE_RD(DivUnsigned(RS1, RS2)); NEXT;
op_Rem:             WRITE_RD(RemSigned(RS1, RS2)); NEXT;
op_Remu:            WRITE_RD(RemUnsigned(RS1, RS2)); NEXT;

  // --- Counters: instructions retired before this one ---
op_ReadCounter:     WRITE_RD(static_cast<uint32_t>(CYCLE)); NEXT;
op_ReadCounterHigh: WRITE_RD(static_cast<uint32_t>(CYCLE >> 32)); NEXT;

  // clang-format on
  // --- Faults ---
op_Illegal:
  RaiseFault(FaultKind::kIllegalInstruction, pc, 0);
  goto done;
op_FetchFault:
fetch_fault:
  RaiseFault(perms[pc >> kPageShift] == 0 ? FaultKind::kUnmappedMemory
                                          : FaultKind::kFetchFromNonExecutable,
             pc, pc);
  goto done;
cycle_limit:
  cycles_ = cycle;  // for the message
  RaiseFault(FaultKind::kCycleLimit, pc, 0);
  goto done;
misaligned_access:
  RaiseFault(FaultKind::kMisalignedAccess, pc, fault_addr);
  goto done;
misaligned_jump:
  RaiseFault(FaultKind::kMisalignedJump, pc, fault_addr);
  goto done;
load_fault:
  RaiseFault(FaultKind::kUnmappedMemory, pc, fault_addr);
  goto done;
store_fault:
  RaiseFault(perms[fault_addr >> kPageShift] == 0 ? FaultKind::kUnmappedMemory
                                                  : FaultKind::kWriteToReadOnly,
             pc, fault_addr);
  goto done;

done:
  std::memcpy(regs_.data(), x, sizeof(x));
  pc_ = pc;
  cycles_ = cycle;
}

#undef RS1
#undef RS2
#undef IMM
#undef PC
#undef CYCLE
#undef WRITE_RD
#undef LOAD
#undef STORE
#undef DISPATCH
#undef RETIRE
#undef NEXT
#undef JUMP_AND_LINK
#undef BRANCH

#pragma GCC diagnostic pop

}  // namespace prova::vm
