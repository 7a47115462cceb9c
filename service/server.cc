#include "service/server.h"

#include <fmt/core.h>
#include <httplib.h>

#include <regex>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "prover/rv32im/fixed_columns.h"
#include "prover/rv32im/image_id.h"
#include "vm/elf_loader.h"

namespace prova::service {

// A rejected request: HTTP status, stable machine-readable code and a message for people.
struct ApiError {
  int status;
  std::string code;
  std::string message;
};

struct Server::Caller {
  std::optional<ApiKeyRecord> key;  // absent on routes without authentication
};

namespace {

using httplib::Request;
using httplib::Response;

void ReplyJson(Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void ReplyError(Response& res, const ApiError& e) {
  ReplyJson(res, e.status, {{"error", e.message}, {"code", e.code}});
}

// An OpenAPI path template as the regular expression httplib matches: "{id}" -> "([^/]+)".
std::string PathPattern(const std::string& path) {
  return std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "([^/]+)");
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Session and input IDs are UUIDs; checking the shape keeps odd bytes out of blob paths.
void CheckUuid(const std::string& id, std::string_view what) {
  static const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  if (!std::regex_match(id, uuid)) {
    throw ApiError{404, std::string(what) + "_not_found",
                   fmt::format("no {} '{}' (IDs are UUIDs)", what, id)};
  }
}

void CheckImageId(const std::string& id) {
  if (id.size() != 64 || !IsHex(id)) {
    throw ApiError{
        400, "invalid_image_id",
        "an image ID is 64 lowercase hex digits (what `prova image-id` prints), not '" + id + "'"};
  }
}

std::string BaseUrl(const Request& req, bool tls) {
  return std::string(tls ? "https" : "http") + "://" + req.get_header_value("Host");
}

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// Bonsai's status: queued and running sessions both report RUNNING; `state` says which.
nlohmann::json StatusJson(const Session& s, const std::string& base_url,
                          const Ed25519Signer& signer) {
  const int64_t now = NowMs();
  const int64_t end = IsTerminal(s.state) && s.finished_ms > 0 ? s.finished_ms : now;
  std::string phase = s.phase;
  if (s.options.optimistic && !s.challenged && s.state == SessionState::kSucceeded &&
      !s.claim.empty() && now >= s.challenge_deadline_ms) {
    phase = "final (unchallenged)";
  }
  nlohmann::json j = {
      {"status", s.state == SessionState::kQueued ? "RUNNING" : StateName(s.state)},
      {"state", phase},
      {"progress", s.progress},
      {"error_msg", s.error.empty() ? nlohmann::json() : nlohmann::json(s.error)},
      {"receipt_url",
       s.has_receipt ? nlohmann::json(base_url + "/receipts/" + s.id) : nlohmann::json()},
      {"elapsed_time", Seconds(end - s.created_ms)},
      {"stats",
       {{"cycles", s.cycles.value_or(0)},
        {"total_cycles", s.cycles.value_or(0)},
        {"segments", s.cycles ? 1 : 0},
        {"prove_seconds", Seconds(s.prove_ms)}}},
      {"attempts", s.attempts},
      {"execute_only", s.options.execute_only},
      {"optimistic", s.options.optimistic},
      {"cycle_limit", s.options.cycle_limit},
  };
  if (s.exit_code) j["exit_code"] = *s.exit_code;
  if (s.cycles) j["journal"] = s.journal_hex;
  if (!s.claim.empty()) {
    j["claim"] = s.claim;
    j["signature"] = s.signature;
    // The owner's alone (a status is): it opens the claim's salted input digest.
    j["input_salt"] = InputSaltHex(signer, s.id);
    j["challenge_deadline_ms"] = s.challenge_deadline_ms;
    j["challenged"] = s.challenged;
  }
  if (!s.dispute.empty()) j["dispute"] = s.dispute;
  return j;
}

// Request bodies nest a few levels. A deeper one is refused while it is parsed: the parser itself
// is iterative, but copying or printing a value recurses once per level, and 200 000 levels
// (400 KB of brackets) overflow a thread's stack.
constexpr int kMaxJsonDepth = 32;

nlohmann::json ParseBody(const Request& req) {
  bool too_deep = false;
  const nlohmann::json::parser_callback_t limit_depth =
      [&too_deep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        too_deep = too_deep || depth > kMaxJsonDepth;
        return !too_deep;  // keep nothing once too deep
      };
  nlohmann::json body = nlohmann::json::parse(req.body, limit_depth, false);
  if (too_deep) {
    throw ApiError{400, "invalid_json",
                   fmt::format("the request body nests deeper than {} levels", kMaxJsonDepth)};
  }
  if (body.is_discarded() || !body.is_object()) {
    throw ApiError{400, "invalid_json", "the request body must be a JSON object"};
  }
  return body;
}

template <class T>
T Field(const nlohmann::json& body, const char* name, T fallback) {
  if (!body.contains(name) || body[name].is_null()) return fallback;
  try {
    return body[name].get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ApiError{400, "invalid_field", fmt::format("field '{}' has the wrong type", name)};
  }
}

}  // namespace

Server::Server(JobStore& store, const Ed25519Signer& signer, Logger& log, ServerOptions options)
    : store_(store), signer_(signer), log_(log), options_(std::move(options)) {
  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    if (options_.tls_cert.empty() || options_.tls_key.empty()) {
      throw Error("TLS needs both a certificate (--tls-cert) and a key (--tls-key)");
    }
    auto tls =
        std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!tls->is_valid()) throw Error("cannot load the TLS certificate or key");
    http_ = std::move(tls);
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  const int threads = options_.http_threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(options_.max_upload_bytes);
  // Responses httplib makes on its own (unknown route, body over the limit) get the same JSON
  // error body as ours.
  http_->set_error_handler([this](const Request& req, Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      ReplyError(res, {404, "not_found", "no route " + req.method + " " + req.path});
    } else if (res.status == 413) {
      ReplyError(res, {413, "payload_too_large",
                       fmt::format("the body exceeds the upload limit of {} bytes",
                                   options_.max_upload_bytes)});
    } else {
      ReplyError(res, {res.status, "http_error", "the request could not be handled"});
    }
  });
  http_->set_logger([this](const Request& req, const Response& res) {
    {
      std::lock_guard lock(counters_mutex_);
      ++responses_by_status_[res.status];
    }
    log_.Info("http", {{"method", req.method}, {"path", req.path}, {"status", res.status}});
  });
  RegisterRoutes();
}

