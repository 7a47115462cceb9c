// `prova remote prove|status|receipt|stop`: the client of `prova serve` (or any server with the
// same REST API), configured by PROVA_API_URL and PROVA_API_KEY.

#include <fmt/core.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "common/error.h"
#include "common/file_io.h"
#include "prover/rv32im/image_id.h"
#include "service/crypto.h"
#include "verifier/receipt/verify_receipt.h"
#include "vm/elf_loader.h"

namespace prova::cli {
namespace {

struct RemoteArgs {
  std::string elf_path, input_path, output_path, session_id;
  bool execute_only = false, optimistic = false, no_wait = false, quiet = false, json = false;
  uint64_t max_cycles = 0;
};

// One HTTP client with the key on every request; a non-2xx reply becomes a prova::Error with
// the server's message.
class Api {
 public:
  Api() {
    const char* url = std::getenv("PROVA_API_URL");
    const char* key = std::getenv("PROVA_API_KEY");
    if (url == nullptr || *url == '\0')
      throw Error("set PROVA_API_URL (e.g. http://127.0.0.1:8080)");
    if (key == nullptr || *key == '\0') throw Error("set PROVA_API_KEY (see `prova keys create`)");
    client_ = std::make_unique<httplib::Client>(url);
    client_->set_default_headers({{"x-api-key", key}});
    client_->set_read_timeout(300, 0);
  }

  httplib::Result Get(const std::string& path) { return Check(client_->Get(path), path); }
  httplib::Result Post(const std::string& path, const std::string& body) {
    return Check(client_->Post(path, body, "application/json"), path);
  }
  httplib::Result Put(const std::string& path, const std::string& body) {
    return Check(client_->Put(path, body, "application/octet-stream"), path);
  }
  nlohmann::json GetJson(const std::string& path) { return nlohmann::json::parse(Get(path)->body); }

 private:
  static httplib::Result Check(httplib::Result result, const std::string& path) {
    if (!result)
      throw Error("cannot reach the server for " + path + ": " + to_string(result.error()));
    if (result->status >= 300) {
      const nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
      const std::string message =
          body.is_object() ? body.value("error", result->body) : result->body;
      throw Error(fmt::format("{} {}: {}", result->status, path, message));
    }
    return result;
  }

