// `prova params`: the security of a proof configuration for a given trace size, from
// stark::AnalyzeSecurity (formulas and citations in docs/security.md).

#include <fmt/core.h>

#include <bit>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "common/error.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/stark/config.h"

namespace prova::cli {
namespace {

struct ParamsArgs {
  uint64_t rows = uint64_t{1} << 20;
  uint64_t blowup = 0;  // 0: the default configuration's value
  uint64_t queries = 0;
  int64_t grinding = -1;
  uint64_t arity = 0;
  uint64_t final_poly_len = 0;
  bool no_zk = false;
  size_t constraint_degree = 4;  // the RV32IM circuit's largest (the CPU table's)
  size_t constraints = 1000;
  size_t tables = rv32im::kNumTables;
  bool json = false;
};

size_t Log2Exact(uint64_t x, const char* option) {
  if (x == 0 || !std::has_single_bit(x)) {
    throw Error(fmt::format("{} must be a power of two, got {}", option, x));
  }
  return static_cast<size_t>(std::countr_zero(x));
}

stark::StarkConfig ConfigFrom(const ParamsArgs& args) {
  stark::StarkConfig config = stark::DefaultConfig();
  if (args.blowup != 0) config.fri.log_blowup = Log2Exact(args.blowup, "--blowup");
  if (args.queries != 0) config.fri.num_queries = args.queries;
  if (args.grinding >= 0) config.fri.pow_bits = static_cast<size_t>(args.grinding);
  if (args.arity != 0) config.fri.log_arity = Log2Exact(args.arity, "--arity");
  if (args.final_poly_len != 0) {
    config.fri.log_final_poly_len = Log2Exact(args.final_poly_len, "--final-poly-len");
  }
  if (args.no_zk) config.zero_knowledge = false;
  stark::Validate(config);
  return config;
}

int RunParams(const ParamsArgs& args) {
  stark::StarkConfig config;
  try {
    if (args.rows == 0) throw Error("--rows must be at least 1");
    config = ConfigFrom(args);
  } catch (const Error& e) {
    fmt::print(stderr, "prova: {}\n", e.what());
    return kUsageError;
  }
  const stark::SecurityReport r = stark::AnalyzeSecurity(config, args.rows, args.constraint_degree,
                                                         args.constraints, args.tables);
  const double log_rows = std::log2(static_cast<double>(args.rows));
  const uint64_t blowup = uint64_t{1} << config.fri.log_blowup;
  if (args.json) {
    nlohmann::json report = {
        {"config",
         {{"blowup", blowup},
          {"queries", config.fri.num_queries},
          {"max_grinding_bits", config.fri.pow_bits},
          {"folding_arity", uint64_t{1} << config.fri.log_arity},
          {"final_poly_len", uint64_t{1} << config.fri.log_final_poly_len},
          {"zero_knowledge", config.zero_knowledge}}},
        {"trace_rows", args.rows},
        {"constraint_degree", args.constraint_degree},
        {"tables", args.tables},
        {"constraints", args.constraints},
        {"rate", r.rate},
        {"field_bits", r.field_bits},
        {"ali_bits", r.ali_bits},
        {"field_bound_bits", r.field_bound_bits},
        {"query_bits", r.query_bits},
        {"grinding_bits", r.grinding_bits},
        {"conjectured_bits", r.conjectured_bits},
        {"provable_unique_decoding_bits", r.unique_decoding_bits},
        {"provable_johnson_bits", r.johnson_bits},
    };
    fmt::print("{}\n", report.dump(2));
    return 0;
  }
  fmt::print(
      "configuration: blowup {}, {} queries, at most {} grinding bits, folding arity {}, "
      "final polynomial {} coefficients, zero knowledge {}\n",
      blowup, config.fri.num_queries, config.fri.pow_bits, uint64_t{1} << config.fri.log_arity,
      uint64_t{1} << config.fri.log_final_poly_len, config.zero_knowledge ? "on" : "off");
  fmt::print(
      "trace: {} rows (2^{:.1f}) in the tallest of {} tables, constraint degree {}, {} "
      "constraints\n",
      args.rows, log_rows, args.tables, args.constraint_degree, args.constraints);
  fmt::print(
      "field: BabyBear^4, {:.1f} bits; DEEP-ALI and batching bound {:.1f} bits (identity checks "
      "at {} out-of-domain points: {:.1f} bits)\n",
      r.field_bits, r.field_bound_bits, stark::kOutOfDomainPoints, r.ali_bits);
  fmt::print("worst FRI code rate: {:.4f} (1/{:.3f})\n", r.rate, 1 / r.rate);
  // A proof grinds what its own worst layer needs, at most the configured bits
  // (stark::ProofFriParams); at the worst rate of this trace size that is r.grinding_bits.
  fmt::print("conjectured security:           {:6.1f} bits (queries {:.1f} + grinding {:.1f})\n",
             r.conjectured_bits, r.query_bits, r.grinding_bits);
  fmt::print("provable, unique decoding:      {:6.1f} bits\n", r.unique_decoding_bits);
  fmt::print("provable, Johnson bound (m=3):  {:6.1f} bits\n", r.johnson_bits);
  return 0;
}

}  // namespace

void RegisterParamsCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<ParamsArgs>();
  const stark::StarkConfig defaults = stark::DefaultConfig();
  CLI::App* command = app.add_subcommand(
      "params",
      "Security of the proof configuration (default or modified) for a trace size: conjectured "
      "and provable bits (docs/security.md)");
  command->add_option("--rows", args->rows, "Rows of the tallest table")->capture_default_str();
  command->add_option("--blowup", args->blowup,
                      fmt::format("FRI blowup factor, a power of two (default {})",
                                  uint64_t{1} << defaults.fri.log_blowup));
  command->add_option("--queries", args->queries,
                      fmt::format("FRI queries (default {})", defaults.fri.num_queries));
  command->add_option("--grinding", args->grinding,
                      fmt::format("Most proof-of-work bits a proof grinds: it grinds what keeps "
                                  "100 conjectured bits at its worst FRI rate (default {})",
                                  defaults.fri.pow_bits));
  command->add_option("--arity", args->arity,
                      fmt::format("FRI folding arity, a power of two (default {})",
                                  uint64_t{1} << defaults.fri.log_arity));
  command->add_option(
      "--final-poly-len", args->final_poly_len,
      fmt::format("Coefficients of FRI's final polynomial, a power of two (default {})",
                  uint64_t{1} << defaults.fri.log_final_poly_len));
  command->add_flag("--no-zk", args->no_zk, "Without zero knowledge (degree bound n, not 2n)");
  command->add_option("--constraint-degree", args->constraint_degree, "Largest constraint degree")
      ->capture_default_str();
  command->add_option("--constraints", args->constraints, "Number of constraints")
      ->capture_default_str();
  command
      ->add_option("--tables", args->tables,
                   "Tables in the proof, each counted at the tallest's lifted degree (the RV32IM "
                   "circuit's by default)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{64}));
  command->add_flag("--json", args->json, "Print JSON on stdout");
  command->callback([args, exit_status] { *exit_status = RunParams(*args); });
}

}  // namespace prova::cli