Server::~Server() { Stop(); }

int Server::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
  } else if (!http_->bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port < 0) throw Error(fmt::format("cannot listen on {}:{}", options_.host, options_.port));
  log_.Info("listening",
            {{"host", options_.host}, {"port", port}, {"tls", !options_.tls_cert.empty()}});
  return port;
}

void Server::Listen() { http_->listen_after_bind(); }

void Server::Stop() { http_->stop(); }

void Server::Add(std::string method, std::string path, bool authenticated,
                 std::function<void(const Request&, Response&, const Caller&)> handler) {
  routes_.push_back({method, path});
  auto wrapped = [this, authenticated, handler = std::move(handler)](const Request& req,
                                                                     Response& res) {
    try {
      Caller caller;
      if (authenticated) caller = Authenticate(req);
      handler(req, res, caller);
    } catch (const ApiError& e) {
      ReplyError(res, e);
    } catch (const std::exception& e) {
      log_.Error("request_failed", {{"path", req.path}, {"error", e.what()}});
      ReplyError(res, {500, "internal_error", e.what()});
    }
  };
  const std::string pattern = PathPattern(path);
  if (method == "GET") http_->Get(pattern, wrapped);
  if (method == "POST") http_->Post(pattern, wrapped);
  if (method == "PUT") http_->Put(pattern, wrapped);
}

