// `prova verify` and `prova-verify`: does a receipt prove that the program with this image ID
// ran to a successful exit (exit code 0, or the one --exit-code names, or any with
// --any-exit-code) and produced its journal (and, with --journal, exactly that journal)? Exit 0
// only if so; otherwise exit 1 with one line saying why. This file links the verifier side only
// (prova_receipt), so the standalone `prova-verify` can share it.

#include <fmt/core.h>

#include <charconv>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/image_id_argument.h"
#include "common/error.h"
#include "common/file_io.h"
#include "verifier/receipt/verify_receipt.h"

namespace prova::cli {
namespace {

struct VerifyArgs {
  std::string receipt_path;
  std::string image_id;
  std::string journal_path;
  bool journal_given = false;  // --journal was given, even as an empty string
  // A guest that fails (abort, a failed check) exits non-zero with a journal that may look
  // plausible, so a receipt is accepted only for the expected exit code, 0 unless told otherwise,
  // as RISC Zero's Receipt::verify accepts only Halted(0).
  std::string exit_code = "0";  // decimal (CLI11 would read 010 as octal and 0x86 as hex)
  bool any_exit_code = false;
  bool json = false;
};

int Report(const VerifyArgs& args, bool ok, const std::string& reason,
           const receipt::Receipt* receipt, double seconds) {
  if (args.json) {
    nlohmann::json report = {{"verified", ok}, {"seconds", seconds}};
    if (!ok) report["reason"] = reason;
    if (receipt != nullptr) {
      nlohmann::json claim = {{"image_id", ToHex(receipt->claim.image_id)},
                              {"exit_code", receipt->claim.exit_code},
                              {"journal_len", receipt->journal.size()},
                              {"claim_digest", ToHex(receipt::ClaimDigest(receipt->claim))}};
      // A rejected receipt's claim is what its author wrote: kept apart, so that a script
      // reading the top-level fields only ever reads verified ones, and without its journal,
      // which a hostile receipt can make 64 MiB long.
      if (ok) {
        claim["journal_hex"] = ToHex(receipt->journal);
        report.update(claim);
      } else {
        report["unverified_claim"] = claim;
      }
    }
    fmt::print("{}\n", report.dump());
  } else if (ok) {
    fmt::print("verified: image {}, exit code {}, journal {} bytes ({:.1f} ms)\n",
               ToHex(receipt->claim.image_id), receipt->claim.exit_code, receipt->journal.size(),
               seconds * 1e3);
  } else {
    fmt::print(stderr, "prova: receipt rejected: {}\n", reason);
  }
  return ok ? 0 : kRejected;
}

// An exit code as the guest's a0 holds it: a decimal number below 2^32.
std::optional<uint32_t> ParseExitCode(const std::string& text) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value, 10);
  if (text.empty() || error != std::errc() || stop != end) return std::nullopt;
  return value;
}

int RunVerify(const VerifyArgs& args) {
  std::array<uint8_t, 32> image_id;
  try {
    image_id = ParseImageId(args.image_id);
  } catch (const Error& e) {
    fmt::print(stderr, "prova: {}\n", e.what());
    return kUsageError;
  }
  const std::optional<uint32_t> exit_code = ParseExitCode(args.exit_code);
  if (!exit_code) {
    fmt::print(stderr, "prova: --exit-code needs a decimal number below 2^32, not '{}'\n",
               args.exit_code);
    return kUsageError;
  }
  if (args.journal_given && args.journal_path.empty()) {
    // An empty path (an unset shell variable) must not turn the journal check off.
    fmt::print(stderr, "prova: --journal needs a file\n");
    return kUsageError;
  }
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Anything short of a verified receipt is a rejection with one line, unreadable files included:
  // scripts only need the exit status.
  std::optional<receipt::DecodedReceipt> decoded;
  std::optional<std::vector<uint8_t>> expected_journal;
  try {
    std::vector<uint8_t> bytes = ReadFileBytes(args.receipt_path, receipt::kMaxReceiptBytes);
    if (args.journal_given) {
      expected_journal = ReadFileBytes(args.journal_path, receipt::kMaxJournalBytes);
    }
    decoded = receipt::DecodeReceipt(bytes);
  } catch (const Error& e) {
    return Report(args, false, e.what(), nullptr, elapsed());
  }
  std::optional<std::span<const uint8_t>> journal_view;
  if (expected_journal) journal_view = *expected_journal;
  stark::VerifyResult result = receipt::VerifyReceiptWith(
      decoded->receipt, image_id, journal_view,
      [](const receipt::Seal& seal, const receipt::ExecutionClaim& claim,
         std::span<const uint8_t> journal) { return receipt::VerifySeal(seal, claim, journal); },
      args.any_exit_code ? std::nullopt : exit_code);
  return Report(args, result.ok, result.reason, &decoded->receipt, elapsed());
}

}  // namespace

void AddVerifyOptions(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<VerifyArgs>();
  app.add_option("receipt", args->receipt_path, "Receipt file (from `prova prove`)")->required();
  app.add_option("--image-id", args->image_id,
                 "Expected image ID (64 hex digits, from `prova image-id guest.elf`)")
      ->required();
  CLI::Option* journal = app.add_option("--journal", args->journal_path,
                                        "Also require the journal to be exactly this file's bytes");
  CLI::Option* exit_code =
      app.add_option("--exit-code", args->exit_code,
                     "Require this exit code (default 0: a receipt of a failed run is rejected)")
          ->type_name("N");
  app.add_flag("--any-exit-code", args->any_exit_code,
               "Accept any exit code (the receipt still proves which one)")
      ->excludes(exit_code);
  app.add_flag("--json", args->json, "Print a JSON result on stdout");
  app.callback([args, journal, exit_status] {
    args->journal_given = journal->count() > 0;
    *exit_status = RunVerify(*args);
  });
}

void RegisterVerifyCommand(CLI::App& app, int* exit_status) {
  CLI::App* command = app.add_subcommand(
      "verify", "Verify a receipt against an image ID; exits 0 only if it is valid and matches");
  AddVerifyOptions(*command, exit_status);
}

}  // namespace prova::cli
