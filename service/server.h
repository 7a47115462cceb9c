#pragma once

// The REST API (docs/service.md): Bonsai's routes over HTTP(S) + JSON, API-key auth, quotas,
// rate limits, Prometheus metrics and the OpenAPI document. Sessions are stored in a JobStore;
// workers (service/worker.h) run them.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "service/crypto.h"
#include "service/job_store.h"
#include "service/log.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace prova::service {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                          // 0: any free port (see Bind)
  uint64_t max_upload_bytes = 64ull << 20;  // images and inputs; larger is 413
  // An uploaded image whose memory image (rv32im::ImageSpanBytes: code, data and .bss) is larger
  // is refused before its image ID is computed, which takes memory and time in proportion.
  uint64_t max_image_span_bytes = 16ull << 20;
  uint64_t max_cycles = uint64_t{1} << 22;   // per session (the single-proof limit)
  int64_t session_timeout_ms = 3600 * 1000;  // wall time of one attempt; then TIMED_OUT
  int64_t challenge_window_ms = 600 * 1000;  // optimistic sessions' default and maximum
  double rate_per_second = 100;              // requests per API key, sustained
  double rate_burst = 200;                   // requests per API key, in a burst
  int http_threads = 16;
  std::string tls_cert, tls_key;  // both set: HTTPS
  std::string version = "0.0.0";
};

// One route: method and OpenAPI path template ("/sessions/status/{id}").
struct RouteInfo {
  std::string method, path;
};

class Server {
 public:
  Server(JobStore& store, const Ed25519Signer& signer, Logger& log, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns the port (the chosen one when options.port is 0).
  // Throws prova::Error if the address is taken.
  int Bind();
  // Serves until Stop(); call after Bind().
  void Listen();
  void Stop();

  // Every route the server registers, for the OpenAPI consistency test.
  const std::vector<RouteInfo>& Routes() const { return routes_; }

 private:
  struct Caller;
  void RegisterRoutes();
  void Add(std::string method, std::string path, bool authenticated,
           std::function<void(const httplib::Request&, httplib::Response&, const Caller&)>);
  Caller Authenticate(const httplib::Request& req);
  void CheckRate(const std::string& key_hash);
  Session OwnedSession(const httplib::Request& req, const Caller& caller);
  Session SessionFromRequest(const nlohmann::json& body, const std::string& owner);
  void CheckSessionInputs(const Session& s);
  void AdmitSession(Session& s, const ApiKeyRecord& key);

  void ImageUploadUrl(const httplib::Request&, httplib::Response&, const Caller&);
  void ImageUpload(const httplib::Request&, httplib::Response&, const Caller&);
  void InputUploadUrl(const httplib::Request&, httplib::Response&, const Caller&);
  void InputUpload(const httplib::Request&, httplib::Response&, const Caller&);
  void CreateSession(const httplib::Request&, httplib::Response&, const Caller&);
  void SessionStatus(const httplib::Request&, httplib::Response&, const Caller&);
  void StopSession(const httplib::Request&, httplib::Response&, const Caller&);
  void ChallengeSession(const httplib::Request&, httplib::Response&, const Caller&);
  void SessionLogs(const httplib::Request&, httplib::Response&, const Caller&);
  void ExecOnlyJournal(const httplib::Request&, httplib::Response&, const Caller&);
  void GetReceipt(const httplib::Request&, httplib::Response&, const Caller&);
  void Quotas(const httplib::Request&, httplib::Response&, const Caller&);
  void Metrics(const httplib::Request&, httplib::Response&, const Caller&);

  JobStore& store_;
  const Ed25519Signer& signer_;
  Logger& log_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::vector<RouteInfo> routes_;

  std::mutex create_mutex_;        // quota checks and session creation, one at a time
  std::mutex image_id_mutex_;      // image ID computations (memory in proportion), one at a time
  std::mutex input_upload_mutex_;  // the write-once check and write of an input, one at a time

  struct Bucket {
    double tokens;
    int64_t last_ms;
  };
  std::mutex rate_mutex_;
  std::unordered_map<std::string, Bucket> buckets_;

  std::mutex counters_mutex_;
  std::map<int, int64_t> responses_by_status_;
};

// The OpenAPI 3 document served at /openapi.json (written by hand; a test keeps it in step with
// Server::Routes()).
const nlohmann::json& OpenApiDocument();

}  // namespace prova::service
