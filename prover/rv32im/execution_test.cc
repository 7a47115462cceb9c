// End-to-end tests of the RV32IM circuit: programs assembled in the test prove and verify; with
// the unchecked prover and a tampered witness, the verifier rejects.

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "prover/rv32im/alu_trace.h"
#include "prover/rv32im/fixed_columns.h"
#include "prover/rv32im/image_id.h"
#include "prover/rv32im/prove.h"
#include "prover/rv32im/witness.h"
#include "prover/stark/blinding.h"
#include "verifier/air/air.h"
#include "verifier/air/blinding.h"
#include "verifier/air/check.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/rv32im/cpu_air.h"
#include "verifier/rv32im/io_air.h"
#include "verifier/rv32im/seal.h"
#include "verifier/rv32im/verify.h"
#include "verifier/stark/config.h"
#include "verifier/stark/layout.h"
#include "verifier/stark/proof.h"
#include "vm/assembler.h"
#include "vm/machine.h"
#include "vm/trace.h"

namespace prova::rv32im {
namespace {

using namespace vm::rv32;  // NOLINT: register names and encoders

// Exercises ALU (register and immediate), LUI/AUIPC, loads/stores of every width with sign
// extension, branches taken and not, JAL/JALR, memory outside the image (deep stack), x0 writes.
vm::ProgramImage TestProgram() {
  Code c;
  c << Addi(t0, zero, 0) << Addi(t1, zero, 10) << Lui(s0, 0x20000);
  const int32_t loop = c.here();
  c << Add(t0, t0, t1)  // sum += i
    << Sw(t0, s0, 0)    // mem[s0] = sum
    << Lw(t2, s0, 0)    // t2 = sum
    << Sb(t1, s0, 5)    // byte store
    << Lbu(t3, s0, 5)   // byte load
    << Lh(t4, s0, 4)    // half load (sign extended)
    << Addi(t1, t1, -1);
  c << Bne(t1, zero, loop - c.here());
  c << Addi(zero, t0, 7);  // a write to x0: no effect
  c << Addi(s1, zero, -128) << Sb(s1, s0, 9) << Lb(s2, s0, 9) << Lbu(s3, s0, 9);
  c << Li(s4, 0x8000ff01) << Sh(s4, s0, 12) << Lh(s5, s0, 12) << Lhu(s6, s0, 12);
  c << Addi(s7, sp, -1024) << Addi(s7, s7, -1024) << Addi(s7, s7, -2048);
  c << Addi(s7, s7, -2048) << Sw(t0, s7, 0) << Lw(s8, s7, 0);  // deep stack: zero-init memory
  c << Lw(s9, s7, 4);                                          // untouched zero word
  c << Auipc(a1, 0x1000);
  // Journal: 9 bytes from an unaligned buffer (three words), console output, an empty write.
  c << Addi(a0, zero, 3) << Addi(a1, s0, 1) << Addi(a2, zero, 9) << Addi(a7, zero, 64) << Ecall();
  c << Addi(a0, zero, 1) << Addi(a1, s0, 0) << Addi(a2, zero, 4) << Ecall();
  c << Addi(a0, zero, 3) << Addi(a1, s0, 12) << Addi(a2, zero, 0) << Ecall();
  c << Addi(a0, zero, 3) << Addi(a1, s0, 12) << Addi(a2, zero, 2) << Ecall();
  c << Jal(ra, 20);  // to func
  // back from func
  c << Add(a0, t0, t2) << Add(a0, a0, zero);
  c << Addi(a7, zero, 93) << Ecall();
  // func: a few ALU ops and a compare, then return
  c << Mul(a2, t0, t1) << Slt(a3, t1, t0) << Sltu(a4, zero, t0) << Jalr(zero, ra, 0);
  return MakeImage(c.words(), std::vector<uint8_t>(16, 0xaa), 64);
}

ProveExecutionOptions TestOptions() {
  ProveExecutionOptions o;
  o.config = stark::TestConfig();
  return o;
}

stark::VerifyResult VerifyProof(const ExecutionProof& p) {
  return VerifyExecution(p.seal, p.image_id, p.journal, p.exit_code, stark::TestConfig());
}

TEST(Rv32imExecution, ProvesAndVerifies) {
  const vm::ProgramImage image = TestProgram();
  ExecutionProof p = ProveExecution(image, {}, TestOptions());
  EXPECT_EQ(p.exit_code, 55u + 55u);
  EXPECT_EQ(p.journal.size(), 11u);
  EXPECT_EQ(p.image_id, ComputeImageId(image));
  stark::VerifyResult r = VerifyProof(p);
  EXPECT_TRUE(r.ok) << r.reason;

  // Wrong exit code, wrong image ID, a journal, flipped bytes: rejected.
  EXPECT_FALSE(
      VerifyExecution(p.seal, p.image_id, p.journal, p.exit_code + 1, stark::TestConfig()).ok);
  ImageId other = p.image_id;
  other[3] ^= 1;
  EXPECT_FALSE(VerifyExecution(p.seal, other, p.journal, p.exit_code, stark::TestConfig()).ok);
  std::vector<uint8_t> journal = p.journal;
  journal[4] ^= 1;
  EXPECT_FALSE(VerifyExecution(p.seal, p.image_id, journal, p.exit_code, stark::TestConfig()).ok);
  journal = p.journal;
  journal.pop_back();
  EXPECT_FALSE(VerifyExecution(p.seal, p.image_id, journal, p.exit_code, stark::TestConfig()).ok);
  journal = p.journal;
  journal.push_back(0);
  EXPECT_FALSE(VerifyExecution(p.seal, p.image_id, journal, p.exit_code, stark::TestConfig()).ok);
  EXPECT_FALSE(VerifyExecution(p.seal, p.image_id, {}, p.exit_code, stark::TestConfig()).ok);
  for (size_t i : {size_t{0}, size_t{9}, size_t{30}, p.seal.size() / 2, p.seal.size() - 1}) {
    std::vector<uint8_t> bad = p.seal;
    bad[i] ^= 0x10;
    EXPECT_FALSE(VerifyExecution(bad, p.image_id, p.journal, p.exit_code, stark::TestConfig()).ok)
        << "flipped byte " << i;
  }
  std::vector<uint8_t> truncated(p.seal.begin(), p.seal.end() - 1);
  EXPECT_FALSE(
      VerifyExecution(truncated, p.image_id, p.journal, p.exit_code, stark::TestConfig()).ok);
}

// The verifier recomputes the journal table's LogUp sum from the claimed journal, under
// challenges drawn after the journal's SHA-256 (a public value of the journal table) entered the
// transcript. Were they drawn before, a prover could pick, after seeing them, another journal of
// the same length with the same sum (io_air.h). Same seal, length and exit code; one byte differs.
TEST(Rv32imExecution, JournalIsBoundBeforeTheLogUpChallenges) {
  const ExecutionProof p = ProveExecution(TestProgram(), {}, TestOptions());
  std::vector<uint8_t> other = p.journal;
  other[0] ^= 1;
  const auto claimed =
      JournalChallenges(p.seal, p.image_id, p.journal, p.exit_code, stark::TestConfig());
  const auto changed =
      JournalChallenges(p.seal, p.image_id, other, p.exit_code, stark::TestConfig());
  ASSERT_TRUE(claimed.has_value() && changed.has_value());
  EXPECT_NE((*claimed)[0], (*changed)[0]);
  EXPECT_NE((*claimed)[1], (*changed)[1]);
  EXPECT_FALSE(JournalChallenges(p.seal, ImageId{}, p.journal, p.exit_code, stark::TestConfig())
                   .has_value());
}

// Zero knowledge needs every table's randomisers to have at least RevealedValues coefficients
// (docs/stark.md, section 4): a table of kMinTableHeight rows takes randomisers as long as itself,
// so that many rows must cover them; even a program of a few instructions, whose tables hold a
// handful of rows, pads them all.
TEST(Rv32imExecution, EveryTableIsTallEnoughForZeroKnowledge) {
  const stark::StarkConfig config = stark::DefaultConfig();
  ASSERT_GE(kMinTableHeight, stark::RevealedValues(config));
  ExecutionProof p = ProveExecution(TestProgram(), {}, TestOptions());
  const stark::StarkProof proof = stark::DeserializeProof(DecodeSeal(p.seal).stark_proof);
  ASSERT_FALSE(proof.log_heights.empty());
  for (size_t t = 0; t < proof.log_heights.size(); ++t) {
    EXPECT_GE(size_t{1} << proof.log_heights[t], kMinTableHeight) << "table " << t;
    EXPECT_GE(stark::RandomizerLength(proof.log_heights[t], config), stark::RevealedValues(config))
        << "table " << t;
  }
}

TEST(Rv32imExecution, ProofIsBoundToTheImage) {
  ExecutionProof p = ProveExecution(TestProgram(), {}, TestOptions());
  Code c;
  c << Addi(a0, zero, 110) << Addi(a7, zero, 93) << Ecall();
  const vm::ProgramImage other = MakeImage(c.words());
  const ImageId other_id = ComputeImageId(other);
  EXPECT_FALSE(VerifyExecution(p.seal, other_id, p.journal, p.exit_code, stark::TestConfig()).ok);
}

// The zero-init table's range checks hold modulo p; an image that ends within about 2^27 words
// of its stack page would let one address be initialised twice (memory_air.h). The edge of the
// accepted layouts, and a seal whose image parts (so its image ID) claim such a layout.
TEST(Rv32imExecution, ZeroInitRangeMustNotWrap) {
  const uint32_t stack = StackImageWord(0x7ffff000);
  // From the constraints themselves: the lowest address that "below" accepts by wrapping is
  // H = p + S - 1 - reach; "above" accepts it once it is within reach of the image end.
  const uint64_t prime = BabyBear::kPrime, reach = kZeroInitReach;
  const uint64_t wrapping = prime + stack - 1 - reach;
  const uint32_t edge = 402553858;  // the auditor's threshold for sp = 0x7ffff000
  EXPECT_EQ((stack - 1 + prime - wrapping) % prime, reach) << "below accepts H";
  EXPECT_LE(wrapping - edge, reach) << "above accepts H from this image end";
  EXPECT_GT(wrapping - (edge - 1), reach) << "and not from one word lower";
  EXPECT_TRUE(ZeroInitRangeIsSound(edge - 1, stack));
  EXPECT_FALSE(ZeroInitRangeIsSound(edge, stack));
  EXPECT_FALSE(ZeroInitRangeIsSound(stack + 1, stack)) << "the image above the stack";
  EXPECT_FALSE(ZeroInitRangeIsSound(0, 1u << 30)) << "a range wider than p - reach";

  const ExecutionProof p = ProveExecution(TestProgram(), {}, TestOptions());
  Seal seal = DecodeSeal(p.seal);
  ASSERT_TRUE(
      ZeroInitRangeIsSound(seal.image.image_end_word, StackImageWord(seal.image.initial_sp)));
  seal.image.image_end_word = static_cast<uint32_t>(
      BabyBear::kPrime + uint64_t{StackImageWord(seal.image.initial_sp)} - 2 * kZeroInitReach - 1);
  const ImageId forged_id = ImageIdFromParts(seal.image);
  const stark::VerifyResult r =
      VerifyExecution(EncodeSeal(seal), forged_id, p.journal, p.exit_code, stark::TestConfig());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.reason.find("zero-initialised memory"), std::string::npos) << r.reason;
}

// The proof states every table's LogUp sum (stark::StarkProof::cumulative_sums). Recomputed
// from the witness under the proof's own challenges, they match; without the blinding offsets
// (air/blinding.h) they would be what a verifier could test a guessed witness against, so for
// every blinded table the stated sum must differ from that (the prover's cells are on the last
// row). Without zero knowledge nothing is random and both agree but for the table whose cells
// cancel the others' offsets (which shows the recomputation is the prover's).
std::vector<BabyBear4> RecomputedLogUpSums(const ExecutionProof& p,
                                           const std::vector<stark::TableWitness>& witness,
                                           const stark::StarkConfig& config,
                                           bool without_blinding) {
  FixedColumns fixed = BuildFixedColumns(TestProgram());
  CircuitTables<VerifierTable, stark::Table> tables(ProgramAir{std::move(fixed.program_fixed)},
                                                    MemoryInitAir{std::move(fixed.memory_fixed)});
  const auto challenges = JournalChallenges(p.seal, p.image_id, p.journal, p.exit_code, config);
  if (!challenges) {
    ADD_FAILURE() << "the seal does not decode";
    return {};
  }
  std::vector<BabyBear4> sums;
  for (size_t t = 0; t < kNumTables; ++t) {
    const stark::Table& table = *tables.List()[t];
    const air::RowMajorMatrix<BabyBear> fixed_columns = table.preprocessed_trace();
    air::RowMajorMatrix<BabyBear> main = witness[t].main;
    const auto index = static_cast<TableIndex>(t);
    if (without_blinding && IsBlinded(index)) {  // the prover's cells are on the last row
      for (size_t c : BlindingColumns(index, main.width)) main.at(main.height() - 1, c) = {};
    }
    BabyBear4 sum;
    air::GenerateAuxTrace<BabyBear, BabyBear4>(
        table, table.preprocessed_width() > 0 ? &fixed_columns : nullptr, main,
        witness[t].public_values, std::span<const BabyBear4>(*challenges), &sum);
    sums.push_back(sum);
  }
  return sums;
}

TEST(Rv32imZeroKnowledge, StatedLogUpSumsAreBlinded) {
  for (const bool zero_knowledge : {true, false}) {
    SCOPED_TRACE(zero_knowledge ? "zero knowledge" : "without zero knowledge");
    ProveExecutionOptions o = TestOptions();
    o.config.zero_knowledge = zero_knowledge;
    std::vector<stark::TableWitness> witness;
    o.tamper = [&](WitnessView v) { witness.assign(v.witnesses.begin(), v.witnesses.end()); };
    const ExecutionProof p = ProveExecution(TestProgram(), {}, o);
    const stark::VerifyResult verified =
        VerifyExecution(p.seal, p.image_id, p.journal, p.exit_code, o.config);
    ASSERT_TRUE(verified.ok) << verified.reason;
    const stark::StarkProof proof = stark::DeserializeProof(DecodeSeal(p.seal).stark_proof);
    ASSERT_EQ(proof.cumulative_sums.size(), size_t{kNumTables});
    const std::vector<BabyBear4> with = RecomputedLogUpSums(p, witness, o.config, false);
    const std::vector<BabyBear4> without = RecomputedLogUpSums(p, witness, o.config, true);
    ASSERT_EQ(with.size(), size_t{kNumTables});
    ASSERT_EQ(without.size(), size_t{kNumTables});
    // The last blinded table's cells cancel the others', including the real rows' values of the
    // shared columns (the CPU's immediates, final memory values, clocks), so they are not zero
    // even without zero knowledge. (So the sums "without blinding" still count those values:
    // not the tables' own sums, but what the proof would state with zero cells on the last row.)
    size_t balancing = 0;
    for (size_t t = 0; t < kNumTables; ++t) {
      if (IsBlinded(static_cast<TableIndex>(t))) balancing = t;
    }
    for (size_t t = 0; t < kNumTables; ++t) {
      EXPECT_EQ(with[t], proof.cumulative_sums[t]) << "table " << t;
      if ((zero_knowledge && IsBlinded(static_cast<TableIndex>(t))) || t == balancing) {
        EXPECT_NE(without[t], proof.cumulative_sums[t]) << "table " << t << " is not blinded";
      } else {
        EXPECT_EQ(without[t], proof.cumulative_sums[t]) << "table " << t;
      }
    }
  }
}

TEST(Rv32imExecution, UnsupportedIsReportedAtProveTime) {
  Code c;  // write to fd 5: the emulator answers EBADF, the circuit has no such call
  c << Addi(a0, zero, 5) << Addi(a1, sp, 0) << Addi(a2, zero, 1) << Addi(a7, zero, 64) << Ecall()
    << Addi(a7, zero, 93) << Ecall();
  EXPECT_THROW(ProveExecution(MakeImage(c.words()), {}, TestOptions()), Error);
  Code faulting;
  faulting << Ebreak();
  EXPECT_THROW(ProveExecution(MakeImage(faulting.words()), {}, TestOptions()), Error);
}

// The witness builds the ALU tables from the trace's operands on one thread and the CPU rows from
// its own memory state on another, so it refuses a trace whose operands are not that state's.
TEST(Rv32imExecution, WitnessRefusesATraceWhoseAluOperandsDisagree) {
  const vm::ProgramImage image = TestProgram();
  const FixedColumns fixed = BuildFixedColumns(image);
  vm::ExecuteOptions exec;
  exec.on_output = [](int, std::span<const uint8_t>) {};
  vm::Trace trace;
  const vm::ExecuteResult result = vm::ExecuteTraced(image, exec, &trace);
  ASSERT_EQ(result.status, vm::ExecuteResult::kExited);
  EXPECT_NO_THROW(GenerateWitness(fixed, trace, result.exit_code));
  size_t add = 0;  // the first t0 += t1
  while (add < trace.steps.size() && trace.steps[add].insn != Add(t0, t0, t1)) ++add;
  ASSERT_LT(add, trace.steps.size());
  for (uint32_t vm::TraceStep::*operand : {&vm::TraceStep::rs1_value, &vm::TraceStep::rs2_value}) {
    vm::Trace tampered = trace;
    tampered.steps[add].*operand += 1;
    try {
      GenerateWitness(fixed, tampered, result.exit_code);
      ADD_FAILURE() << "a trace with a wrong ALU operand was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("ALU operands of step " + std::to_string(add)),
                std::string::npos)
          << e.what();
    }
  }
}

