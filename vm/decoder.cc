#include "vm/decoder.h"

namespace prova::vm {
namespace {

constexpr uint32_t kOpLoad = 0x03, kOpMiscMem = 0x0f, kOpImm = 0x13, kOpAuipc = 0x17,
                   kOpStore = 0x23, kOpReg = 0x33, kOpLui = 0x37, kOpBranch = 0x63, kOpJalr = 0x67,
                   kOpJal = 0x6f, kOpSystem = 0x73;
constexpr uint32_t kCsrCycle = 0xc00, kCsrInstret = 0xc02, kCsrCycleH = 0xc80, kCsrInstretH = 0xc82;

uint8_t Rd(const Instruction& i) {
  return i.rd() == 0 ? kDiscardRegister : static_cast<uint8_t>(i.rd());
}

DecodedInstruction Make(Op op, uint8_t rd, uint32_t rs1, uint32_t rs2, int32_t imm) {
  return DecodedInstruction{op, rd, static_cast<uint8_t>(rs1), static_cast<uint8_t>(rs2), imm};
}

constexpr DecodedInstruction kIllegal{};

}  // namespace

std::string_view OpName(Op op) {
  switch (op) {
#define PROVA_OP_NAME(name) \
  case Op::k##name:         \
    return #name;
    PROVA_ALL_OPS(PROVA_OP_NAME)
#undef PROVA_OP_NAME
    case Op::kCount:
      break;
  }
  return "?";
}

DecodedInstruction Decode(uint32_t word) {
  const Instruction i{word};
  switch (i.opcode()) {
    case kOpLui:
      return Make(Op::kLui, Rd(i), 0, 0, i.imm_u());
    case kOpAuipc:
      return Make(Op::kAuipc, Rd(i), 0, 0, i.imm_u());
    case kOpJal:
      return Make(Op::kJal, Rd(i), 0, 0, i.imm_j());
    case kOpJalr:
      if (i.funct3() != 0) return kIllegal;
      return Make(Op::kJalr, Rd(i), i.rs1(), 0, i.imm_i());
    case kOpBranch: {
      static constexpr Op kOps[8] = {Op::kBeq, Op::kBne, Op::kIllegal, Op::kIllegal,
                                     Op::kBlt, Op::kBge, Op::kBltu,    Op::kBgeu};
      const Op op = kOps[i.funct3()];
      if (op == Op::kIllegal) return kIllegal;
      return Make(op, kDiscardRegister, i.rs1(), i.rs2(), i.imm_b());
    }
    case kOpLoad: {
      static constexpr Op kOps[8] = {Op::kLb,  Op::kLh,  Op::kLw,      Op::kIllegal,
                                     Op::kLbu, Op::kLhu, Op::kIllegal, Op::kIllegal};
      const Op op = kOps[i.funct3()];
      if (op == Op::kIllegal) return kIllegal;
      return Make(op, Rd(i), i.rs1(), 0, i.imm_i());
    }
    case kOpStore: {
      static constexpr Op kOps[8] = {Op::kSb,      Op::kSh,      Op::kSw,      Op::kIllegal,
                                     Op::kIllegal, Op::kIllegal, Op::kIllegal, Op::kIllegal};
      const Op op = kOps[i.funct3()];
      if (op == Op::kIllegal) return kIllegal;
      return Make(op, kDiscardRegister, i.rs1(), i.rs2(), i.imm_s());
    }
    case kOpImm: {
      switch (i.funct3()) {
        case 0:
          return Make(Op::kAddi, Rd(i), i.rs1(), 0, i.imm_i());
        case 2:
          return Make(Op::kSlti, Rd(i), i.rs1(), 0, i.imm_i());
        case 3:
          return Make(Op::kSltiu, Rd(i), i.rs1(), 0, i.imm_i());
        case 4:
          return Make(Op::kXori, Rd(i), i.rs1(), 0, i.imm_i());
        case 6:
          return Make(Op::kOri, Rd(i), i.rs1(), 0, i.imm_i());
        case 7:
          return Make(Op::kAndi, Rd(i), i.rs1(), 0, i.imm_i());
        case 1:  // RV32: shamt[5] must be 0
          if (i.funct7() != 0) return kIllegal;
          return Make(Op::kSlli, Rd(i), i.rs1(), 0, static_cast<int32_t>(i.rs2()));
        case 5:
          if (i.funct7() == 0)
            return Make(Op::kSrli, Rd(i), i.rs1(), 0, static_cast<int32_t>(i.rs2()));
          if (i.funct7() == 0x20)
            return Make(Op::kSrai, Rd(i), i.rs1(), 0, static_cast<int32_t>(i.rs2()));
          return kIllegal;
      }
      return kIllegal;
    }
    case kOpReg: {
      static constexpr Op kBase[8] = {Op::kAdd, Op::kSll, Op::kSlt, Op::kSltu,
                                      Op::kXor, Op::kSrl, Op::kOr,  Op::kAnd};
      static constexpr Op kMulDiv[8] = {Op::kMul, Op::kMulh, Op::kMulhsu, Op::kMulhu,
                                        Op::kDiv, Op::kDivu, Op::kRem,    Op::kRemu};
      Op op;
      if (i.funct7() == 0) {
        op = kBase[i.funct3()];
      } else if (i.funct7() == 1) {
        op = kMulDiv[i.funct3()];
      } else if (i.funct7() == 0x20 && i.funct3() == 0) {
        op = Op::kSub;
      } else if (i.funct7() == 0x20 && i.funct3() == 5) {
        op = Op::kSra;
      } else {
        return kIllegal;
      }
      return Make(op, Rd(i), i.rs1(), i.rs2(), 0);
    }
    case kOpMiscMem:
      // fence (any predecessor/successor sets) and fence.i: no-ops for a single in-order hart.
      if (i.funct3() == 0 || i.funct3() == 1) return Make(Op::kFence, kDiscardRegister, 0, 0, 0);
      return kIllegal;
    case kOpSystem:
      if (word == 0x00000073) return Make(Op::kEcall, kDiscardRegister, 0, 0, 0);
      if (word == 0x00100073) return Make(Op::kEbreak, kDiscardRegister, 0, 0, 0);
      if (i.funct3() == 2 && i.rs1() == 0) {  // csrrs rd, csr, x0: a pure read
        if (i.csr() == kCsrCycle || i.csr() == kCsrInstret) {
          return Make(Op::kReadCounter, Rd(i), 0, 0, 0);
        }
        if (i.csr() == kCsrCycleH || i.csr() == kCsrInstretH) {
          return Make(Op::kReadCounterHigh, Rd(i), 0, 0, 0);
        }
      }
      return kIllegal;
    default:
      return kIllegal;
  }
}

}  // namespace prova::vm