void Server::RegisterRoutes() {
  auto bind = [this](auto member) {
    return [this, member](const Request& q, Response& r, const Caller& c) {
      (this->*member)(q, r, c);
    };
  };
  Add("GET", "/images/upload/{image_id}", true, bind(&Server::ImageUploadUrl));
  Add("PUT", "/images/upload/{image_id}", true, bind(&Server::ImageUpload));
  Add("GET", "/inputs/upload", true, bind(&Server::InputUploadUrl));
  Add("PUT", "/inputs/upload/{input_id}", true, bind(&Server::InputUpload));
  Add("POST", "/sessions/create", true, bind(&Server::CreateSession));
  Add("GET", "/sessions/status/{session_id}", true, bind(&Server::SessionStatus));
  Add("GET", "/sessions/stop/{session_id}", true, bind(&Server::StopSession));
  Add("POST", "/sessions/challenge/{session_id}", true, bind(&Server::ChallengeSession));
  Add("GET", "/sessions/logs/{session_id}", true, bind(&Server::SessionLogs));
  Add("GET", "/sessions/exec_only_journal/{session_id}", true, bind(&Server::ExecOnlyJournal));
  Add("GET", "/receipts/{session_id}", true, bind(&Server::GetReceipt));
  Add("GET", "/user/quotas", true, bind(&Server::Quotas));
  Add("GET", "/version", false, [this](const Request&, Response& res, const Caller&) {
    ReplyJson(res, 200, {{"prova", {options_.version}}, {"api", "1"}});
  });
  Add("GET", "/public-key", false, [this](const Request&, Response& res, const Caller&) {
    ReplyJson(res, 200, {{"algorithm", "Ed25519"}, {"public_key", signer_.PublicKeyHex()}});
  });
  Add("GET", "/metrics", false, bind(&Server::Metrics));
  Add("GET", "/openapi.json", false,
      [](const Request&, Response& res, const Caller&) { ReplyJson(res, 200, OpenApiDocument()); });
}

Server::Caller Server::Authenticate(const Request& req) {
  const std::string key = req.get_header_value("x-api-key");
  if (key.empty()) {
    throw ApiError{401, "missing_api_key", "send your API key in the x-api-key header"};
  }
  std::optional<ApiKeyRecord> record = store_.FindKey(HashApiKey(key));
  if (!record) throw ApiError{401, "invalid_api_key", "the API key is not known"};
  if (record->revoked) throw ApiError{401, "revoked_api_key", "the API key was revoked"};
  CheckRate(record->key_hash);
  return Caller{std::move(record)};
}

// A token bucket per key: `rate_burst` requests at once, `rate_per_second` sustained.
void Server::CheckRate(const std::string& key_hash) {
  const int64_t now = NowMs();
  std::lock_guard lock(rate_mutex_);
  auto [it, inserted] = buckets_.try_emplace(key_hash, Bucket{options_.rate_burst, now});
  Bucket& b = it->second;
  b.tokens =
      std::min(options_.rate_burst, b.tokens + options_.rate_per_second * Seconds(now - b.last_ms));
  b.last_ms = now;
  if (b.tokens < 1) {
    throw ApiError{429, "rate_limited",
                   fmt::format("more than {} requests per second with this API key; retry later",
                               options_.rate_per_second)};
  }
  b.tokens -= 1;
}

Session Server::OwnedSession(const Request& req, const Caller& caller) {
  const std::string id = req.matches[1];
  CheckUuid(id, "session");
  std::optional<Session> s = store_.GetSession(id);
  if (!s) throw ApiError{404, "session_not_found", "no session '" + id + "'"};
  if (s->owner != caller.key->key_hash) {
    throw ApiError{403, "forbidden", "session '" + id + "' belongs to another API key"};
  }
  return *s;
}

void Server::ImageUploadUrl(const Request& req, Response& res, const Caller&) {
  const std::string id = req.matches[1];
  CheckImageId(id);
  if (store_.HasImage(id)) {
    res.status = 204;  // Bonsai's "already uploaded"
    return;
  }
  ReplyJson(res, 200, {{"url", BaseUrl(req, !options_.tls_cert.empty()) + req.path}});
}