// --- Soundness: the unchecked prover proves a tampered witness; the verifier must reject. ---

using Matrix = air::RowMajorMatrix<BabyBear>;
using Cpu = CpuCols<BabyBear>;

Cpu& CpuRow(Matrix& m, size_t r) { return *reinterpret_cast<Cpu*>(m.row(r).data()); }

// The first CPU row (by index) whose decoded instruction satisfies `pred`.
size_t FindRow(Matrix& cpu, const std::function<bool(const Cpu&)>& pred) {
  for (size_t r = 0; r < cpu.height(); ++r) {
    if (CpuRow(cpu, r).is_real == BabyBear::one() && pred(CpuRow(cpu, r))) return r;
  }
  ADD_FAILURE() << "no such row";
  return 0;
}

bool Flag(const Cpu& r, CpuFlag f) { return r.flag[f] == BabyBear::one(); }

using ReadCall = ReadCallCols<BabyBear>;
using IoWord = IoWordCols<BabyBear>;

template <class Row>
Row& TableRow(std::vector<stark::TableWitness>& w, TableIndex t, size_t r) {
  return *reinterpret_cast<Row*>(w[t].main.row(r).data());
}

using EcallRow = EcallCols<BabyBear>;

using Tamper = std::function<void(std::vector<stark::TableWitness>&)>;

