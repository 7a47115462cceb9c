#pragma once

// The program table: one PREPROCESSED row per instruction word of every executable segment of the
// image, decoded on the host (prover/rv32im/program_rows.h), plus a main-trace multiplicity (how
// many times the instruction executed). It receives the PROGRAM bus; the CPU sends one lookup per
// step, so a step can only execute (pc, decoded instruction) pairs that are in the image: the
// fixed columns are committed in the verifying key, and so in the image ID.
//
// PROGRAM tuple: (pc, rd, rs1, rs2, imm[4], rd_const[4], target, alu_op, flags).
//  - imm: the immediate as a word (byte limbs);
//  - rd_const: the value written to rd by LUI (imm), AUIPC (pc + imm), JAL/JALR (pc + 4);
//  - target: pc + imm for JAL and branches (the taken target), as a field element;
//  - alu_op: the ALU opcode the CPU sends (0 when none): the instruction's own for ALU
//    instructions, ADD for loads/stores/JALR (address), SUB/SLT/SLTU for branches;
//  - flags: the CpuFlag bits below, packed as sum flag_i * 2^i.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/air/matrix.h"
#include "verifier/field/babybear.h"
#include "verifier/rv32im/buses.h"

namespace prova::rv32im {

// What an instruction does, as booleans the CPU row carries (cpu_air.h). Exactly the
// combinations the host decoder produces are possible: the flags come from the fixed columns.
enum CpuFlag : uint32_t {
  kFlagAluSend = 0,  // send (alu_op, alu_a, rs1, c) on the ALU bus
  kFlagImm,          // c = imm (else c = rs2)
  kFlagWriteAlu,     // rd := alu_a            (rd != 0)
  kFlagWriteConst,   // rd := rd_const         (rd != 0)
  kFlagWriteLoad,    // rd := loaded value     (rd != 0)
  kFlagBranchEq,     // taken iff rs1 == rs2   (alu_a = rs1 - rs2)
  kFlagBranchNe,     // taken iff rs1 != rs2
  kFlagBranchLt,     // taken iff alu_a == 1   (SLT / SLTU)
  kFlagBranchGe,     // taken iff alu_a == 0
  kFlagJal,          // next_pc = target
  kFlagJalr,         // next_pc = alu_a & ~1
  kFlagLoadByte,     // memory access: load 1, 2 or 4 bytes
  kFlagLoadHalf,
  kFlagLoadWord,
  kFlagSigned,     // sign-extend a byte or halfword load
  kFlagStoreByte,  // memory access: store 1, 2 or 4 bytes
  kFlagStoreHalf,
  kFlagStoreWord,
  kFlagEcall,  // a syscall: exit or write (cpu_air.h)
  kNumCpuFlags
};

// Register i lives at MEMORY-bus address kRegisterBase + i, far above every memory word index
// (word indices are < 2^30; a syscall buffer walking past the top of memory reaches at most
// 2^30 + 2^22, which no table initialises, so it can never alias a register).
inline constexpr uint32_t kRegisterBase = uint32_t{3} << 29;

template <class T>
struct ProgramCols {
  T pc;
  T rd;
  T rs1;
  T rs2;
  T imm[4];
  T rd_const[4];
  T target;
  T alu_op;
  T flags;
  T is_real;  // 0 on padding rows: they can never be executed
};

template <class T>
struct ProgramMultiplicityCols {
  T multiplicity;
  air::BlindingCols<T> blinding;
};
static_assert(air::kBlindingIsLast<ProgramMultiplicityCols>);

// The PROGRAM-bus interaction, shared by the CPU (send) and the program table (receive).
template <class B, class Row, class Flags, class M>
void ProgramInteract(B& b, air::Direction direction, const Row& r, const Flags& flags,
                     const M& multiplicity) {
  using Expr = typename B::Expr;
  b.interact(
      kProgramBus,
      {Expr(r.pc), Expr(r.rd), Expr(r.rs1), Expr(r.rs2), Expr(r.imm[0]), Expr(r.imm[1]),
       Expr(r.imm[2]), Expr(r.imm[3]), Expr(r.rd_const[0]), Expr(r.rd_const[1]),
       Expr(r.rd_const[2]), Expr(r.rd_const[3]), Expr(r.target), Expr(r.alu_op), Expr(flags)},
      Expr(multiplicity), direction, "program");
}

struct ProgramAir {
  // The fixed columns; empty on the verifier side (only Setup reads them).
  air::RowMajorMatrix<BabyBear> fixed;

  std::string_view name() const { return "program"; }
  size_t main_width() const { return air::kWidth<ProgramMultiplicityCols>; }
  size_t preprocessed_width() const { return air::kWidth<ProgramCols>; }
  size_t num_public_values() const { return 0; }
  air::RowMajorMatrix<BabyBear> preprocessed_trace() const { return fixed; }

  template <air::AirBuilder B>
  void eval(B& b) const {
    using F = typename B::F;
    auto [p, p_next] = b.template preprocessed_rows<ProgramCols>();
    (void)p_next;
    auto [local, next] = b.template rows<ProgramMultiplicityCols>();
    (void)next;
    b.assert_zero((F::one() - p.is_real) * local.multiplicity, "padding never executes");
    ProgramInteract(b, air::Direction::kReceive, p, p.flags, local.multiplicity);
    air::BlindLogUpSum(b, local.blinding);
  }
};

}  // namespace prova::rv32im
