#include "prover/rv32im/prove.h"

#include <fmt/format.h>

#include <string>

#include "common/error.h"
#include "prover/rv32im/fixed_columns.h"
#include "prover/rv32im/witness.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/rv32im/seal.h"
#include "verifier/stark/proof.h"
#include "vm/fault.h"
#include "vm/machine.h"
#include "vm/trace.h"

namespace prova::rv32im {

ExecutionProof ProveExecution(const vm::ProgramImage& image, std::span<const uint8_t> input,
                              const ProveExecutionOptions& options) {
  // Execution and witness generation take about a fifth of the time; the STARK the rest.
  constexpr double kStarkStart = 0.2;
  auto progress = [&](std::string_view phase, double fraction) {
    if (options.on_progress) options.on_progress(phase, fraction);
  };
  progress("executing", 0.0);
  FixedColumns fixed = BuildFixedColumns(image);

  vm::ExecuteOptions exec;
  exec.max_cycles = std::min<uint64_t>(options.max_cycles, kMaxProvableCycles);
  exec.input = input;
  exec.on_output = [](int, std::span<const uint8_t>) {};
  vm::Trace trace;
  vm::ExecuteResult result = vm::ExecuteTraced(image, exec, &trace);
  if (result.status != vm::ExecuteResult::kExited) {
    throw Error("the guest did not exit: " +
                (result.fault ? result.fault->message : std::string("unknown fault")));
  }

  progress("witness", 0.05);
  CircuitWitness witness = GenerateWitness(fixed, trace, result.exit_code);
  trace = vm::Trace();  // 48 bytes per cycle, not needed any more
  BlindWitness(&witness, options.config.zero_knowledge);
  PROVA_CHECK(witness.publics.journal_length == result.journal.size(),
              "the witness journal differs from the emulator's");

  ProgramAir program{std::move(fixed.program_fixed)};
  MemoryInitAir memory{std::move(fixed.memory_fixed)};
  CircuitTables<stark::ProverAirTable, stark::ProverTable> tables(std::move(program),
                                                                  std::move(memory));
  const std::vector<const stark::ProverTable*> list = tables.List();
  progress("committing fixed columns", 0.15);
  const std::shared_ptr<const stark::ProvingKey> key = stark::CachedSetup(options.config, list);
  const stark::ProvingKey& pk = *key;

  if (options.tamper) {
    const std::vector<std::string_view> names = tables.Names();
    options.tamper(WitnessView{names, witness.tables});
  }
  stark::ProveOptions prove_options;
  prove_options.check_constraints = options.check_constraints;
  prove_options.name_violations = options.name_violations;
  prove_options.lde_cache_bytes = options.lde_cache_bytes;
  if (options.on_progress) {
    prove_options.on_progress = [&](std::string_view phase, double fraction) {
      options.on_progress(phase, kStarkStart + (1 - kStarkStart) * fraction);
    };
  }
  stark::StarkProof proof =
      stark::ProveConsuming(pk, list, std::move(witness.tables), prove_options);

  Seal seal;
  seal.image.entry_pc = fixed.entry_pc;
  seal.image.initial_sp = fixed.initial_sp;
  seal.image.image_end_word = fixed.image_end_word;
  PROVA_CHECK(pk.vk.preprocessed_root.has_value(), "the circuit has fixed columns");
  seal.image.preprocessed_root = *pk.vk.preprocessed_root;
  for (TableIndex t : kFixedTables) {
    seal.image.preprocessed_log_heights.push_back(
        static_cast<uint32_t>(pk.vk.preprocessed_log_heights[t]));
  }
  seal.stark_proof = stark::SerializeProof(proof);

  ExecutionProof out;
  out.journal = std::move(result.journal);
  out.exit_code = result.exit_code;
  out.cycles = result.cycles;
  out.image_id = ImageIdFromParts(seal.image);
  out.seal = EncodeSeal(seal);
  return out;
}

}  // namespace prova::rv32im