// Most tables' LogUp-sum offset cells are columns that hold values on the real rows too (the
// CPU's immediates, final memory values, clocks: BlindingColumns). A tamper that changes one
// would be rejected for offsets that no longer cancel, whatever it was meant to test; so the
// cancelling table's cells take the difference, as a cheating prover's would.
void KeepOffsetsCancelling(std::vector<stark::TableWitness>& w) {
  stark::CancelLogUpOffsets(BlindedTraces(w));
}

// Proves `image` on `input` with the unchecked prover and a tampered witness (its offsets kept
// cancelling, unless `keep_offsets_cancelling` is false); the verifier must reject (or the prover
// must fail).
void ExpectRejectedFor(const vm::ProgramImage& image, std::span<const uint8_t> input,
                       const Tamper& tamper, uint32_t claimed_exit_delta = 0,
                       const std::function<void(std::vector<uint8_t>&)>& edit_journal = {},
                       bool keep_offsets_cancelling = true) {
  ProveExecutionOptions o = TestOptions();
  o.check_constraints = false;
  o.tamper = [&](WitnessView v) {
    std::vector<stark::TableWitness> w(v.witnesses.begin(), v.witnesses.end());
    tamper(w);
    if (keep_offsets_cancelling) KeepOffsetsCancelling(w);
    std::copy(w.begin(), w.end(), v.witnesses.begin());
  };
  ExecutionProof p;
  try {
    p = ProveExecution(image, input, o);
  } catch (const Error&) {
    return;  // the prover itself could not go on (e.g. a LogUp denominator): also a rejection
  }
  if (edit_journal) edit_journal(p.journal);
  stark::VerifyResult r = VerifyExecution(p.seal, p.image_id, p.journal,
                                          p.exit_code + claimed_exit_delta, stark::TestConfig());
  EXPECT_FALSE(r.ok) << "a tampered witness verified";
}

void ExpectRejected(const Tamper& tamper, uint32_t claimed_exit_delta = 0,
                    const std::function<void(std::vector<uint8_t>&)>& edit_journal = {}) {
  ExpectRejectedFor(TestProgram(), {}, tamper, claimed_exit_delta, edit_journal);
}

const BabyBear kOne = BabyBear::one();

TEST(Rv32imSoundness, HonestWitnessThroughTheUncheckedProverVerifies) {
  ProveExecutionOptions o = TestOptions();
  o.check_constraints = false;
  o.tamper = [](WitnessView) {};
  ExecutionProof p = ProveExecution(TestProgram(), {}, o);
  EXPECT_TRUE(VerifyProof(p).ok);
}

// Offsets that do not cancel: the sums no longer add up to zero, whatever the other tables hold.
TEST(Rv32imSoundness, BlindingOffsetsThatDoNotCancel) {
  for (const TableIndex t : {kCpuTable, kMemoryImageTable, kZeroInitTable, kAddSubTable,
                             kIoWordTable, kReadCallTable, kEcallTable}) {
    SCOPED_TRACE(static_cast<int>(t));
    ExpectRejectedFor(
        TestProgram(), {},
        [t](std::vector<stark::TableWitness>& w) {
          Matrix& m = w[t].main;
          BabyBear& offset = m.at(m.height() - 1, BlindingColumns(t, m.width)[1]);
          offset = offset + kOne;
        },
        0, {}, /*keep_offsets_cancelling=*/false);
  }
}

TEST(Rv32imSoundness, AluResultOffByOne) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) { return Flag(c, kFlagWriteAlu); }));
    r.alu_a[0] = r.alu_a[0] + kOne;
    r.rd_val[0] = r.rd_val[0] + kOne;
  });
}

TEST(Rv32imSoundness, MulResultOffByOne) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) {
                      return c.alu_op == BabyBear::from_canonical(OpcodeId(Opcode::kMul));
                    }));
    r.alu_a[1] = r.alu_a[1] + kOne;
    r.rd_val[1] = r.rd_val[1] + kOne;
  });
}

TEST(Rv32imSoundness, LoadReturnsForgedValue) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) { return Flag(c, kFlagLoadWord); }));
    // Claim the word held something else: both the read and the (unchanged) write-back.
    r.mem_prev[0] = r.mem_prev[0] + kOne;
    r.mem_new[0] = r.mem_new[0] + kOne;
    r.rd_val[0] = r.rd_val[0] + kOne;
  });
}

// Sets the final value, in the memory image table, of the register that CPU row `r` writes at
// 4 clk + 3: a forged value that nothing reads after its write must end there too for the MEMORY
// bus to balance.
void SetFinalValueWrittenBy(std::vector<stark::TableWitness>& w, const Cpu& r,
                            const BabyBear (&value)[4]) {
  const BabyBear ts = BabyBear::from_canonical(4) * r.clk + BabyBear::from_canonical(3);
  Matrix& image = w[kMemoryImageTable].main;
  size_t found = 0;
  for (size_t i = 0; i < image.height(); ++i) {
    auto& cell = *reinterpret_cast<MemoryFinalCols<BabyBear>*>(image.row(i).data());
    if (cell.timestamp == ts) {
      for (int k = 0; k < 4; ++k) cell.value[k] = value[k];
      ++found;
    }
  }
  EXPECT_EQ(found, 1u) << "final cells written at timestamp " << ts.as_canonical();
}

