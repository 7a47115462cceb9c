#include "service/job_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "common/error.h"
#include "common/file_io.h"
#include "service/crypto.h"
#include "service/sql.h"

namespace prova::service {
namespace {

constexpr std::string_view kStateNames[] = {"QUEUED", "RUNNING",   "SUCCEEDED",
                                            "FAILED", "TIMED_OUT", "ABORTED"};

// Portable DDL: SQLite and PostgreSQL both read these types.
constexpr const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS api_keys (key_hash TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
    "created_ms BIGINT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, "
    "max_concurrent BIGINT NOT NULL, cycle_budget BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS images (image_id TEXT PRIMARY KEY, size BIGINT NOT NULL, "
    "created_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS inputs (input_id TEXT PRIMARY KEY, owner TEXT NOT NULL, "
    "size BIGINT, created_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, owner TEXT NOT NULL, "
    "image_id TEXT NOT NULL, input_id TEXT NOT NULL, execute_only INTEGER NOT NULL, "
    "optimistic INTEGER NOT NULL, cycle_limit BIGINT NOT NULL, timeout_ms BIGINT NOT NULL, "
    "challenge_window_ms BIGINT NOT NULL, state TEXT NOT NULL, phase TEXT NOT NULL, "
    "progress DOUBLE PRECISION NOT NULL DEFAULT 0, stop_requested INTEGER NOT NULL DEFAULT 0, "
    "challenged INTEGER NOT NULL DEFAULT 0, worker TEXT, attempts BIGINT NOT NULL DEFAULT 0, "
    "proofs BIGINT NOT NULL DEFAULT 0, lease_until_ms BIGINT NOT NULL DEFAULT 0, cycles BIGINT, "
    "exit_code BIGINT, journal_hex TEXT NOT NULL DEFAULT '', claim TEXT NOT NULL DEFAULT '', "
    "signature TEXT NOT NULL DEFAULT '', challenge_deadline_ms BIGINT NOT NULL DEFAULT 0, "
    "dispute TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '', created_ms BIGINT NOT NULL, "
    "started_ms BIGINT NOT NULL DEFAULT 0, finished_ms BIGINT NOT NULL DEFAULT 0, "
    "prove_ms BIGINT NOT NULL DEFAULT 0, has_receipt INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sessions_by_state ON sessions (state, created_ms)",
    "CREATE INDEX IF NOT EXISTS sessions_by_owner ON sessions (owner, state)",
    "CREATE TABLE IF NOT EXISTS session_logs (session_id TEXT NOT NULL, seq BIGINT NOT NULL, "
    "at_ms BIGINT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (session_id, seq))",
};
constexpr const char* kPostgresBlobTable =
    "CREATE TABLE IF NOT EXISTS blobs (name TEXT PRIMARY KEY, data BYTEA NOT NULL)";

constexpr const char* kSessionColumns =
    "id, owner, image_id, input_id, execute_only, optimistic, cycle_limit, timeout_ms, "
    "challenge_window_ms, state, phase, progress, stop_requested, challenged, worker, attempts, "
    "proofs, lease_until_ms, cycles, exit_code, journal_hex, claim, signature, "
    "challenge_deadline_ms, dispute, error, created_ms, started_ms, finished_ms, prove_ms, "
    "has_receipt";

Session ParseSession(const SqlRow& r) {
  Session s;
  s.id = ColumnText(r, 0);
  s.owner = ColumnText(r, 1);
  s.image_id = ColumnText(r, 2);
  s.input_id = ColumnText(r, 3);
  s.options.execute_only = ColumnInt(r, 4) != 0;
  s.options.optimistic = ColumnInt(r, 5) != 0;
  s.options.cycle_limit = static_cast<uint64_t>(ColumnInt(r, 6));
  s.options.timeout_ms = ColumnInt(r, 7);
  s.options.challenge_window_ms = ColumnInt(r, 8);
  s.state = ParseState(ColumnText(r, 9));
  s.phase = ColumnText(r, 10);
  s.progress = ColumnDouble(r, 11);
  s.stop_requested = ColumnInt(r, 12) != 0;
  s.challenged = ColumnInt(r, 13) != 0;
  s.worker = ColumnText(r, 14);
  s.attempts = ColumnInt(r, 15);
  s.proofs = ColumnInt(r, 16);
  s.lease_until_ms = ColumnInt(r, 17);
  if (r.at(18)) s.cycles = ColumnInt(r, 18);
  if (r.at(19)) s.exit_code = ColumnInt(r, 19);
  s.journal_hex = ColumnText(r, 20);
  s.claim = ColumnText(r, 21);
  s.signature = ColumnText(r, 22);
  s.challenge_deadline_ms = ColumnInt(r, 23);
  s.dispute = ColumnText(r, 24);
  s.error = ColumnText(r, 25);
  s.created_ms = ColumnInt(r, 26);
  s.started_ms = ColumnInt(r, 27);
  s.finished_ms = ColumnInt(r, 28);
  s.prove_ms = ColumnInt(r, 29);
  s.has_receipt = ColumnInt(r, 30) != 0;
  return s;
}

SqlParam OptionalInt(const std::optional<int64_t>& v) { return v ? SqlParam(*v) : SqlParam(); }

// Connections handed to one thread at a time. SQLite gets one connection: its writers are
// serialized anyway, and one connection never meets SQLITE_BUSY inside the process.
class ConnectionPool {
 public:
  class Handle {
   public:
    Handle(ConnectionPool* pool, std::unique_ptr<SqlConnection> c)
        : pool_(pool), connection_(std::move(c)) {}
    Handle(Handle&&) = default;
    ~Handle() {
      if (connection_) pool_->Release(std::move(connection_));
    }
    SqlConnection* operator->() { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<SqlConnection> connection_;
  };