void Server::ImageUpload(const Request& req, Response& res, const Caller&) {
  const std::string id = req.matches[1];
  CheckImageId(id);
  if (const std::optional<std::string> stored = store_.GetImage(id);
      stored && *stored == req.body) {
    // The same ELF again: its ID was checked when it was stored.
    ReplyJson(res, 200, {{"image_id", id}, {"bytes", req.body.size()}, {"already_stored", true}});
    return;
  }
  std::string computed;
  try {
    const vm::ProgramImage image =
        vm::LoadElf({reinterpret_cast<const uint8_t*>(req.body.data()), req.body.size()});
    if (rv32im::ImageSpanBytes(image) > options_.max_image_span_bytes) {
      throw ApiError{400, "image_too_large",
                     fmt::format("the image spans {} bytes of memory (code, data and .bss); this "
                                 "service takes at most {}",
                                 rv32im::ImageSpanBytes(image), options_.max_image_span_bytes)};
    }
    const std::lock_guard<std::mutex> lock(image_id_mutex_);
    computed = ToHex(rv32im::ComputeImageId(image));
  } catch (const Error& e) {
    throw ApiError{400, "invalid_elf",
                   std::string("the body is not a provable guest ELF: ") + e.what()};
  }
  if (computed != id) {
    throw ApiError{400, "image_id_mismatch",
                   "the ELF's image ID is " + computed + ", not " + id + " as in the URL"};
  }
  store_.PutImage(id, req.body);
  log_.Info("image_uploaded", {{"image_id", id}, {"bytes", req.body.size()}});
  ReplyJson(res, 200, {{"image_id", id}, {"bytes", req.body.size()}});
}

void Server::InputUploadUrl(const Request& req, Response& res, const Caller& caller) {
  const std::string id = RandomUuid();
  store_.ReserveInput(id, caller.key->key_hash);
  ReplyJson(
      res, 200,
      {{"uuid", id}, {"url", BaseUrl(req, !options_.tls_cert.empty()) + "/inputs/upload/" + id}});
}

void Server::InputUpload(const Request& req, Response& res, const Caller& caller) {
  const std::string id = req.matches[1];
  CheckUuid(id, "input");
  std::optional<std::string> owner = store_.InputOwner(id);
  if (!owner) {
    throw ApiError{404, "input_not_found",
                   "no input '" + id + "': get an upload URL from GET /inputs/upload first"};
  }
  if (*owner != caller.key->key_hash) {
    throw ApiError{403, "forbidden", "input '" + id + "' belongs to another API key"};
  }
  // An input is written once: a session created on it must prove the bytes it was created on.
  // One upload at a time, so two simultaneous ones cannot both find it empty.
  const std::lock_guard<std::mutex> lock(input_upload_mutex_);
  if (store_.GetInput(id)) {
    throw ApiError{409, "input_already_uploaded",
                   "input '" + id + "' was uploaded already; get a new upload URL"};
  }
  store_.PutInput(id, req.body);
  ReplyJson(res, 200, {{"uuid", id}, {"bytes", req.body.size()}});
}

// The session a create request asks for, its options checked and capped by the server's limits
// (the cycle limit is capped again by the key's budget when the session is admitted).
Session Server::SessionFromRequest(const nlohmann::json& body, const std::string& owner) {
  Session s;
  s.id = RandomUuid();
  s.owner = owner;
  s.image_id = Field<std::string>(body, "img", "");
  s.input_id = Field<std::string>(body, "input", "");
  s.options.execute_only = Field<bool>(body, "execute_only", false);
  s.options.optimistic = Field<bool>(body, "optimistic", false);
  const int64_t limit =
      Field<int64_t>(body, "exec_cycle_limit", static_cast<int64_t>(options_.max_cycles));
  const double timeout =
      Field<double>(body, "timeout_seconds", Seconds(options_.session_timeout_ms));
  const double window =
      Field<double>(body, "challenge_window_seconds", Seconds(options_.challenge_window_ms));
  if (const auto it = body.find("assumptions");
      it != body.end() && !it->is_null() && !it->empty()) {
    throw ApiError{400, "unsupported", "assumptions (composition) are not supported"};
  }
  if (s.options.execute_only && s.options.optimistic) {
    throw ApiError{400, "invalid_options", "a session is execute_only or optimistic, not both"};
  }
  if (limit <= 0 || !(timeout > 0) || !(window >= 0)) {
    throw ApiError{400, "invalid_options",
                   "exec_cycle_limit and timeout_seconds must be positive, "
                   "challenge_window_seconds not negative"};
  }
  s.options.cycle_limit = std::min(static_cast<uint64_t>(limit), options_.max_cycles);
  s.options.timeout_ms =
      static_cast<int64_t>(std::min(timeout, Seconds(options_.session_timeout_ms)) * 1000);
  s.options.challenge_window_ms =
      static_cast<int64_t>(std::min(window, Seconds(options_.challenge_window_ms)) * 1000);
  return s;
}