// The last LBU of t3 writes another value than the byte it loaded. Nothing reads t3 after it, and
// the register's final value in the memory image table is changed to match, so every bus
// balances: only the CPU's "loaded value" constraint can reject it.
TEST(Rv32imSoundness, LoadWritesAnotherValueToRd) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    size_t last = cpu.height();
    for (size_t r = 0; r < cpu.height(); ++r) {
      const Cpu& c = CpuRow(cpu, r);
      if (c.is_real == kOne && Flag(c, kFlagLoadByte) && !Flag(c, kFlagSigned) &&
          c.rd == BabyBear::from_canonical(t3)) {
        last = r;
      }
    }
    ASSERT_LT(last, cpu.height());
    Cpu& r = CpuRow(cpu, last);
    r.rd_val[0] = r.rd_val[0] + kOne;
    SetFinalValueWrittenBy(w, r, r.rd_val);
  });
}

TEST(Rv32imSoundness, LoadReturnsStaleValue) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    // The second iteration's LW must see the second SW; claim it saw the initial zero at ts 0.
    size_t first = FindRow(cpu, [](const Cpu& c) { return Flag(c, kFlagLoadWord); });
    size_t second = FindRow(cpu, [&](const Cpu& c) {
      return Flag(c, kFlagLoadWord) && c.clk.as_canonical() > CpuRow(cpu, first).clk.as_canonical();
    });
    Cpu& r = CpuRow(cpu, second);
    const Cpu& old = CpuRow(cpu, first);
    for (int k = 0; k < 4; ++k) {
      r.mem_prev[k] = old.mem_prev[k];
      r.mem_new[k] = old.mem_prev[k];
      r.rd_val[k] = old.mem_prev[k];
    }
  });
}

TEST(Rv32imSoundness, StoreNotApplied) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) { return Flag(c, kFlagStoreWord); }));
    for (int k = 0; k < 4; ++k) r.mem_new[k] = r.mem_prev[k];
  });
}

TEST(Rv32imSoundness, SkippedInstruction) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    // Drop step 5: shift the later rows up, but the last (padding, with the blinding cells).
    Matrix& cpu = w[kCpuTable].main;
    const size_t skip = 5;
    for (size_t r = skip; r + 2 < cpu.height(); ++r) {
      for (size_t c = 0; c < cpu.width; ++c) cpu.at(r, c) = cpu.at(r + 1, c);
    }
  });
}

TEST(Rv32imSoundness, RepeatedInstruction) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    const size_t repeat = 5;  // rows below the last (as above) move down
    for (size_t r = cpu.height() - 2; r > repeat; --r) {
      for (size_t c = 0; c < cpu.width; ++c) cpu.at(r, c) = cpu.at(r - 1, c);
    }
  });
}

// What the blinding of the tables that take their offset cells from columns they have anyway
// rests on (BlindingColumns): those cells are free on padding rows. Values written into another
// padding row of each such table, with the offsets kept cancelling, still prove and verify
// through the checked prover (which refuses a witness that breaks a constraint or a bus).
TEST(Rv32imZeroKnowledge, BlindingCellsAreFreeOnPaddingRows) {
  for (const TableIndex t : kSharedBlindingTables) {
    SCOPED_TRACE(static_cast<int>(t));
    ProveExecutionOptions o = TestOptions();
    o.tamper = [t](WitnessView v) {
      std::vector<stark::TableWitness> w(v.witnesses.begin(), v.witnesses.end());
      Matrix& m = w[t].main;
      const size_t row = m.height() - 2;
      // The memory image's is_real is fixed, and its rows are fewer than height - 1
      // (fixed_columns.cc).
      if (t != kMemoryImageTable) {
        ASSERT_EQ(m.at(row, kIsRealColumn), BabyBear::zero());
      }
      const air::BlindingColumns columns = BlindingColumns(t, m.width);
      for (size_t i = 0; i < air::kBlindingWidth; ++i) {
        m.at(row, columns[i]) = BabyBear::from_canonical(1000 + static_cast<uint32_t>(i));
      }
      KeepOffsetsCancelling(w);
      std::copy(w.begin(), w.end(), v.witnesses.begin());
    };
    const ExecutionProof p = ProveExecution(TestProgram(), {}, o);
    const stark::VerifyResult r = VerifyProof(p);
    EXPECT_TRUE(r.ok) << r.reason;
  }
  // The same with a column that is not free on a padding row (the ecall table's syscall number,
  // which must be 0 there): the checked prover refuses it.
  ProveExecutionOptions o = TestOptions();
  o.tamper = [](WitnessView v) {
    std::vector<stark::TableWitness> w(v.witnesses.begin(), v.witnesses.end());
    Matrix& m = w[kEcallTable].main;
    m.at(m.height() - 2, offsetof(EcallCols<air::ColumnSlot>, number)) =
        BabyBear::from_canonical(7);
    KeepOffsetsCancelling(w);
    std::copy(w.begin(), w.end(), v.witnesses.begin());
  };
  EXPECT_THROW(ProveExecution(TestProgram(), {}, o), Error);
}

TEST(Rv32imSoundness, WrongBranchDecision) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    // Decide a BNE the other way: claim rs1 - rs2 is zero (or not).
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) { return Flag(c, kFlagBranchNe); }));
    r.nonzero = kOne - r.nonzero;
  });
}

TEST(Rv32imSoundness, WrongJumpTarget) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) { return Flag(c, kFlagJal); }));
    r.target = r.target + BabyBear::from_canonical(4);
  });
}

// A target pc + imm that wraps below 0 is a hart address near 2^32, whose residue mod p is below
// 2^30. For a misaligned target (the hart faults) the residue is 4-aligned and could be a program
// pc, since 2^32 - 2p = 2 mod 4: the fixed column must name no program row instead.
TEST(Rv32imProgram, TargetsAtOrAbovePNameNoProgramRow) {
  // A branch and a JAL at 0x800 and 0x804, both to 0xfffffffa.
  const vm::ProgramImage image = MakeImage({Beq(a0, a1, -0x806), Jal(zero, -0x80a)}, {}, 0, 0x800);
  const FixedColumns fixed = BuildFixedColumns(image);
  for (const uint32_t pc : {0x800u, 0x804u}) {
    const size_t row = fixed.program_row.at(pc);
    EXPECT_EQ(fixed.program[row].target, 0xfffffffau) << "the hart's target, modulo 2^32";
    const uint32_t residue = BabyBear::from_u64(0xfffffffau).as_canonical();
    ASSERT_LT(residue, 1u << 30);
    ASSERT_EQ(residue % 4, 0u) << "the residue alone could name a program row";
    const auto& cols =
        *reinterpret_cast<const ProgramCols<BabyBear>*>(fixed.program_fixed.row(row).data());
    EXPECT_GE(cols.target.as_canonical(), 1u << 30) << "pc " << pc;
    EXPECT_NE(cols.target.as_canonical() % 4, 0u) << "pc " << pc;
  }
  EXPECT_EQ(TargetField(0x1000).as_canonical(), 0x1000u) << "a target below p is itself";
}

TEST(Rv32imSoundness, InstructionDiffersFromProgram) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    // Execute "sub" where the program says "add".
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) {
                      return c.alu_op == BabyBear::from_canonical(OpcodeId(Opcode::kAdd)) &&
                             Flag(c, kFlagWriteAlu) && !Flag(c, kFlagImm);
                    }));
    r.alu_op = BabyBear::from_canonical(OpcodeId(Opcode::kSub));
  });
}

TEST(Rv32imSoundness, WriteToX0Sticks) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) {
                      return c.rd == BabyBear::zero() && c.alu_op == BabyBear::from_canonical(1) &&
                             Flag(c, kFlagImm) && !Flag(c, kFlagWriteAlu) &&
                             !Flag(c, kFlagLoadWord) && !Flag(c, kFlagLoadByte) &&
                             !Flag(c, kFlagLoadHalf) && !Flag(c, kFlagJalr) &&
                             !Flag(c, kFlagStoreWord) && !Flag(c, kFlagStoreByte) &&
                             !Flag(c, kFlagStoreHalf);
                    }));
    for (int k = 0; k < 4; ++k) r.rd_val[k] = r.alu_a[k];
  });
}