  void Add(std::unique_ptr<SqlConnection> c) { idle_.push_back(std::move(c)); }
  Handle Acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Handle(this, std::move(c));
  }

 private:
  void Release(std::unique_ptr<SqlConnection> c) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(c));
    }
    available_.notify_one();
  }

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;
};

// WriteFileAtomic writes a unique temporary, fsyncs it, renames it and fsyncs the directory:
// after a crash the blob is either complete or absent, and once Put returns it survives power
// loss.
void WriteDurably(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  WriteFileAtomic(path.string(), std::span<const uint8_t>(
                                     reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

class SqlJobStore final : public JobStore {
 public:
  // blob_dir empty: blobs live in the database (PostgreSQL).
  SqlJobStore(std::vector<std::unique_ptr<SqlConnection>> connections, std::string blob_dir)
      : blob_dir_(std::move(blob_dir)) {
    PROVA_CHECK(!connections.empty(), "a job store needs a connection");
    dialect_ = connections.front()->dialect();
    for (auto& c : connections) pool_.Add(std::move(c));
    CreateSchema();
  }

  void AddKey(const ApiKeyRecord& key) override {
    auto db = pool_.Acquire();
    if (!db->Query("SELECT 1 FROM api_keys WHERE name = $1", {key.name}).empty()) {
      throw Error("an API key named '" + key.name + "' exists already");
    }
    db->Query(
        "INSERT INTO api_keys (key_hash, name, created_ms, revoked, max_concurrent, "
        "cycle_budget) VALUES ($1, $2, $3, 0, $4, $5)",
        {key.key_hash, key.name, key.created_ms, key.max_concurrent, key.cycle_budget});
  }

  bool RevokeKey(std::string_view name) override {
    auto db = pool_.Acquire();
    db->Query("UPDATE api_keys SET revoked = 1 WHERE name = $1 AND revoked = 0",
              {std::string(name)});
    return db->ChangedRows() > 0;
  }

  std::optional<ApiKeyRecord> FindKey(std::string_view key_hash) override {
    auto rows = Query(
        "SELECT key_hash, name, created_ms, revoked, max_concurrent, cycle_budget FROM api_keys "
        "WHERE key_hash = $1",
        {std::string(key_hash)});
    if (rows.empty()) return std::nullopt;
    return ParseKey(rows.front());
  }

  std::vector<ApiKeyRecord> ListKeys() override {
    std::vector<ApiKeyRecord> keys;
    for (const SqlRow& r :
         Query("SELECT key_hash, name, created_ms, revoked, max_concurrent, cycle_budget FROM "
               "api_keys ORDER BY created_ms, name",
               {})) {
      keys.push_back(ParseKey(r));
    }
    return keys;
  }

  int64_t ActiveSessions(std::string_view owner) override {
    return ColumnInt(Query("SELECT COUNT(*) FROM sessions WHERE owner = $1 AND state IN "
                           "('QUEUED', 'RUNNING')",
                           {std::string(owner)})
                         .at(0),
                     0);
  }

  int64_t CyclesUsed(std::string_view owner) override {
    return ColumnInt(Query("SELECT COALESCE(SUM(cycles), 0) FROM sessions WHERE owner = $1",
                           {std::string(owner)})
                         .at(0),
                     0);
  }

  void PutImage(std::string_view image_id, std::string_view elf) override {
    PutBlob("images/" + std::string(image_id), elf);
    // The row comes after the blob: a listed image always has its bytes.
    Query(
        "INSERT INTO images (image_id, size, created_ms) VALUES ($1, $2, $3) ON CONFLICT DO "
        "NOTHING",
        {std::string(image_id), static_cast<int64_t>(elf.size()), NowMs()});
  }

  bool HasImage(std::string_view image_id) override {
    return !Query("SELECT 1 FROM images WHERE image_id = $1", {std::string(image_id)}).empty();
  }

  std::optional<std::string> GetImage(std::string_view image_id) override {
    if (!HasImage(image_id)) return std::nullopt;
    return GetBlob("images/" + std::string(image_id));
  }

  void ReserveInput(std::string_view input_id, std::string_view owner) override {
    Query("INSERT INTO inputs (input_id, owner, size, created_ms) VALUES ($1, $2, NULL, $3)",
          {std::string(input_id), std::string(owner), NowMs()});
  }

  std::optional<std::string> InputOwner(std::string_view input_id) override {
    auto rows = Query("SELECT owner FROM inputs WHERE input_id = $1", {std::string(input_id)});
    if (rows.empty()) return std::nullopt;
    return ColumnText(rows.front(), 0);
  }

  void PutInput(std::string_view input_id, std::string_view bytes) override {
    PutBlob("inputs/" + std::string(input_id), bytes);
    Query("UPDATE inputs SET size = $2 WHERE input_id = $1",
          {std::string(input_id), static_cast<int64_t>(bytes.size())});
  }

  std::optional<std::string> GetInput(std::string_view input_id) override {
    auto rows = Query("SELECT size FROM inputs WHERE input_id = $1 AND size IS NOT NULL",
                      {std::string(input_id)});
    if (rows.empty()) return std::nullopt;
    return GetBlob("inputs/" + std::string(input_id));
  }

  void PutReceipt(const Lease& lease, std::string_view bytes) override {
    PutBlob("receipts/" + lease.session_id, bytes);
  }

  std::optional<std::string> GetReceipt(std::string_view session_id) override {
    auto rows = Query("SELECT 1 FROM sessions WHERE id = $1 AND has_receipt = 1",
                      {std::string(session_id)});
    if (rows.empty()) return std::nullopt;
    return GetBlob("receipts/" + std::string(session_id));
  }

  void CreateSession(const Session& s) override {
    Query(
        "INSERT INTO sessions (id, owner, image_id, input_id, execute_only, optimistic, "
        "cycle_limit, timeout_ms, challenge_window_ms, state, phase, created_ms) VALUES ($1, $2, "
        "$3, $4, $5, $6, $7, $8, $9, 'QUEUED', 'queued', $10)",
        {s.id, s.owner, s.image_id, s.input_id, s.options.execute_only, s.options.optimistic,
         s.options.cycle_limit, s.options.timeout_ms, s.options.challenge_window_ms, s.created_ms});
  }

  std::optional<Session> GetSession(std::string_view id) override {
    auto rows = Query(std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE id = $1",
                      {std::string(id)});
    if (rows.empty()) return std::nullopt;
    return ParseSession(rows.front());
  }

  bool RequestStop(std::string_view id) override {
    auto db = pool_.Acquire();
    db->Query(
        "UPDATE sessions SET state = 'ABORTED', phase = 'aborted', stop_requested = 1, "
        "finished_ms = $2 WHERE id = $1 AND state = 'QUEUED'",
        {std::string(id), NowMs()});
    if (db->ChangedRows() > 0) return true;
    db->Query("UPDATE sessions SET stop_requested = 1 WHERE id = $1 AND state = 'RUNNING'",
              {std::string(id)});
    return db->ChangedRows() > 0;
  }

  bool Challenge(std::string_view id) override {
    auto db = pool_.Acquire();
    db->Query(
        "UPDATE sessions SET state = 'QUEUED', phase = 'queued (challenged)', challenged = 1, "
        "progress = 0 WHERE id = $1 AND optimistic = 1 AND challenged = 0 AND state = "
        "'SUCCEEDED' AND claim <> '' AND challenge_deadline_ms > $2",
        {std::string(id), NowMs()});
    return db->ChangedRows() > 0;
  }

  std::optional<Session> ClaimNext(const std::string& worker, int64_t lease_ms,
                                   int64_t max_attempts) override {
    auto db = pool_.Acquire();
    const int64_t now = NowMs();
    // Sessions whose worker vanished: stopped ones end ABORTED, ones that keep killing their
    // worker end FAILED, the rest are claimed again below.
    db->Query(
        "UPDATE sessions SET state = 'ABORTED', phase = 'aborted', finished_ms = $1 WHERE "
        "state = 'RUNNING' AND lease_until_ms < $1 AND stop_requested = 1",
        {now});
    db->Query(
        "UPDATE sessions SET state = 'FAILED', phase = 'failed', finished_ms = $1, error = "
        "'the worker running this session stopped responding too many times' WHERE state = "
        "'RUNNING' AND lease_until_ms < $1 AND attempts >= $2",
        {now, max_attempts});
    const std::string lock = dialect_ == SqlDialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
    auto rows = db->Query(
        std::string("UPDATE sessions SET state = 'RUNNING', phase = 'starting', progress = 0, "
                    "worker = $2, attempts = attempts + 1, lease_until_ms = $3, started_ms = $1 "
                    "WHERE id = (SELECT id FROM sessions WHERE state = 'QUEUED' OR (state = "
                    "'RUNNING' AND lease_until_ms < $1) ORDER BY created_ms, id LIMIT 1") +
            lock + ") RETURNING " + kSessionColumns,
        {now, worker, now + lease_ms});
    if (rows.empty()) return std::nullopt;
    return ParseSession(rows.front());
  }

  HeartbeatReply Heartbeat(const Lease& lease, int64_t lease_ms, std::string_view phase,
                           double progress) override {
    auto rows = Query(
        "UPDATE sessions SET lease_until_ms = $4, phase = $5, progress = $6 WHERE id = $1 AND "
        "worker = $2 AND attempts = $3 AND state = 'RUNNING' RETURNING stop_requested",
        {lease.session_id, lease.worker, lease.attempt, NowMs() + lease_ms, std::string(phase),
         std::to_string(progress)});
    if (rows.empty()) return HeartbeatReply::kLeaseLost;
    return ColumnInt(rows.front(), 0) != 0 ? HeartbeatReply::kStopRequested
                                           : HeartbeatReply::kContinue;
  }

  bool Finish(const Lease& lease, const JobResult& r) override {
    auto db = pool_.Acquire();
    db->Query(
        "UPDATE sessions SET state = $4, phase = $5, error = $6, cycles = COALESCE($7, cycles), "
        "exit_code = COALESCE($8, exit_code), journal_hex = $9, claim = CASE WHEN $10 = '' THEN "
        "claim ELSE $10 END, signature = CASE WHEN $11 = '' THEN signature ELSE $11 END, "
        "challenge_deadline_ms = CASE WHEN CAST($12 AS BIGINT) = 0 THEN challenge_deadline_ms ELSE "
        "$12 END, "
        "dispute = $13, prove_ms = $14, proofs = proofs + CAST($15 AS BIGINT), has_receipt = CASE "
        "WHEN CAST($15 AS BIGINT) = 1 "
        "THEN 1 ELSE has_receipt END, finished_ms = $16, progress = 1, lease_until_ms = 0 "
        "WHERE id = $1 AND worker = $2 AND attempts = $3 AND state = 'RUNNING'",
        {lease.session_id, lease.worker, lease.attempt, std::string(StateName(r.state)), r.phase,
         r.error, OptionalInt(r.cycles), OptionalInt(r.exit_code), r.journal_hex, r.claim,
         r.signature, r.challenge_deadline_ms, r.dispute, r.prove_ms, r.proved ? 1 : 0, NowMs()});
    return db->ChangedRows() > 0;
  }

  bool Requeue(const Lease& lease) override {
    auto db = pool_.Acquire();
    db->Query(
        "UPDATE sessions SET state = 'QUEUED', phase = CASE WHEN challenged = 1 THEN "
        "'queued (challenged)' ELSE 'queued' END, progress = 0, worker = NULL, attempts = "
        "attempts - 1, lease_until_ms = 0 WHERE id = $1 AND worker = $2 AND attempts = $3 AND "
        "state = 'RUNNING'",
        {lease.session_id, lease.worker, lease.attempt});
    return db->ChangedRows() > 0;
  }

  std::string GetOrPutSetting(std::string_view name, std::string_view value_if_absent) override {
    auto db = pool_.Acquire();
    db->Query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
              {std::string(name), std::string(value_if_absent)});
    return ColumnText(
        db->Query("SELECT value FROM settings WHERE name = $1", {std::string(name)}).at(0), 0);
  }

  void AppendLog(std::string_view session_id, std::string_view line) override {
    auto db = pool_.Acquire();
    // Two writers (API server and worker) may race for the next sequence number: retry.
    for (int attempt = 0; attempt < 5; ++attempt) {
      db->Query(
          "INSERT INTO session_logs (session_id, seq, at_ms, line) SELECT $1, "
          "COALESCE(MAX(seq), 0) + 1, $2, $3 FROM session_logs WHERE session_id = $1 ON "
          "CONFLICT DO NOTHING",
          {std::string(session_id), NowMs(), std::string(line)});
      if (db->ChangedRows() > 0) return;
    }
  }

  std::vector<std::string> GetLogs(std::string_view session_id) override {
    std::vector<std::string> lines;
    for (const SqlRow& r : Query("SELECT line FROM session_logs WHERE session_id = $1 ORDER BY "
                                 "seq",
                                 {std::string(session_id)})) {
      lines.push_back(ColumnText(r, 0));
    }
    return lines;
  }

  StoreStats Stats() override {
    StoreStats stats;
    for (std::string_view name : kStateNames) stats.sessions_by_state[std::string(name)] = 0;
    for (const SqlRow& r : Query("SELECT state, COUNT(*) FROM sessions GROUP BY state", {})) {
      stats.sessions_by_state[ColumnText(r, 0)] = ColumnInt(r, 1);
    }
    const SqlRow totals = Query(
                              "SELECT COALESCE(SUM(cycles), 0), COALESCE(SUM(prove_ms), 0), "
                              "COALESCE(SUM(proofs), 0) FROM sessions WHERE proofs > 0",
                              {})
                              .at(0);
    stats.cycles_proven = ColumnInt(totals, 0);
    stats.prove_ms = ColumnInt(totals, 1);
    stats.proofs = ColumnInt(totals, 2);
    return stats;
  }

 private:
  std::vector<SqlRow> Query(const std::string& sql, const std::vector<SqlParam>& params) {
    auto db = pool_.Acquire();
    return db->Query(sql, params);
  }

  void CreateSchema() {
    auto db = pool_.Acquire();
    // Several workers may start at once: serialize their CREATE TABLEs, which PostgreSQL does
    // not make safe against each other.
    if (dialect_ == SqlDialect::kPostgres) db->Query("SELECT pg_advisory_lock(7070001)", {});
    for (const char* statement : kSchema) db->Query(statement, {});
    if (dialect_ == SqlDialect::kPostgres) {
      db->Query(kPostgresBlobTable, {});
      db->Query("SELECT pg_advisory_unlock(7070001)", {});
    }
  }

  static ApiKeyRecord ParseKey(const SqlRow& r) {
    ApiKeyRecord k;
    k.key_hash = ColumnText(r, 0);
    k.name = ColumnText(r, 1);
    k.created_ms = ColumnInt(r, 2);
    k.revoked = ColumnInt(r, 3) != 0;
    k.max_concurrent = ColumnInt(r, 4);
    k.cycle_budget = ColumnInt(r, 5);
    return k;
  }

  void PutBlob(const std::string& name, std::string_view bytes) {
    if (!blob_dir_.empty()) {
      WriteDurably(std::filesystem::path(blob_dir_) / name, bytes);
      return;
    }
    Query(
        "INSERT INTO blobs (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET "
        "data = EXCLUDED.data",
        {name, SqlParam::Bytes(bytes)});
  }

  std::optional<std::string> GetBlob(const std::string& name) {
    if (!blob_dir_.empty()) {
      const std::string path = (std::filesystem::path(blob_dir_) / name).string();
      if (!std::filesystem::exists(path)) return std::nullopt;
      std::vector<uint8_t> bytes = ReadFileBytes(path);
      return std::string(bytes.begin(), bytes.end());
    }
    auto rows = Query("SELECT data FROM blobs WHERE name = $1", {name});
    if (rows.empty()) return std::nullopt;
    return ColumnText(rows.front(), 0);
  }

  ConnectionPool pool_;
  SqlDialect dialect_;
  std::string blob_dir_;
};

}  // namespace

std::string_view StateName(SessionState state) { return kStateNames[static_cast<int>(state)]; }

SessionState ParseState(std::string_view name) {
  for (int i = 0; i < 6; ++i) {
    if (kStateNames[i] == name) return static_cast<SessionState>(i);
  }
  throw Error("unknown session state '" + std::string(name) + "' in the job store");
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsPostgresUrl(const std::string& db) {
  return db.rfind("postgres://", 0) == 0 || db.rfind("postgresql://", 0) == 0;
}

Ed25519Signer LoadServiceSigner(JobStore& store, bool postgres, const std::string& data_dir,
                                const std::string& key_path) {
  if (!key_path.empty()) return Ed25519Signer::LoadOrCreate(key_path);
  if (postgres) {
    return Ed25519Signer::FromPem(
        store.GetOrPutSetting("signing_key_pem", Ed25519Signer::Generate().Pem()));
  }
  return Ed25519Signer::LoadOrCreate(
      (std::filesystem::path(data_dir) / "signing-key.pem").string());
}

std::unique_ptr<JobStore> OpenJobStore(const std::string& db, const std::string& data_dir,
                                       int pool_size) {
  std::vector<std::unique_ptr<SqlConnection>> connections;
  if (IsPostgresUrl(db)) {
    for (int i = 0; i < std::max(1, pool_size); ++i) connections.push_back(OpenPostgres(db));
    return std::make_unique<SqlJobStore>(std::move(connections), "");
  }
  if (!db.empty() && db != "sqlite") {
    throw Error("--db must be empty, 'sqlite' or a postgres:// URL, not '" + db + "'");
  }
  std::filesystem::create_directories(data_dir);
  // The data directory holds private inputs (blobs/inputs) and the database: its owner's alone,
  // whatever the files inside are created with.
  std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  connections.push_back(OpenSqlite((std::filesystem::path(data_dir) / "prova.db").string()));
  return std::make_unique<SqlJobStore>(std::move(connections),
                                       (std::filesystem::path(data_dir) / "blobs").string());
}

}  // namespace prova::service
