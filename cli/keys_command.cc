// `prova keys create|revoke|list`: the operator's API keys. A key is shown once, at creation;
// the store keeps only its SHA-256.

#include <fmt/core.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "common/error.h"
#include "service/crypto.h"
#include "service/job_store.h"

namespace prova::cli {
namespace {

struct KeysArgs {
  std::string data_dir = "prova-data";
  std::string db;
  std::string name;
  int64_t max_concurrent = service::ApiKeyRecord{}.max_concurrent;
  int64_t cycle_budget = service::ApiKeyRecord{}.cycle_budget;
  bool json = false;
};

void AddStoreOptions(CLI::App* command, KeysArgs& args) {
  command->add_option("--data-dir", args.data_dir, "Data directory of `prova serve`")
      ->capture_default_str();
  command->add_option("--db", args.db, "Job store: empty for SQLite, or a postgres:// URL");
}

int CreateKey(const KeysArgs& args) {
  if (args.max_concurrent < 1 || args.cycle_budget < 1) {
    throw Error("--concurrent and --cycle-budget must be positive");
  }
  auto store = service::OpenJobStore(args.db, args.data_dir, 1);
  const std::string key = service::NewApiKey();
  service::ApiKeyRecord record;
  record.key_hash = service::HashApiKey(key);
  record.name = args.name;
  record.created_ms = service::NowMs();
  record.max_concurrent = args.max_concurrent;
  record.cycle_budget = args.cycle_budget;
  store->AddKey(record);
  fmt::print("{}\n", key);
  return 0;
}

int RevokeKey(const KeysArgs& args) {
  auto store = service::OpenJobStore(args.db, args.data_dir, 1);
  if (!store->RevokeKey(args.name)) {
    fmt::print(stderr, "prova: no active API key named '{}'\n", args.name);
    return kRejected;
  }
  return 0;
}

int ListKeys(const KeysArgs& args) {
  auto store = service::OpenJobStore(args.db, args.data_dir, 1);
  nlohmann::json list = nlohmann::json::array();
  for (const service::ApiKeyRecord& k : store->ListKeys()) {
    if (args.json) {
      list.push_back({{"name", k.name},
                      {"hash_prefix", k.key_hash.substr(0, 12)},
                      {"revoked", k.revoked},
                      {"concurrent", k.max_concurrent},
                      {"cycle_budget", k.cycle_budget},
                      {"cycle_usage", store->CyclesUsed(k.key_hash)}});
    } else {
      fmt::print("{:<20} {}  {:<8} concurrent {:<3} cycles {}/{}\n", k.name,
                 k.key_hash.substr(0, 12), k.revoked ? "revoked" : "active", k.max_concurrent,
                 store->CyclesUsed(k.key_hash), k.cycle_budget);
    }
  }
  if (args.json) fmt::print("{}\n", list.dump());
  return 0;
}

}  // namespace

void RegisterKeysCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<KeysArgs>();
  CLI::App* keys = app.add_subcommand("keys", "Create, revoke and list the service's API keys");
  keys->require_subcommand(1);

  CLI::App* create = keys->add_subcommand("create", "Create a key; prints it once");
  create->add_option("name", args->name, "Unique name of the key")->required();
  create->add_option("--concurrent", args->max_concurrent, "Sessions queued or running at once")
      ->capture_default_str();
  create->add_option("--cycle-budget", args->cycle_budget, "Guest cycles over the key's life")
      ->capture_default_str();
  AddStoreOptions(create, *args);
  create->callback([args, exit_status] { *exit_status = CreateKey(*args); });

  CLI::App* revoke = keys->add_subcommand("revoke", "Revoke a key by name");
  revoke->add_option("name", args->name, "Name of the key")->required();
  AddStoreOptions(revoke, *args);
  revoke->callback([args, exit_status] { *exit_status = RevokeKey(*args); });

  CLI::App* list = keys->add_subcommand("list", "List keys (names, hash prefixes, quotas)");
  list->add_flag("--json", args->json, "JSON on stdout");
  AddStoreOptions(list, *args);
  list->callback([args, exit_status] { *exit_status = ListKeys(*args); });
}

}  // namespace prova::cli