TEST(Rv32imSoundness, ValueOutOfByteRange) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    Matrix& cpu = w[kCpuTable].main;
    // LB of 0x80: claim sign bit 0 and "low 7 bits" 128, so the load is zero-extended.
    Cpu& r = CpuRow(cpu, FindRow(cpu, [](const Cpu& c) {
                      return Flag(c, kFlagLoadByte) && Flag(c, kFlagSigned) && c.load_sign == kOne;
                    }));
    r.load_sign = BabyBear::zero();
    r.load_low7 = BabyBear::from_canonical(128);
    for (int k = 1; k < 4; ++k) {
      r.rd_val[k] = BabyBear::zero();
    }
  });
}

TEST(Rv32imSoundness, WrongExitCode) {
  // The prover claims exit code + 1 in the public values and the verifier is asked about it.
  ExpectRejected(
      [](std::vector<stark::TableWitness>& w) {
        w[kCpuTable].public_values[kPublicExitCode] =
            w[kCpuTable].public_values[kPublicExitCode] + kOne;
      },
      1);
}

TEST(Rv32imSoundness, ForgedJournalByte) {
  // The journal table and the reader agree on a byte that memory does not hold.
  ExpectRejected(
      [](std::vector<stark::TableWitness>& w) {
        auto& journal =
            *reinterpret_cast<JournalCols<BabyBear>*>(w[kJournalTable].main.row(0).data());
        journal.byte = journal.byte + kOne;
        auto& reader = *reinterpret_cast<IoWordCols<BabyBear>*>(w[kIoWordTable].main.row(0).data());
        reader.value[1] = reader.value[1] + kOne;  // the buffer starts at offset 1
        reader.new_value[1] = reader.new_value[1] + kOne;
      },
      0, [](std::vector<uint8_t>& journal) { journal[0] = static_cast<uint8_t>(journal[0] + 1); });
}

TEST(Rv32imSoundness, ForgedJournalTableOnly) {
  // The journal table claims another byte; the reader still sends the real one.
  ExpectRejected(
      [](std::vector<stark::TableWitness>& w) {
        auto& journal =
            *reinterpret_cast<JournalCols<BabyBear>*>(w[kJournalTable].main.row(2).data());
        journal.byte = journal.byte + kOne;
      },
      0, [](std::vector<uint8_t>& journal) { journal[2] = static_cast<uint8_t>(journal[2] + 1); });
}

// Two journal writes, "AB" then "CD". The prover lists the ecall rows in the other order, so
// that the running journal length puts "CD" first, and claims the journal "CDAB": every bus
// balances (the same calls, accesses and bytes), only the ecall table's clock order fails.
TEST(Rv32imSoundness, JournalWritesReordered) {
  Code c;
  c << Lui(s0, 0x20000) << Li(t0, 0x44434241) << Sw(t0, s0, 0) << Addi(a7, zero, 64);
  c << Addi(a0, zero, 3) << Addi(a1, s0, 0) << Addi(a2, zero, 2) << Ecall();
  c << Addi(a0, zero, 3) << Addi(a1, s0, 2) << Addi(a2, zero, 2) << Ecall();
  c << Addi(a0, zero, 0) << Addi(a7, zero, 93) << Ecall();
  const vm::ProgramImage image = MakeImage(c.words(), std::vector<uint8_t>(16, 0), 64);
  const ExecutionProof honest = ProveExecution(image, {}, TestOptions());
  ASSERT_EQ(honest.journal, (std::vector<uint8_t>{'A', 'B', 'C', 'D'}));
  ExpectRejectedFor(
      image, {},
      [](std::vector<stark::TableWitness>& w) {
        EcallRow& first = TableRow<EcallRow>(w, kEcallTable, 0);
        EcallRow& second = TableRow<EcallRow>(w, kEcallTable, 1);
        std::swap(first, second);
        first.journal_len = BabyBear::zero();
        second.journal_len = BabyBear::from_canonical(2);
        TableRow<IoWord>(w, kIoWordTable, 0).journal_index = BabyBear::from_canonical(2);
        TableRow<IoWord>(w, kIoWordTable, 1).journal_index = BabyBear::zero();
        const char claimed[] = "CDAB";
        for (size_t i = 0; i < 4; ++i) {
          TableRow<JournalCols<BabyBear>>(w, kJournalTable, i).byte =
              BabyBear::from_canonical(static_cast<uint8_t>(claimed[i]));
        }
      },
      0,
      [](std::vector<uint8_t>& journal) {
        journal = {'C', 'D', 'A', 'B'};
      });
}

TEST(Rv32imSoundness, ForgedInitialMemory) {
  ExpectRejected([](std::vector<stark::TableWitness>& w) {
    // Pretend a word of the image is outside it: initialise it again through the zero-init table.
    Matrix& zero = w[kZeroInitTable].main;
    auto& r = *reinterpret_cast<ZeroInitCols<BabyBear>*>(zero.row(0).data());
    r.address = BabyBear::from_canonical(vm::rv32::kDefaultDataAddress / 4);
  });
}

// --- Padding rows: every table's padding must be inert, whatever the prover writes there. ---

BabyBear Fe(uint64_t v) { return BabyBear::from_u64(v); }

void SetLimbs(BabyBear (&limbs)[4], uint32_t v) {
  for (int k = 0; k < 4; ++k) limbs[k] = Fe((v >> (8 * k)) & 0xff);
}

// A word of the image that no step accesses (its final timestamp is 0), its row in the memory
// image table and its initial value.
struct UnreadWord {
  size_t row = 0;
  uint32_t address = 0;
  uint32_t value = 0;
};

UnreadWord FindUnreadImageWord(const vm::ProgramImage& image, std::vector<stark::TableWitness>& w) {
  const FixedColumns fixed = BuildFixedColumns(image);
  for (size_t i = 0; i < fixed.memory_addresses.size(); ++i) {
    const auto& cell = TableRow<MemoryFinalCols<BabyBear>>(w, kMemoryImageTable, i);
    if (fixed.memory_addresses[i] < kRegisterBase && cell.timestamp == BabyBear::zero()) {
      return {i, fixed.memory_addresses[i], fixed.memory_values[i]};
    }
  }
  ADD_FAILURE() << "every word of the image is accessed";
  return {};
}

// Completes a forged access to `word` at timestamp `ts` that writes `value` (the word's only
// access): its final cell in the memory image table, and the byte table's count of the 16-bit
// range lookup of its timestamp difference (ts - 0 - 1 < 2^16). Returns that difference.
uint32_t CompleteForgedAccess(std::vector<stark::TableWitness>& w, const UnreadWord& word,
                              uint32_t value, uint32_t ts) {
  auto& cell = TableRow<MemoryFinalCols<BabyBear>>(w, kMemoryImageTable, word.row);
  SetLimbs(cell.value, value);
  cell.timestamp = Fe(ts);
  const uint32_t diff = ts - 1;
  EXPECT_LT(diff, 1u << 16);
  const ByteAir::Slot slot = ByteAir::SlotOf(diff);
  TableRow<ByteCountCols<BabyBear>>(w, kByteTable, slot.row).u16[slot.lane] += kOne;
  return diff;
}

// A CPU padding row (after the exit) that stores a forged word to an unread word of the image.
// Everything else balances: the memory bus (its final cell), the byte table (the timestamp's
// lookup), and no other interaction of a padding row counts.
void ForgeStoreInCpuPadding(const vm::ProgramImage& image, std::vector<stark::TableWitness>& w) {
  const UnreadWord target = FindUnreadImageWord(image, w);
  Matrix& cpu = w[kCpuTable].main;
  size_t pad = 0;
  while (pad < cpu.height() && CpuRow(cpu, pad).is_real == kOne) ++pad;
  ASSERT_LT(pad, cpu.height());
  Cpu& r = CpuRow(cpu, pad);
  const uint32_t clk = 1, ts = 4 * clk + 2, forged = target.value ^ 0x01010101u;
  r.clk = Fe(clk);
  r.flag[kFlagStoreWord] = kOne;
  r.byte_sel[0] = kOne;
  SetLimbs(r.alu_a, target.address * 4);
  r.addr_quarter = Fe(((target.address * 4) & 0xff) >> 2);
  SetLimbs(r.mem_prev, target.value);
  SetLimbs(r.rs2_val, forged);
  SetLimbs(r.mem_new, forged);
  const uint32_t diff = CompleteForgedAccess(w, target, forged, ts);
  r.mem_ts_diff[0] = Fe(diff & 0xffff);
  r.mem_ts_diff[1] = Fe(diff >> 16);
}

