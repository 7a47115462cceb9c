// `prova serve`: the proving service (docs/service.md). With no flags: SQLite and blobs in
// ./prova-data, one in-process worker, http://127.0.0.1:8080.

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "prover/rv32im/prove.h"
#include "service/crypto.h"
#include "service/job_store.h"
#include "service/log.h"
#include "service/server.h"
#include "service/signals.h"
#include "service/worker.h"

namespace prova::cli {
namespace {

struct ServeArgs {
  std::string data_dir = "prova-data";
  std::string db;
  std::string signing_key;
  int workers = 1;
  double lease_seconds = 30;
  service::ServerOptions server;
  double session_timeout_seconds = 3600;
  double challenge_window_seconds = 600;
};

std::string WorkerName(int index) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(index);
}

int RunServe(ServeArgs args) {
  service::BlockShutdownSignals();
  service::Logger log;
  std::filesystem::create_directories(args.data_dir);
  auto store = service::OpenJobStore(args.db, args.data_dir);
  const service::Ed25519Signer signer = service::LoadServiceSigner(
      *store, service::IsPostgresUrl(args.db), args.data_dir, args.signing_key);

  args.server.version = PROVA_VERSION;
  args.server.session_timeout_ms = static_cast<int64_t>(args.session_timeout_seconds * 1000);
  args.server.challenge_window_ms = static_cast<int64_t>(args.challenge_window_seconds * 1000);
  service::Server server(*store, signer, log, args.server);
  server.Bind();

  std::vector<std::unique_ptr<service::Worker>> workers;
  for (int i = 0; i < args.workers; ++i) {
    service::WorkerOptions options;
    options.name = WorkerName(i);
    options.lease_ms = static_cast<int64_t>(args.lease_seconds * 1000);
    options.heartbeat_ms = std::max<int64_t>(100, options.lease_ms / 5);
    workers.push_back(std::make_unique<service::Worker>(*store, signer, log, options));
    workers.back()->Start();
  }
  std::thread signals([&] {
    const int signal_number = service::WaitForShutdownSignal();
    log.Info("shutting_down", {{"signal", signal_number}});
    server.Stop();
  });
  server.Listen();
  // Running proofs are abandoned and their sessions requeued: they resume on the next start
  // (or on another worker) instead of holding the shutdown for minutes.
  for (auto& w : workers) w->Stop();
  signals.join();
  log.Info("stopped");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int* exit_status) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* command =
      app.add_subcommand("serve", "Run the proving service (REST API + workers), docs/service.md");
  command->add_option("--host", args->server.host, "Address to listen on")->capture_default_str();
  command->add_option("--port", args->server.port, "Port (0: any free port)")
      ->capture_default_str();
  command->add_option("--data-dir", args->data_dir, "SQLite database, blobs and signing key")
      ->capture_default_str();
  command->add_option("--db", args->db,
                      "Job store: empty for SQLite in --data-dir, or a postgres:// URL");
  command->add_option(
      "--signing-key", args->signing_key,
      "Ed25519 key (PEM) for optimistic claims; default <data-dir>/signing-key.pem, or with "
      "PostgreSQL one key kept in the database");
  command->add_option("--workers", args->workers, "In-process workers (0: only the API)")
      ->capture_default_str();
  command
      ->add_option("--lease-seconds", args->lease_seconds,
                   "A dead worker's session is taken over after this")
      ->capture_default_str();
  command->add_option("--max-upload-bytes", args->server.max_upload_bytes, "Upload size limit")
      ->capture_default_str();
  command->add_option("--max-cycles", args->server.max_cycles, "Cycle limit of one session")
      ->capture_default_str();
  command
      ->add_option("--session-timeout-seconds", args->session_timeout_seconds,
                   "Wall time of one session attempt before TIMED_OUT")
      ->capture_default_str();
  command
      ->add_option("--challenge-window-seconds", args->challenge_window_seconds,
                   "Challenge window of optimistic sessions (default and maximum)")
      ->capture_default_str();
  command
      ->add_option("--rate-limit", args->server.rate_per_second, "Requests per second per API key")
      ->capture_default_str();
  command->add_option("--rate-burst", args->server.rate_burst, "Burst of requests per API key")
      ->capture_default_str();
  command->add_option("--http-threads", args->server.http_threads, "HTTP worker threads")
      ->capture_default_str();
  command->add_option("--tls-cert", args->server.tls_cert, "PEM certificate: serve HTTPS");
  command->add_option("--tls-key", args->server.tls_key, "PEM private key for --tls-cert");
  command->callback([args, exit_status] { *exit_status = RunServe(*args); });
}

}  // namespace prova::cli