void Server::CheckSessionInputs(const Session& s) {
  CheckImageId(s.image_id);
  if (!store_.HasImage(s.image_id)) {
    throw ApiError{404, "image_not_found", "no image '" + s.image_id + "': upload it first"};
  }
  CheckUuid(s.input_id, "input");
  std::optional<std::string> owner = store_.InputOwner(s.input_id);
  if (owner && *owner != s.owner) {
    throw ApiError{403, "forbidden", "input '" + s.input_id + "' belongs to another API key"};
  }
  if (!owner || !store_.GetInput(s.input_id)) {
    throw ApiError{404, "input_not_found", "no uploaded input '" + s.input_id + "'"};
  }
}

// Quotas, then the session is stored. One at a time, so that concurrent requests of one key
// cannot all pass the concurrency check before any of them is counted.
void Server::AdmitSession(Session& s, const ApiKeyRecord& key) {
  std::lock_guard lock(create_mutex_);
  if (store_.ActiveSessions(key.key_hash) >= key.max_concurrent) {
    throw ApiError{429, "concurrency_quota",
                   fmt::format("this API key may have {} sessions queued or running at once",
                               key.max_concurrent)};
  }
  const int64_t used = store_.CyclesUsed(key.key_hash);
  if (used >= key.cycle_budget) {
    throw ApiError{403, "cycle_budget_exhausted",
                   fmt::format("this API key used its budget of {} cycles", key.cycle_budget)};
  }
  s.options.cycle_limit =
      std::min(s.options.cycle_limit, static_cast<uint64_t>(key.cycle_budget - used));
  s.created_ms = NowMs();
  store_.CreateSession(s);
}

void Server::CreateSession(const Request& req, Response& res, const Caller& caller) {
  Session s = SessionFromRequest(ParseBody(req), caller.key->key_hash);
  CheckSessionInputs(s);
  AdmitSession(s, *caller.key);
  store_.AppendLog(
      s.id, fmt::format("created: image {}, cycle limit {}{}{}", s.image_id, s.options.cycle_limit,
                        s.options.execute_only ? ", execute only" : "",
                        s.options.optimistic ? ", optimistic" : ""));
  log_.Info("session_created",
            {{"session", s.id}, {"image_id", s.image_id}, {"key", caller.key->name}});
  ReplyJson(res, 200, {{"uuid", s.id}});
}

void Server::SessionStatus(const Request& req, Response& res, const Caller& caller) {
  ReplyJson(
      res, 200,
      StatusJson(OwnedSession(req, caller), BaseUrl(req, !options_.tls_cert.empty()), signer_));
}

void Server::StopSession(const Request& req, Response& res, const Caller& caller) {
  const Session s = OwnedSession(req, caller);
  if (!store_.RequestStop(s.id)) {
    throw ApiError{409, "session_finished",
                   fmt::format("session '{}' is {} already", s.id, StateName(s.state))};
  }
  store_.AppendLog(s.id, "stop requested");
  ReplyJson(res, 200, {{"uuid", s.id}, {"stop_requested", true}});
}

// Anyone holding a valid key may challenge: the claim is meant to be relied on by third
// parties, who are the ones with a reason to dispute it.
void Server::ChallengeSession(const Request& req, Response& res, const Caller&) {
  const std::string id = req.matches[1];
  CheckUuid(id, "session");
  std::optional<Session> s = store_.GetSession(id);
  if (!s) throw ApiError{404, "session_not_found", "no session '" + id + "'"};
  if (!store_.Challenge(id)) {
    std::string why = "its claim is not out yet";
    if (!s->options.optimistic)
      why = "it is not optimistic";
    else if (s->challenged)
      why = "it was challenged already";
    else if (!s->claim.empty() && NowMs() >= s->challenge_deadline_ms) {
      why = "its challenge deadline has passed";
    }
    throw ApiError{409, "not_challengeable", "session '" + id + "' cannot be challenged: " + why};
  }
  store_.AppendLog(id, "challenged: proving the claim");
  log_.Info("session_challenged", {{"session", id}});
  ReplyJson(res, 200, {{"uuid", id}, {"challenged", true}});
}