TEST(Rv32imSoundness, CpuPaddingRowStores) {
  const vm::ProgramImage image = TestProgram();
  ExpectRejectedFor(image, {},
                    [&](std::vector<stark::TableWitness>& w) { ForgeStoreInCpuPadding(image, w); });
}

// A padding row of the read-call table starts an input chain of one byte, and a padding row of
// the io-word table writes it into an unread word of the image.
void ForgeInputInPadding(const vm::ProgramImage& image, std::vector<stark::TableWitness>& w) {
  const UnreadWord target = FindUnreadImageWord(image, w);
  size_t call = 0, io = 0;
  while (TableRow<ReadCall>(w, kReadCallTable, call).is_real == kOne) ++call;
  while (TableRow<IoWord>(w, kIoWordTable, io).is_real == kOne) ++io;
  ASSERT_LT(call, w[kReadCallTable].main.height());
  ASSERT_LT(io, w[kIoWordTable].main.height());
  const uint32_t clk = 1, ts = 4 * clk + 2, forged = target.value ^ 0x1u;
  ReadCall& c = TableRow<ReadCall>(w, kReadCallTable, call);
  c.clk = Fe(clk);
  c.word = Fe(target.address);
  c.offset = BabyBear::zero();
  SetLimbs(c.count, 1);  // a full read: n = count
  SetLimbs(c.n, 1);
  c.n_nonzero = kOne;
  c.n_inverse = kOne;
  IoWord& r = TableRow<IoWord>(w, kIoWordTable, io);
  r.is_real = kOne;
  r.is_input = kOne;
  r.clk = Fe(clk);
  r.word = Fe(target.address);
  r.start[0] = kOne;
  r.enabled[0] = kOne;
  r.remaining = kOne;
  r.journal_index = BabyBear::zero();
  r.last = kOne;
  SetLimbs(r.value, target.value);
  SetLimbs(r.new_value, forged);
  const uint32_t diff = CompleteForgedAccess(w, target, forged, ts);
  r.ts_diff[0] = Fe(diff & 0xffff);
  r.ts_diff[1] = Fe(diff >> 16);
  // The io-word row's byte lookups: its new bytes, two at a time, and the difference's high byte.
  auto range = [&](uint32_t x, uint32_t y) {
    const ByteAir::Slot slot = ByteAir::SlotOf(x, y);
    TableRow<ByteCountCols<BabyBear>>(w, kByteTable, slot.row).range[slot.lane] += kOne;
  };
  range(forged & 0xff, (forged >> 8) & 0xff);
  range((forged >> 16) & 0xff, forged >> 24);
  range(diff >> 16, 0);
}

TEST(Rv32imSoundness, ReadCallPaddingRowStartsInput) {
  const vm::ProgramImage image = TestProgram();
  ExpectRejectedFor(image, {},
                    [&](std::vector<stark::TableWitness>& w) { ForgeInputInPadding(image, w); });
}

// --- Input: read(0, buf, count) ---

// Three reads of a 9-byte input: a full one (5 of 5 bytes, unaligned buffer), a short one (the 4
// remaining of 100), one after the end (0 of 3); then the 12-byte buffer goes to the journal and
// the exit code is the number of bytes read.
vm::ProgramImage ReadProgram() {
  Code c;
  c << Lui(s0, 0x20000) << Addi(s1, zero, 0) << Addi(a7, zero, 63);
  c << Addi(a0, zero, 0) << Addi(a1, s0, 1) << Addi(a2, zero, 5) << Ecall() << Add(s1, s1, a0);
  c << Addi(a0, zero, 0) << Addi(a1, s0, 6) << Addi(a2, zero, 100) << Ecall() << Add(s1, s1, a0);
  c << Addi(a0, zero, 0) << Addi(a1, s0, 0) << Addi(a2, zero, 3) << Ecall() << Add(s1, s1, a0);
  c << Addi(a0, zero, 3) << Addi(a1, s0, 0) << Addi(a2, zero, 12) << Addi(a7, zero, 64) << Ecall();
  c << Add(a0, s1, zero) << Addi(a7, zero, 93) << Ecall();
  return MakeImage(c.words(), std::vector<uint8_t>(16, 0xaa), 64);
}

const std::vector<uint8_t> kReadInput = {1, 2, 3, 4, 5, 6, 7, 8, 9};

TEST(Rv32imInput, ReadsProveAndVerify) {
  ExecutionProof p = ProveExecution(ReadProgram(), kReadInput, TestOptions());
  EXPECT_EQ(p.exit_code, 9u);
  const std::vector<uint8_t> expected = {0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xaa, 0xaa};
  EXPECT_EQ(p.journal, expected);
  stark::VerifyResult r = VerifyProof(p);
  EXPECT_TRUE(r.ok) << r.reason;
  // The input stays private, but the journal it produced is bound.
  std::vector<uint8_t> journal = p.journal;
  journal[3] ^= 1;
  EXPECT_FALSE(VerifyExecution(p.seal, p.image_id, journal, p.exit_code, stark::TestConfig()).ok);

  // Another input gives another journal from the same image.
  ExecutionProof q = ProveExecution(ReadProgram(), std::vector<uint8_t>{7, 7}, TestOptions());
  EXPECT_EQ(q.exit_code, 2u);
  EXPECT_EQ(q.image_id, p.image_id);
  EXPECT_TRUE(VerifyProof(q).ok);
}

TEST(Rv32imInput, ReadFromAnotherFdIsNotProvable) {
  Code c;
  c << Addi(a0, zero, 1) << Addi(a1, sp, -16) << Addi(a2, zero, 4) << Addi(a7, zero, 63) << Ecall()
    << Addi(a7, zero, 93) << Ecall();
  EXPECT_THROW(ProveExecution(MakeImage(c.words()), kReadInput, TestOptions()), Error);
}

// The ecall-table row of the nth read, and the CPU row that made the call.
size_t ReadRow(std::vector<stark::TableWitness>& w, int nth) {
  int seen = 0;
  for (size_t r = 0; r < w[kEcallTable].main.height(); ++r) {
    if (TableRow<EcallRow>(w, kEcallTable, r).sys_read == kOne && seen++ == nth) return r;
  }
  ADD_FAILURE() << "no such read";
  return 0;
}

Cpu& CallerRow(std::vector<stark::TableWitness>& w, size_t ecall_row) {
  const uint32_t clk = TableRow<EcallRow>(w, kEcallTable, ecall_row).clk.as_canonical();
  return CpuRow(w[kCpuTable].main, clk - 1);
}

void ExpectReadRejected(const Tamper& tamper, uint32_t claimed_exit_delta = 0) {
  ExpectRejectedFor(ReadProgram(), kReadInput, tamper, claimed_exit_delta);
}

TEST(Rv32imInputSoundness, HonestReadWitnessVerifies) {
  ProveExecutionOptions o = TestOptions();
  o.check_constraints = false;
  o.tamper = [](WitnessView) {};
  EXPECT_TRUE(VerifyProof(ProveExecution(ReadProgram(), kReadInput, o)).ok);
}

TEST(Rv32imInputSoundness, ReadReturnsMoreThanItWrote) {
  // The short read claims 5 bytes (still short of 100) in the CPU and the read-call row alike,
  // but its chain writes 4.
  ExpectReadRejected(
      [](std::vector<stark::TableWitness>& w) {
        EcallRow& e = TableRow<EcallRow>(w, kEcallTable, ReadRow(w, 1));
        e.result[0] = e.result[0] + kOne;
        CallerRow(w, ReadRow(w, 1)).rd_val[0] += kOne;
        ReadCall& call = TableRow<ReadCall>(w, kReadCallTable, 1);
        call.n[0] = call.n[0] + kOne;
        call.n_inverse = (call.n_inverse.inverse() + kOne).inverse();
      },
      1);
}

