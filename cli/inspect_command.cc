// `prova inspect`: what a receipt claims, without verifying it.

#include <fmt/core.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "common/file_io.h"
#include "verifier/receipt/receipt.h"

namespace prova::cli {
namespace {

struct InspectArgs {
  std::string receipt_path;
  bool json = false;
};

nlohmann::json StateJson(const receipt::SystemState& state) {
  return {{"pc", fmt::format("0x{:08x}", state.pc)}, {"memory_root", ToHex(state.memory_root)}};
}

int RunInspect(const InspectArgs& args) {
  std::vector<uint8_t> bytes = ReadFileBytes(args.receipt_path, receipt::kMaxReceiptBytes);
  receipt::DecodedReceipt decoded = receipt::DecodeReceipt(bytes);
  const receipt::Receipt& r = decoded.receipt;
  const bool digest_matches = receipt::Sha256(r.journal) == r.claim.journal_digest;
  const std::string claim_digest = ToHex(receipt::ClaimDigest(r.claim));
  if (args.json) {
    nlohmann::json report = {
        {"verified", false},  // inspect shows what the receipt claims; `prova verify` checks it
        {"version", decoded.version},
        {"file_bytes", bytes.size()},
        {"image_id", ToHex(r.claim.image_id)},
        {"exit_code", r.claim.exit_code},
        {"journal_len", r.journal.size()},
        {"journal_hex", ToHex(r.journal)},
        {"journal_digest", ToHex(r.claim.journal_digest)},
        {"journal_digest_matches", digest_matches},
        {"pre_state", StateJson(r.claim.pre_state)},
        {"post_state", StateJson(r.claim.post_state)},
        {"claim_digest", claim_digest},
        {"seal_kind", std::string(receipt::SealKindName(r.seal.kind))},
        {"seal_kind_id", r.seal.kind},
        {"seal_version", r.seal.version},
        {"seal_bytes", r.seal.bytes.size()},
        {"seal_compressed", decoded.seal_compressed},
        {"seal_stored_bytes", decoded.seal_stored_bytes},
    };
    fmt::print("{}\n", report.dump(2));
    return 0;
  }
  fmt::print("unverified claim (inspect does not check it; `prova verify` does)\n");
  fmt::print("receipt version   {} ({} bytes)\n", decoded.version, bytes.size());
  fmt::print("image ID          {}\n", ToHex(r.claim.image_id));
  fmt::print("exit code         {}\n", r.claim.exit_code);
  fmt::print("journal           {} bytes: {}\n", r.journal.size(), ToHex(r.journal));
  fmt::print("journal digest    {}{}\n", ToHex(r.claim.journal_digest),
             digest_matches ? "" : " (does NOT match the journal)");
  fmt::print("pre-state         pc 0x{:08x}, memory {}\n", r.claim.pre_state.pc,
             ToHex(r.claim.pre_state.memory_root));
  fmt::print("post-state        pc 0x{:08x}, memory {}\n", r.claim.post_state.pc,
             ToHex(r.claim.post_state.memory_root));
  fmt::print("claim digest      {}\n", claim_digest);
  fmt::print("seal              {} v{}, {} bytes", receipt::SealKindName(r.seal.kind),
             r.seal.version, r.seal.bytes.size());
  if (decoded.seal_compressed) fmt::print(" ({} bytes with zstd)", decoded.seal_stored_bytes);
  fmt::print("\n");
  return 0;
}

}  // namespace

void RegisterInspectCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* command =
      app.add_subcommand("inspect", "Show what a receipt claims (does not verify it)");
  command->add_option("receipt", args->receipt_path, "Receipt file")->required();
  command->add_flag("--json", args->json, "Print JSON on stdout");
  command->callback([args, exit_status] { *exit_status = RunInspect(*args); });
}

}  // namespace prova::cli
