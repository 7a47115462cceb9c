// `prova prove`: run a guest, prove its execution and write a receipt (docs/receipt.md).

#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/progress.h"
#include "common/error.h"
#include "common/file_io.h"
#include "prover/receipt/prove_receipt.h"
#include "verifier/receipt/receipt.h"
#include "verifier/receipt/verify_receipt.h"
#include "vm/elf_loader.h"
#include "vm/machine.h"

namespace prova::cli {
namespace {

struct ProveArgs {
  std::string elf_path;
  std::string input_path;
  std::string output_path;
  uint64_t max_cycles = rv32im::ProveExecutionOptions{}.max_cycles;
  bool quiet = false;
  bool json = false;
  bool zstd = false;
  std::optional<size_t> lde_cache_mb;  // the prover's default when absent
  bool debug_constraints = false;
};

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Why an execution cannot be proven, in one line.
std::string UnprovableReason(const vm::ExecuteResult& run, uint64_t max_cycles) {
  if (run.fault->kind == vm::FaultKind::kCycleLimit) {
    return fmt::format(
        "the guest did not exit within {} cycles, the limit of a single proof (--max-cycles); "
        "longer executions need continuations, which this version does not have",
        max_cycles);
  }
  return fmt::format("the guest faulted ({}: {}); only executions that exit can be proven",
                     vm::FaultKindName(run.fault->kind), run.fault->message);
}

int RunProve(const ProveArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  Progress progress(!args.quiet && !args.json);

  progress.Phase("loading");
  std::vector<uint8_t> elf = ReadFileBytes(args.elf_path);
  std::vector<uint8_t> input;
  if (!args.input_path.empty()) input = ReadFileBytes(args.input_path);
  vm::ProgramImage image = vm::LoadElf(elf);

  // Running the guest first costs little next to proving and turns a fault or an over-long run
  // into a clear message before any proving work.
  progress.Phase("executing");
  vm::ExecuteOptions execute_options;
  execute_options.max_cycles = args.max_cycles;
  execute_options.input = input;
  execute_options.on_output = [](int, std::span<const uint8_t>) {};
  vm::ExecuteResult run = vm::Execute(image, execute_options);
  if (run.fault) {
    progress.Finish();
    fmt::print(stderr, "prova: cannot prove: {}\n", UnprovableReason(run, args.max_cycles));
    return kRejected;
  }

  const auto prove_start = std::chrono::steady_clock::now();
  rv32im::ProveExecutionOptions options;
  options.max_cycles = args.max_cycles;
  if (args.lde_cache_mb) options.lde_cache_bytes = *args.lde_cache_mb << 20;
  options.name_violations = args.debug_constraints;
  // Each proving phase gets its own line (kept with its duration); the percentage is the share
  // of the whole proof.
  options.on_progress = [&progress, cycles = run.cycles](std::string_view phase, double done) {
    progress.Phase(fmt::format("proving {} cycles: {}", cycles, phase));
    progress.SetFraction(done);
  };
  receipt::ProvedReceipt proved;
  try {
    proved = receipt::ProveReceipt(image, input, options);
  } catch (const Error& e) {
    progress.Finish();
    fmt::print(stderr, "prova: cannot prove: {}\n", e.what());
    return kRejected;
  }
  const double prove_seconds = Since(prove_start);

  progress.Phase("writing");
  const receipt::Receipt& r = proved.receipt;
  std::vector<uint8_t> bytes = receipt::EncodeReceipt(r, {.compress_seal = args.zstd});
  WriteFileAtomic(args.output_path, bytes);
  progress.Finish();

  const std::string image_id = ToHex(r.claim.image_id);
  if (args.json) {
    nlohmann::json report = {
        {"receipt", args.output_path},
        {"receipt_bytes", bytes.size()},
        {"seal_bytes", r.seal.bytes.size()},
        {"image_id", image_id},
        {"claim_digest", ToHex(receipt::ClaimDigest(r.claim))},
        {"exit_code", r.claim.exit_code},
        {"cycles", proved.cycles},
        {"journal_len", r.journal.size()},
        {"journal_hex", ToHex(r.journal)},
        {"prove_seconds", prove_seconds},
        {"seconds", Since(start)},
    };
    fmt::print("{}\n", report.dump());
  } else if (!args.quiet) {
    fmt::print(stderr, "prova: proved {} cycles in {:.2f} s ({:.0f} cycles/s)\n", proved.cycles,
               prove_seconds,
               prove_seconds > 0 ? static_cast<double>(proved.cycles) / prove_seconds : 0.0);
    fmt::print(stderr, "prova: wrote {} ({} bytes): image {}, exit code {}, journal {} bytes\n",
               args.output_path, bytes.size(), image_id, r.claim.exit_code, r.journal.size());
  }
  return 0;
}

}  // namespace

void RegisterProveCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<ProveArgs>();
  CLI::App* command = app.add_subcommand(
      "prove", "Run a guest ELF and prove its execution; writes a receipt (claim, journal, proof)");
  command->add_option("guest", args->elf_path, "Guest ELF (RV32IM)")->required();
  command->add_option("--input", args->input_path, "File whose bytes are the private input");
  command->add_option("-o,--output", args->output_path, "Receipt file to write")->required();
  command
      ->add_option("--max-cycles", args->max_cycles,
                   "Refuse executions longer than this (at most the single-proof limit)")
      ->capture_default_str();
  command->add_flag("--quiet", args->quiet, "No progress and no summary");
  command->add_flag("--json", args->json, "Print a JSON summary on stdout (implies no progress)");
  command->add_flag("--zstd", args->zstd, "Compress the seal with zstd");
  command
      ->add_option(
          "--lde-cache-mb", args->lde_cache_mb,
          "Memory (MiB) for keeping extended traces instead of recomputing them; 0 keeps none. "
          "Default: the heap's free memory beyond what it holds in use, at most 768. The "
          "receipt does not depend on it")
      ->check(CLI::Range(size_t{0}, size_t{1} << 24));
  command->add_flag("--debug-constraints", args->debug_constraints,
                    "Check every constraint on every row before proving and name each one that "
                    "fails (slower; without it a violation is still refused, by table)");
  command->callback([args, exit_status] { *exit_status = RunProve(*args); });
}

}  // namespace prova::cli