  std::unique_ptr<httplib::Client> client_;
};

std::string Path(const std::string& url) {
  // Upload URLs are absolute; the client already knows the server, it needs the path.
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

struct Uploaded {
  std::string session_id;
  rv32im::ImageId image_id;  // computed here, from the ELF: what the receipt must prove
  std::string input;         // the input sent
};

Uploaded Upload(Api& api, const RemoteArgs& args) {
  const std::vector<uint8_t> elf = ReadFileBytes(args.elf_path);
  const rv32im::ImageId image_id_bytes = rv32im::ComputeImageId(vm::LoadElf(elf));
  const std::string image_id = ToHex(image_id_bytes);
  httplib::Result slot = api.Get("/images/upload/" + image_id);
  if (slot->status == 200) {
    api.Put(Path(nlohmann::json::parse(slot->body).at("url")), std::string(elf.begin(), elf.end()));
  }
  std::string input;
  if (!args.input_path.empty()) {
    std::vector<uint8_t> bytes = ReadFileBytes(args.input_path);
    input.assign(bytes.begin(), bytes.end());
  }
  const nlohmann::json input_slot = api.GetJson("/inputs/upload");
  api.Put(Path(input_slot.at("url")), input);
  nlohmann::json request = {{"img", image_id},
                            {"input", input_slot.at("uuid")},
                            {"execute_only", args.execute_only},
                            {"optimistic", args.optimistic}};
  if (args.max_cycles > 0) request["exec_cycle_limit"] = args.max_cycles;
  return {nlohmann::json::parse(api.Post("/sessions/create", request.dump())->body).at("uuid"),
          image_id_bytes, input};
}

nlohmann::json WaitForSession(Api& api, const std::string& id, bool show_progress) {
  Progress progress(show_progress);
  std::string phase;
  for (;;) {
    nlohmann::json status = api.GetJson("/sessions/status/" + id);
    const std::string state = status.value("state", "");
    if (state != phase) {
      phase = state;
      progress.Phase(phase);
    }
    progress.SetFraction(status.value("progress", -1.0));
    if (status.value("status", "") != "RUNNING") {
      progress.Finish();
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

int SaveReceipt(Api& api, const std::string& id, const std::string& path) {
  const httplib::Result r = api.Get("/receipts/" + id);
  WriteFileAtomic(path, {reinterpret_cast<const uint8_t*>(r->body.data()), r->body.size()});
  return static_cast<int>(r->body.size());
}

int RunProve(const RemoteArgs& args) {
  Api api;
  const Uploaded uploaded = Upload(api, args);
  const std::string& id = uploaded.session_id;
  if (args.no_wait) {
    fmt::print("{}\n", id);
    return 0;
  }
  if (!args.quiet && !args.json) fmt::print(stderr, "prova: session {}\n", id);
  nlohmann::json status = WaitForSession(api, id, !args.quiet && !args.json);
  const bool succeeded = status.value("status", "") == "SUCCEEDED";
  if (succeeded && status.contains("claim") && !status["receipt_url"].is_string()) {
    const nlohmann::json key = api.GetJson("/public-key");
    status["claim_signature_valid"] = service::VerifyEd25519(
        key.value("public_key", ""), status.value("claim", ""), status.value("signature", ""));
    // The signature only shows that the service stands by the claim; the claim must also be
    // about what was sent.
    const nlohmann::json claim = nlohmann::json::parse(status.value("claim", ""), nullptr, false);
    status["claim_matches_request"] =
        claim.is_object() && claim.value("session_id", "") == id &&
        claim.value("image_id", "") == ToHex(uploaded.image_id) &&
        claim.value("input_digest", "") ==
            service::SaltedInputDigestHex(status.value("input_salt", ""), uploaded.input);
  }
  bool trusted =
      status.value("claim_signature_valid", true) && status.value("claim_matches_request", true);
  if (succeeded && status["receipt_url"].is_string() && !args.output_path.empty()) {
    // The service is not trusted: a receipt is written only if it proves this ELF's image ID.
    const httplib::Result r = api.Get("/receipts/" + id);
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(r->body.data()),
                                         r->body.size());
    const stark::VerifyResult verified =
        receipt::VerifyReceipt(bytes, uploaded.image_id, std::nullopt);
    status["receipt_verified"] = verified.ok;
    if (verified.ok) {
      WriteFileAtomic(args.output_path, bytes);
      if (!args.quiet && !args.json) {
        fmt::print(stderr, "prova: wrote {} ({} bytes)\n", args.output_path, bytes.size());
      }
    } else {
      trusted = false;
      status["receipt_rejected"] = verified.reason;
      fmt::print(stderr, "prova: the service's receipt does not verify, not written: {}\n",
                 verified.reason);
    }
  }
  status["uuid"] = id;
  if (args.json) {
    fmt::print("{}\n", status.dump());
  } else if (!args.quiet) {
    fmt::print(
        stderr, "prova: {} ({}), {} cycles{}\n", status.value("status", ""),
        status.value("state", ""), status["stats"].value("cycles", 0),
        status["error_msg"].is_string() ? ": " + status["error_msg"].get<std::string>() : "");
  }
  return succeeded && trusted ? 0 : kRejected;
}

void AddProve(CLI::App& remote, const std::shared_ptr<RemoteArgs>& args, int* exit_status) {
  CLI::App* c = remote.add_subcommand("prove",
                                      "Upload a guest and input, prove remotely, "
                                      "download the receipt");
  c->add_option("guest", args->elf_path, "Guest ELF (RV32IM)")->required();
  c->add_option("--input", args->input_path, "File whose bytes are the private input");
  c->add_option("-o,--output", args->output_path, "Receipt file to write");
  c->add_flag("--execute-only", args->execute_only, "Execute without proving (journal, cycles)");
  c->add_flag("--optimistic", args->optimistic,
              "Return a signed execution claim now; a proof only if challenged");
  c->add_option("--max-cycles", args->max_cycles, "Cycle limit of the session");
  c->add_flag("--no-wait", args->no_wait, "Print the session ID and return");
  c->add_flag("--quiet", args->quiet, "No progress and no summary");
  c->add_flag("--json", args->json, "Print the final status as JSON on stdout");
  c->callback([args, exit_status] { *exit_status = RunProve(*args); });
}

}  // namespace

void RegisterRemoteCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<RemoteArgs>();
  CLI::App* remote =
      app.add_subcommand("remote", "Use a proving service (PROVA_API_URL, PROVA_API_KEY)");
  remote->require_subcommand(1);
  AddProve(*remote, args, exit_status);

  CLI::App* status = remote->add_subcommand("status", "Print a session's status (JSON)");
  status->add_option("session", args->session_id, "Session UUID")->required();
  status->callback([args, exit_status] {
    Api api;
    fmt::print("{}\n", api.GetJson("/sessions/status/" + args->session_id).dump(2));
    *exit_status = 0;
  });

  CLI::App* receipt = remote->add_subcommand("receipt", "Download a session's receipt");
  receipt->add_option("session", args->session_id, "Session UUID")->required();
  receipt->add_option("-o,--output", args->output_path, "Receipt file to write")->required();
  receipt->callback([args, exit_status] {
    Api api;
    SaveReceipt(api, args->session_id, args->output_path);
    *exit_status = 0;
  });

  CLI::App* stop = remote->add_subcommand("stop", "Stop a queued or running session");
  stop->add_option("session", args->session_id, "Session UUID")->required();
  stop->callback([args, exit_status] {
    Api api;
    api.Get("/sessions/stop/" + args->session_id);
    *exit_status = 0;
  });
}

}  // namespace prova::cli