TEST(Rv32imInputSoundness, ReadReturnsMoreThanCount) {
  // The full read of 5 claims 6 bytes: not short, so n must equal count.
  ExpectReadRejected([](std::vector<stark::TableWitness>& w) {
    EcallRow& e = TableRow<EcallRow>(w, kEcallTable, ReadRow(w, 0));
    e.result[0] = e.result[0] + kOne;
    CallerRow(w, ReadRow(w, 0)).rd_val[0] += kOne;
    TableRow<ReadCall>(w, kReadCallTable, 0).n[0] += kOne;
  });
}

TEST(Rv32imInputSoundness, ShortReadClaimedFull) {
  ExpectReadRejected([](std::vector<stark::TableWitness>& w) {
    TableRow<EcallRow>(w, kEcallTable, ReadRow(w, 1)).short_read = BabyBear::zero();
    TableRow<ReadCall>(w, kReadCallTable, 1).short_read = BabyBear::zero();
  });
}

TEST(Rv32imInputSoundness, ReadAfterTheEndClaimsInputNotExhausted) {
  ExpectReadRejected([](std::vector<stark::TableWitness>& w) {
    const size_t third = ReadRow(w, 2);
    for (size_t r = ReadRow(w, 1) + 1; r <= third; ++r) {
      TableRow<EcallRow>(w, kEcallTable, r).input_eof = {};
    }
  });
}

TEST(Rv32imInputSoundness, InputWritesOutsideItsBuffer) {
  // The first read starts at byte 1 of its word; byte 0 must keep its 0xaa.
  ExpectReadRejected([](std::vector<stark::TableWitness>& w) {
    IoWord& row = TableRow<IoWord>(w, kIoWordTable, 0);
    row.new_value[0] = row.new_value[0] + kOne;
  });
}

TEST(Rv32imInputSoundness, InputBytesNotWritten) {
  ExpectReadRejected([](std::vector<stark::TableWitness>& w) {
    IoWord& row = TableRow<IoWord>(w, kIoWordTable, 0);
    for (int k = 0; k < 4; ++k) row.new_value[k] = row.value[k];
  });
}

// --- brk: Linux's rule, from the break the image fixes. ---

// brk(0) reads the break; grow it by a page and use the new memory; requests above the heap's
// limit and below its start fail and return the break; shrinking back to the start succeeds. The
// exit code is the last call's result (the start).
vm::ProgramImage BrkTour() {
  Code c;
  c << Addi(a7, zero, 214) << Addi(a0, zero, 0) << Ecall() << Add(s1, a0, zero);
  c << Li(t0, 4096) << Add(a0, s1, t0) << Ecall() << Add(s2, a0, zero);
  c << Li(t1, 0x1234567) << Sw(t1, s2, -4) << Lw(s3, s2, -4);
  c << Li(a0, kHeapLimit + 1) << Ecall() << Add(s4, a0, zero);
  c << Addi(a0, s1, -4) << Ecall() << Add(s5, a0, zero);
  c << Add(a0, s1, zero) << Ecall();
  c << Addi(a7, zero, 93) << Ecall();
  return MakeImage(c.words(), std::vector<uint8_t>(16, 0xaa), 64);
}

TEST(Rv32imBrk, ProvesAndVerifiesAsTheEmulatorRunsIt) {
  const vm::ProgramImage image = BrkTour();
  const vm::ExecuteResult run = vm::Execute(image, {});
  ASSERT_EQ(run.status, vm::ExecuteResult::kExited);
  const uint32_t heap_start = run.registers[s1];
  EXPECT_EQ(heap_start, BuildFixedColumns(image).image_end_word * 4);
  EXPECT_EQ(run.registers[s2], heap_start + 4096);  // grown
  EXPECT_EQ(run.registers[s3], 0x1234567u);         // the new page holds a store
  EXPECT_EQ(run.registers[s4], heap_start + 4096);  // above the limit: unchanged
  EXPECT_EQ(run.registers[s5], heap_start + 4096);  // below the start: unchanged

  ExecutionProof p = ProveExecution(image, {}, TestOptions());
  EXPECT_EQ(p.exit_code, heap_start);
  stark::VerifyResult r = VerifyProof(p);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_FALSE(
      VerifyExecution(p.seal, p.image_id, p.journal, p.exit_code + 4096, stark::TestConfig()).ok);
}

// Requests for BrkCalls: relative to the initial break, or these two.
constexpr int32_t kQuery = INT32_MAX;       // brk(0)
constexpr int32_t kAboveLimit = INT32_MIN;  // brk(kHeapLimit + 1)

// brk(0), then a brk call per request; exits with the last call's result. Nothing but the exit
// reads the last result, so a test can forge it by changing only the rows that carry it
// (ForgeLastBrk).
vm::ProgramImage BrkCalls(std::initializer_list<int32_t> requests) {
  Code c;
  c << Addi(a7, zero, 214) << Addi(a0, zero, 0) << Ecall();
  if (requests.size() > 0) c << Add(s1, a0, zero);
  for (const int32_t request : requests) {
    if (request == kQuery) {
      c << Addi(a0, zero, 0);
    } else if (request == kAboveLimit) {
      c << Li(a0, kHeapLimit + 1);
    } else {
      c << Li(t0, static_cast<uint32_t>(request)) << Add(a0, s1, t0);
    }
    c << Ecall();
  }
  c << Addi(a7, zero, 93) << Ecall();
  return MakeImage(c.words(), std::vector<uint8_t>(16, 0xaa), 64);
}

uint32_t HeapStart() { return BuildFixedColumns(BrkCalls({})).image_end_word * 4; }

// The last brk claims `result`: its ecall row and caller, the break of the rows after it, the exit
// row that reads and rewrites a0, and a0's final value in the memory image table. Every bus
// balances; only the ecall table's brk constraints can reject. Returns the last brk's row.
size_t ForgeLastBrk(std::vector<stark::TableWitness>& w, uint32_t result) {
  size_t row = 0;
  for (size_t r = 0; r < w[kEcallTable].main.height(); ++r) {
    if (TableRow<EcallRow>(w, kEcallTable, r).sys_brk == kOne) row = r;
  }
  BabyBear limbs[4];
  for (int k = 0; k < 4; ++k) limbs[k] = BabyBear::from_canonical((result >> (8 * k)) & 0xff);
  Matrix& cpu = w[kCpuTable].main;
  const uint32_t caller_clk = TableRow<EcallRow>(w, kEcallTable, row).clk.as_canonical();
  Cpu& exit = CpuRow(cpu, caller_clk + 1);  // the exit's ecall follows the li of a7
  EXPECT_EQ(exit.sys_exit, kOne);
  for (int k = 0; k < 4; ++k) {
    TableRow<EcallRow>(w, kEcallTable, row).result[k] = limbs[k];
    CallerRow(w, row).rd_val[k] = limbs[k];
    for (size_t r = row + 1; r < w[kEcallTable].main.height(); ++r) {
      TableRow<EcallRow>(w, kEcallTable, r).brk[k] = limbs[k];
    }
    exit.rs2_val[k] = exit.rd_prev[k] = exit.rd_val[k] = limbs[k];
  }
  SetFinalValueWrittenBy(w, exit, limbs);
  return row;
}

EcallRow& BrkRowOf(std::vector<stark::TableWitness>& w, size_t row) {
  return TableRow<EcallRow>(w, kEcallTable, row);
}

TEST(Rv32imBrkSoundness, ForgeHarnessAloneVerifies) {
  // The harness itself: forging the last result to its honest value verifies, so the tests below
  // fail only through what they change.
  const vm::ProgramImage image = BrkCalls({4096, 0});
  ProveExecutionOptions o = TestOptions();
  o.check_constraints = false;
  o.tamper = [&](WitnessView v) {
    std::vector<stark::TableWitness> w(v.witnesses.begin(), v.witnesses.end());
    ForgeLastBrk(w, HeapStart());
    std::copy(w.begin(), w.end(), v.witnesses.begin());
  };
  ExecutionProof p = ProveExecution(image, {}, o);
  EXPECT_EQ(p.exit_code, HeapStart());
  EXPECT_TRUE(VerifyProof(p).ok);
}

