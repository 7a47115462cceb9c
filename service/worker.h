#pragma once

// A worker claims sessions from the job store and runs them: execute, sign an optimistic claim,
// or prove and store the receipt. `prova serve` runs workers in-process; `prova worker` runs
// them alone against a PostgreSQL store.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "service/crypto.h"
#include "service/job_store.h"
#include "service/log.h"

namespace prova::service {

struct WorkerOptions {
  std::string name;             // unique among the workers sharing a store
  int64_t lease_ms = 30000;     // a silent worker's session is claimed again after this
  int64_t heartbeat_ms = 1000;  // lease renewal, progress report and stop check
  int64_t max_attempts = 3;     // claims of one session before it is FAILED
  int64_t poll_ms = 200;        // idle wait between claims
  // A guest that writes more journal faults (its session FAILED): the journal is held in memory,
  // hex-encoded in the session's status and in a signed claim.
  uint64_t max_journal_bytes = uint64_t{1} << 20;
};

class Worker {
 public:
  Worker(JobStore& store, const Ed25519Signer& signer, Logger& log, WorkerOptions options);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Start();  // runs the claim loop on its own thread
  // Graceful shutdown: a proof in progress is abandoned and its session goes back to the queue
  // (another worker, or this one after a restart, proves it). Joins the thread.
  void Stop();

  // Claims and runs one session on the calling thread; false if none was waiting.
  bool RunOnce();

  const std::string& name() const { return options_.name; }

 private:
  void Loop();

  JobStore& store_;
  const Ed25519Signer& signer_;
  Logger& log_;
  WorkerOptions options_;
  std::atomic<bool> shutdown_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

// The bytes an optimistic claim's signature covers and the fields it holds (docs/service.md).
struct ExecutionClaimFields {
  std::string session_id, image_id, input_digest, journal_hex, public_key_hex;
  // cycle_bound: rv32im::CpuTableHeight of the execution's cycles, a power of two above them,
  // which a receipt of the execution reveals too; the exact count, which can depend on the
  // private input, stays in the owner's session status.
  int64_t exit_code = 0, cycle_bound = 0, issued_ms = 0, challenge_deadline_ms = 0;
};
std::string EncodeExecutionClaim(const ExecutionClaimFields& fields);

}  // namespace prova::service
