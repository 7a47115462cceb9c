// `prova worker`: workers without the API, claiming sessions from a shared PostgreSQL store
// (FOR UPDATE SKIP LOCKED), so proving scales over machines (docs/service.md).

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/error.h"
#include "service/crypto.h"
#include "service/job_store.h"
#include "service/log.h"
#include "service/signals.h"
#include "service/worker.h"

namespace prova::cli {
namespace {

struct WorkerArgs {
  std::string db;
  std::string signing_key;
  int threads = 1;
  double lease_seconds = 30;
};

int RunWorker(const WorkerArgs& args) {
  if (args.db.rfind("postgres", 0) != 0) {
    throw Error(
        "prova worker needs --db postgres://...: the embedded SQLite store is served by "
        "`prova serve`'s own workers");
  }
  service::BlockShutdownSignals();
  service::Logger log;
  auto store = service::OpenJobStore(args.db, "", args.threads + 1);
  const service::Ed25519Signer signer =
      service::LoadServiceSigner(*store, /*postgres=*/true, "", args.signing_key);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::vector<std::unique_ptr<service::Worker>> workers;
  for (int i = 0; i < args.threads; ++i) {
    service::WorkerOptions options;
    options.name = std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(i);
    options.lease_ms = static_cast<int64_t>(args.lease_seconds * 1000);
    options.heartbeat_ms = std::max<int64_t>(100, options.lease_ms / 5);
    workers.push_back(std::make_unique<service::Worker>(*store, signer, log, options));
    workers.back()->Start();
  }
  log.Info("worker_started", {{"threads", args.threads}});
  const int signal_number = service::WaitForShutdownSignal();
  log.Info("shutting_down", {{"signal", signal_number}});
  for (auto& w : workers) w->Stop();
  return 0;
}

}  // namespace

void RegisterWorkerCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<WorkerArgs>();
  CLI::App* command = app.add_subcommand(
      "worker", "Prove sessions from a shared PostgreSQL job store (scale-out proving)");
  command->add_option("--db", args->db, "postgres:// URL of the job store")->required();
  command->add_option("--signing-key", args->signing_key,
                      "Ed25519 key (PEM) for optimistic claims; default: the one key kept in the "
                      "database, shared with `prova serve`");
  command->add_option("--threads", args->threads, "Sessions proved at once")->capture_default_str();
  command
      ->add_option("--lease-seconds", args->lease_seconds,
                   "A dead worker's session is taken over after this")
      ->capture_default_str();
  command->callback([args, exit_status] { *exit_status = RunWorker(*args); });
}

}  // namespace prova::cli