TEST(Rv32imBrkSoundness, ShrinkClaimedToFail) {
  // Back to the start from a page above it: claim the break stayed (brk_moves 0, not below).
  ExpectRejectedFor(
      BrkCalls({4096, 0}), {},
      [](std::vector<stark::TableWitness>& w) {
        BrkRowOf(w, ForgeLastBrk(w, HeapStart() + 4096)).brk_moves = BabyBear::zero();
      },
      4096);
}

TEST(Rv32imBrkSoundness, ShrinkClaimedBelowTheHeap) {
  // ... the same, with the request claimed below the start (the less-than lookup disagrees).
  ExpectRejectedFor(
      BrkCalls({4096, 0}), {},
      [](std::vector<stark::TableWitness>& w) {
        EcallRow& e = BrkRowOf(w, ForgeLastBrk(w, HeapStart() + 4096));
        e.brk_moves = BabyBear::zero();
        e.brk_below = kOne;
      },
      4096);
}

TEST(Rv32imBrkSoundness, RequestAboveTheLimitClaimedToMove) {
  ExpectRejectedFor(
      BrkCalls({4096, kAboveLimit}), {},
      [](std::vector<stark::TableWitness>& w) {
        EcallRow& e = BrkRowOf(w, ForgeLastBrk(w, kHeapLimit + 1));
        e.brk_moves = kOne;
        e.brk_above = BabyBear::zero();
      },
      kHeapLimit + 1 - (HeapStart() + 4096));
}

TEST(Rv32imBrkSoundness, RequestAboveTheLimitMovesAnyway) {
  // The lookup's honest answer kept, the break moved regardless.
  ExpectRejectedFor(
      BrkCalls({4096, kAboveLimit}), {},
      [](std::vector<stark::TableWitness>& w) {
        BrkRowOf(w, ForgeLastBrk(w, kHeapLimit + 1)).brk_moves = kOne;
      },
      kHeapLimit + 1 - (HeapStart() + 4096));
}

TEST(Rv32imBrkSoundness, ResultNeitherRequestNorBreak) {
  ExpectRejectedFor(
      BrkCalls({4096, 0}), {},
      [](std::vector<stark::TableWitness>& w) { ForgeLastBrk(w, HeapStart() + 8); }, 8);
}

TEST(Rv32imBrkSoundness, BreakNotCarriedToTheNextCall) {
  // After growing by a page, brk(0) claims the break never moved: its row's break (and result)
  // the start.
  ExpectRejectedFor(
      BrkCalls({4096, kQuery}), {},
      [](std::vector<stark::TableWitness>& w) {
        EcallRow& e = BrkRowOf(w, ForgeLastBrk(w, HeapStart()));
        for (int k = 0; k < 4; ++k) {
          e.brk[k] = BabyBear::from_canonical((HeapStart() >> (8 * k)) & 0xff);
        }
      },
      -4096u);
}

TEST(Rv32imBrkSoundness, InitialBreakOtherThanTheImageEnd) {
  // brk(0) alone, claiming the break starts a page lower (every row's break says so).
  ExpectRejectedFor(
      BrkCalls({}), {},
      [](std::vector<stark::TableWitness>& w) {
        const uint32_t lower = HeapStart() - 4096;
        ForgeLastBrk(w, lower);
        for (size_t r = 0; r < w[kEcallTable].main.height(); ++r) {
          for (int k = 0; k < 4; ++k) {
            BrkRowOf(w, r).brk[k] = BabyBear::from_canonical((lower >> (8 * k)) & 0xff);
          }
        }
      },
      -4096u);
}

// --- Counter reads: rdcycle / rdinstret give the steps before them, rdcycleh zero. ---

// a1 = rdcycle (1 step before it), a2 = rdinstret (2), a3 = rdcycleh (0), a read into x0, then
// t3 = rdcycle, which nothing reads (ForgeLastCounter); exits with a1 + a2 + a3 = 3.
vm::ProgramImage CounterProgram() {
  Code c;
  c << Addi(t0, zero, 5) << Csrrs(a1, 0xc00, zero) << Csrrs(a2, 0xc02, zero)
    << Csrrs(a3, 0xc80, zero) << Csrrs(zero, 0xc00, zero);
  c << Add(a0, a1, a2) << Add(a0, a0, a3) << Csrrs(t3, 0xc00, zero);
  c << Addi(a7, zero, 93) << Ecall();
  return MakeImage(c.words());
}

TEST(Rv32imCounters, ProveAndVerifyAsTheEmulatorCounts) {
  const vm::ProgramImage image = CounterProgram();
  const vm::ExecuteResult run = vm::Execute(image, {});
  ASSERT_EQ(run.status, vm::ExecuteResult::kExited);
  EXPECT_EQ(run.registers[a1], 1u);
  EXPECT_EQ(run.registers[a2], 2u);
  EXPECT_EQ(run.registers[a3], 0u);
  EXPECT_EQ(run.registers[t3], 7u);
  ExecutionProof p = ProveExecution(image, {}, TestOptions());
  EXPECT_EQ(p.exit_code, 3u);
  stark::VerifyResult r = VerifyProof(p);
  EXPECT_TRUE(r.ok) << r.reason;
}

// The last counter read (into t3, read by nothing after it) gets `edit` applied to its result, in
// its ecall row, its CPU row and t3's final value in the memory image table, so every bus but the
// byte range checks balances.
void ForgeLastCounter(std::vector<stark::TableWitness>& w,
                      const std::function<void(BabyBear (&)[4])>& edit) {
  size_t row = w[kEcallTable].main.height();
  for (size_t r = 0; r < w[kEcallTable].main.height(); ++r) {
    if (TableRow<EcallRow>(w, kEcallTable, r).sys_counter == kOne) row = r;
  }
  ASSERT_LT(row, w[kEcallTable].main.height());
  EcallRow& e = TableRow<EcallRow>(w, kEcallTable, row);
  edit(e.result);
  Cpu& caller = CallerRow(w, row);
  for (int k = 0; k < 4; ++k) caller.rd_val[k] = e.result[k];
  SetFinalValueWrittenBy(w, caller, e.result);
}

TEST(Rv32imCounterSoundness, HarnessAloneVerifies) {
  ProveExecutionOptions o = TestOptions();
  o.check_constraints = false;
  o.tamper = [](WitnessView v) {
    std::vector<stark::TableWitness> w(v.witnesses.begin(), v.witnesses.end());
    ForgeLastCounter(w, [](BabyBear(&)[4]) {});
    std::copy(w.begin(), w.end(), v.witnesses.begin());
  };
  EXPECT_TRUE(VerifyProof(ProveExecution(CounterProgram(), {}, o)).ok);
}

TEST(Rv32imCounterSoundness, CountOffByOne) {
  // 8 for 7, with the byte table's range count moved from (7, 0) to (8, 0): only the count's
  // own constraint can reject.
  ExpectRejectedFor(CounterProgram(), {}, [](std::vector<stark::TableWitness>& w) {
    ForgeLastCounter(w, [](BabyBear(&result)[4]) { result[0] += kOne; });
    const ByteAir::Slot seven = ByteAir::SlotOf(7, 0), eight = ByteAir::SlotOf(8, 0);
    TableRow<ByteCountCols<BabyBear>>(w, kByteTable, seven.row).range[seven.lane] -= kOne;
    TableRow<ByteCountCols<BabyBear>>(w, kByteTable, eight.row).range[eight.lane] += kOne;
  });
}

TEST(Rv32imCounterSoundness, CountInLimbsThatAreNotBytes) {
  // The same sum, 7 = (7 - 256) + 256 * 1, with a limb that is no byte.
  ExpectRejectedFor(CounterProgram(), {}, [](std::vector<stark::TableWitness>& w) {
    ForgeLastCounter(w, [](BabyBear(&result)[4]) {
      result[0] -= BabyBear::from_canonical(256);
      result[1] += kOne;
    });
  });
}

}  // namespace
}  // namespace prova::rv32im
