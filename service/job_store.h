#pragma once

// Where the service keeps everything that must survive a crash: API keys (hashed), images,
// inputs, sessions (the job queue), receipts and session logs. One interface, one SQL
// implementation over two databases (service/sql.h):
//   - embedded: SQLite file + a blob directory (`prova serve` with no --db);
//   - scale-out: PostgreSQL holds the rows and the blobs (bytea), so workers on other machines
//     need no shared disk; workers claim jobs with FOR UPDATE SKIP LOCKED.
// Exactly-once: a worker claims a session with a lease (worker name + attempt number); every
// later write by that worker is conditional on still holding that lease, and a session whose
// lease ran out (its worker died) is claimed again.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/crypto.h"

namespace prova::service {

enum class SessionState { kQueued, kRunning, kSucceeded, kFailed, kTimedOut, kAborted };
std::string_view StateName(SessionState state);  // "QUEUED", "RUNNING", ...
SessionState ParseState(std::string_view name);
inline bool IsTerminal(SessionState s) {
  return s != SessionState::kQueued && s != SessionState::kRunning;
}

int64_t NowMs();  // wall clock, milliseconds since the Unix epoch

struct ApiKeyRecord {
  std::string key_hash;  // SHA-256 of the key, hex; the key itself is never stored
  std::string name;      // unique, chosen by the operator
  int64_t created_ms = 0;
  bool revoked = false;
  int64_t max_concurrent = 4;               // sessions queued or running at once
  int64_t cycle_budget = int64_t{1} << 40;  // total guest cycles over the key's life
};

struct SessionOptions {
  bool execute_only = false;
  bool optimistic = false;
  uint64_t cycle_limit = 0;
  int64_t timeout_ms = 0;           // wall time of one attempt; then TIMED_OUT
  int64_t challenge_window_ms = 0;  // optimistic sessions
};

struct Session {
  std::string id, owner, image_id, input_id;  // owner: the API key hash
  SessionOptions options;
  SessionState state = SessionState::kQueued;
  std::string phase = "queued";
  double progress = 0;
  bool stop_requested = false;
  bool challenged = false;
  std::string worker;
  int64_t attempts = 0;  // claims so far (a crash-recovered job has 2)
  int64_t proofs = 0;    // proofs completed and recorded: at most one per session
  int64_t lease_until_ms = 0;
  std::optional<int64_t> cycles, exit_code;
  std::string journal_hex;
  std::string claim, signature;  // optimistic: the signed execution claim (JSON text)
  int64_t challenge_deadline_ms = 0;
  std::string dispute;  // after a challenge: "claim_upheld" or "claim_refuted"
  std::string error;
  int64_t created_ms = 0, started_ms = 0, finished_ms = 0, prove_ms = 0;
  bool has_receipt = false;
};

// What a worker holds while it runs a session; every write it makes names it.
struct Lease {
  std::string session_id;
  std::string worker;
  int64_t attempt = 0;
};

// The outcome a worker records when it is done with a session.
struct JobResult {
  SessionState state = SessionState::kSucceeded;
  std::string phase;
  std::string error;
  std::optional<int64_t> cycles, exit_code;
  std::string journal_hex;
  std::string claim, signature;
  int64_t challenge_deadline_ms = 0;
  std::string dispute;
  int64_t prove_ms = 0;
  bool proved = false;  // a receipt was stored
};

enum class HeartbeatReply { kContinue, kStopRequested, kLeaseLost };

struct StoreStats {
  std::map<std::string, int64_t> sessions_by_state;
  int64_t cycles_proven = 0;
  int64_t prove_ms = 0;
  int64_t proofs = 0;
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // API keys. AddKey throws prova::Error if the name is taken.
  virtual void AddKey(const ApiKeyRecord& key) = 0;
  virtual bool RevokeKey(std::string_view name) = 0;
  virtual std::optional<ApiKeyRecord> FindKey(std::string_view key_hash) = 0;
  virtual std::vector<ApiKeyRecord> ListKeys() = 0;
  virtual int64_t ActiveSessions(std::string_view owner) = 0;
  virtual int64_t CyclesUsed(std::string_view owner) = 0;

  // Blobs: each put is atomic (complete or absent) and durable when it returns.
  virtual void PutImage(std::string_view image_id, std::string_view elf) = 0;
  virtual bool HasImage(std::string_view image_id) = 0;
  virtual std::optional<std::string> GetImage(std::string_view image_id) = 0;
  virtual void ReserveInput(std::string_view input_id, std::string_view owner) = 0;
  // The owner of a reserved input, if any.
  virtual std::optional<std::string> InputOwner(std::string_view input_id) = 0;
  virtual void PutInput(std::string_view input_id, std::string_view bytes) = 0;
  // The bytes of an uploaded input (nullopt if reserved only or unknown).
  virtual std::optional<std::string> GetInput(std::string_view input_id) = 0;
  virtual void PutReceipt(const Lease& lease, std::string_view bytes) = 0;
  virtual std::optional<std::string> GetReceipt(std::string_view session_id) = 0;

  // Sessions.
  virtual void CreateSession(const Session& session) = 0;
  virtual std::optional<Session> GetSession(std::string_view id) = 0;
  // A queued session becomes ABORTED at once; a running one is flagged and its worker aborts.
  // Returns false if the session was already finished.
  virtual bool RequestStop(std::string_view id) = 0;
  // An optimistic session whose claim is out and whose deadline has not passed goes back to the
  // queue for a full proof. False otherwise.
  virtual bool Challenge(std::string_view id) = 0;

  // Claims the oldest queued session, or one whose worker's lease ran out; sessions whose lease
  // ran out max_attempts times are failed instead.
  virtual std::optional<Session> ClaimNext(const std::string& worker, int64_t lease_ms,
                                           int64_t max_attempts) = 0;
  virtual HeartbeatReply Heartbeat(const Lease& lease, int64_t lease_ms, std::string_view phase,
                                   double progress) = 0;
  // Records the outcome if the lease is still held; false (nothing written) otherwise.
  virtual bool Finish(const Lease& lease, const JobResult& result) = 0;
  // Gives a claimed session back to the queue (graceful shutdown) without counting the attempt.
  virtual bool Requeue(const Lease& lease) = 0;

  // Service-wide settings: returns the stored value of `name`, storing `value_if_absent` first
  // if there is none (the first writer wins when several processes race).
  virtual std::string GetOrPutSetting(std::string_view name, std::string_view value_if_absent) = 0;

  virtual void AppendLog(std::string_view session_id, std::string_view line) = 0;
  virtual std::vector<std::string> GetLogs(std::string_view session_id) = 0;
  virtual StoreStats Stats() = 0;
};

// The key that signs optimistic claims: the PEM file `key_path` if given; else, on PostgreSQL,
// one key kept in the database, shared by every `prova serve` and `prova worker` on it (so all
// claims verify under the one key /public-key shows); else <data_dir>/signing-key.pem.
Ed25519Signer LoadServiceSigner(JobStore& store, bool postgres, const std::string& data_dir,
                                const std::string& key_path);
bool IsPostgresUrl(const std::string& db);

// Opens a store: `db` empty or "sqlite" uses <data_dir>/prova.db and <data_dir>/blobs; a
// postgres:// or postgresql:// URL uses PostgreSQL (`pool_size` connections). Creates the
// schema if needed.
std::unique_ptr<JobStore> OpenJobStore(const std::string& db, const std::string& data_dir,
                                       int pool_size = 4);

}  // namespace prova::service