void Server::SessionLogs(const Request& req, Response& res, const Caller& caller) {
  const Session s = OwnedSession(req, caller);
  std::string text;
  for (const std::string& line : store_.GetLogs(s.id)) text += line + "\n";
  res.set_content(text, "text/plain");
}

void Server::ExecOnlyJournal(const Request& req, Response& res, const Caller& caller) {
  const Session s = OwnedSession(req, caller);
  if (!s.cycles) {
    throw ApiError{404, "journal_not_ready",
                   fmt::format("session '{}' has not executed yet ({})", s.id, s.phase)};
  }
  std::vector<uint8_t> journal = FromHex(s.journal_hex);
  res.set_content(std::string(journal.begin(), journal.end()), "application/octet-stream");
}

void Server::GetReceipt(const Request& req, Response& res, const Caller& caller) {
  const Session s = OwnedSession(req, caller);
  std::optional<std::string> receipt = store_.GetReceipt(s.id);
  if (!receipt) {
    throw ApiError{
        404, "receipt_not_ready",
        fmt::format("session '{}' has no receipt ({}, {})", s.id, StateName(s.state), s.phase)};
  }
  res.set_content(*receipt, "application/octet-stream");
}

void Server::Quotas(const Request&, Response& res, const Caller& caller) {
  const ApiKeyRecord& key = *caller.key;
  ReplyJson(res, 200,
            {{"name", key.name},
             {"concurrent_proofs", key.max_concurrent},
             {"active_sessions", store_.ActiveSessions(key.key_hash)},
             {"cycle_budget", key.cycle_budget},
             {"cycle_usage", store_.CyclesUsed(key.key_hash)},
             {"exec_cycle_limit", options_.max_cycles},
             {"max_upload_bytes", options_.max_upload_bytes},
             {"rate_limit_per_second", options_.rate_per_second}});
}

void Server::Metrics(const Request&, Response& res, const Caller&) {
  const StoreStats stats = store_.Stats();
  std::ostringstream out;
  out << "# HELP prova_queue_depth Sessions waiting for a worker.\n"
      << "# TYPE prova_queue_depth gauge\n"
      << "prova_queue_depth " << stats.sessions_by_state.at("QUEUED") << "\n"
      << "# HELP prova_sessions Sessions by state.\n# TYPE prova_sessions gauge\n";
  for (const auto& [state, count] : stats.sessions_by_state) {
    out << "prova_sessions{state=\"" << state << "\"} " << count << "\n";
  }
  const double prove_seconds = Seconds(stats.prove_ms);
  out << "# HELP prova_cycles_proven_total Guest cycles proven.\n"
      << "# TYPE prova_cycles_proven_total counter\n"
      << "prova_cycles_proven_total " << stats.cycles_proven << "\n"
      << "# HELP prova_proofs_total Proofs completed.\n# TYPE prova_proofs_total counter\n"
      << "prova_proofs_total " << stats.proofs << "\n"
      << "# HELP prova_proving_seconds_total Wall time spent proving.\n"
      << "# TYPE prova_proving_seconds_total counter\n"
      << "prova_proving_seconds_total " << prove_seconds << "\n"
      << "# HELP prova_proving_rate_cycles_per_second Cycles proven per second of proving.\n"
      << "# TYPE prova_proving_rate_cycles_per_second gauge\n"
      << "prova_proving_rate_cycles_per_second "
      << (prove_seconds > 0 ? static_cast<double>(stats.cycles_proven) / prove_seconds : 0.0)
      << "\n# HELP prova_http_responses_total HTTP responses by status (this process).\n"
      << "# TYPE prova_http_responses_total counter\n";
  std::lock_guard lock(counters_mutex_);
  for (const auto& [status, count] : responses_by_status_) {
    out << "prova_http_responses_total{status=\"" << status << "\"} " << count << "\n";
  }
  res.set_content(out.str(), "text/plain; version=0.0.4");
}

}  // namespace prova::service
