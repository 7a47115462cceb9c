#include "service/worker.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"
#include "prover/receipt/prove_receipt.h"
#include "prover/rv32im/witness.h"
#include "verifier/receipt/receipt.h"
#include "vm/elf_loader.h"
#include "vm/fault.h"
#include "vm/machine.h"

namespace prova::service {
namespace {

constexpr size_t kMaxGuestOutputLogged = 64 * 1024;

enum class AbortReason { kNone, kStop, kLeaseLost, kTimeout, kShutdown };

// Thrown out of the prover's progress callback to abandon a proof.
struct Abandoned {};

// Runs beside a session: renews the lease, publishes phase and progress, and notices a stop
// request, a lost lease, the session's timeout or a shutdown. The job thread calls Check() (and
// the prover's progress callback) to learn whether to give up.
class JobMonitor {
 public:
  JobMonitor(JobStore& store, Lease lease, const WorkerOptions& options, int64_t timeout_ms,
             const std::atomic<bool>& shutdown)
      : store_(store),
        lease_(std::move(lease)),
        options_(options),
        deadline_ms_(timeout_ms > 0 ? NowMs() + timeout_ms : 0),
        shutdown_(shutdown),
        thread_([this] { Run(); }) {}
  ~JobMonitor() { Stop(); }

  void Report(std::string_view phase, double progress) {
    {
      std::lock_guard lock(mutex_);
      phase_ = std::string(phase);
      progress_ = progress;
    }
    Check();
  }
  // Throws Abandoned once the session must be given up.
  void Check() {
    if (shutdown_.load()) reason_.store(AbortReason::kShutdown);
    if (deadline_ms_ > 0 && NowMs() > deadline_ms_) SetReason(AbortReason::kTimeout);
    if (reason_.load() != AbortReason::kNone) throw Abandoned{};
  }
  AbortReason reason() const { return reason_.load(); }
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void SetReason(AbortReason r) {
    AbortReason none = AbortReason::kNone;
    reason_.compare_exchange_strong(none, r);
  }

  void Run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(options_.heartbeat_ms),
                           [&] { return done_; })) {
      const std::string phase = phase_;
      const double progress = progress_;
      lock.unlock();
      HeartbeatReply reply = HeartbeatReply::kContinue;
      try {
        reply = store_.Heartbeat(lease_, options_.lease_ms, phase, progress);
      } catch (const Error&) {
        // The database is unreachable for a moment: keep working; the lease lasts several
        // heartbeats, and Finish() is conditional on still holding it.
      }
      if (reply == HeartbeatReply::kStopRequested) SetReason(AbortReason::kStop);
      if (reply == HeartbeatReply::kLeaseLost) SetReason(AbortReason::kLeaseLost);
      if (deadline_ms_ > 0 && NowMs() > deadline_ms_) SetReason(AbortReason::kTimeout);
      lock.lock();
    }
  }

  JobStore& store_;
  Lease lease_;
  const WorkerOptions& options_;
  int64_t deadline_ms_;
  const std::atomic<bool>& shutdown_;
  std::atomic<AbortReason> reason_{AbortReason::kNone};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::string phase_ = "starting";
  double progress_ = 0;
  std::thread thread_;
};

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

JobResult Ended(SessionState state, std::string phase, std::string error) {
  JobResult r;
  r.state = state;
  r.phase = std::move(phase);
  r.error = std::move(error);
  return r;
}

JobResult Failure(std::string error) {
  return Ended(SessionState::kFailed, "failed", std::move(error));
}

std::string FaultReason(const vm::ExecuteResult& run, uint64_t cycle_limit) {
  if (run.fault->kind == vm::FaultKind::kCycleLimit) {
    return fmt::format("the guest did not exit within the session's cycle limit of {} cycles",
                       cycle_limit);
  }
  return fmt::format("the guest faulted ({}: {})", vm::FaultKindName(run.fault->kind),
                     run.fault->message);
}

// Everything one session needs, loaded from the store.
struct SessionInputs {
  vm::ProgramImage image;
  std::string input;
};

class SessionRunner {
 public:
  SessionRunner(JobStore& store, const Ed25519Signer& signer, const Session& session,
                const Lease& lease, JobMonitor& monitor, uint64_t max_journal_bytes)
      : store_(store),
        signer_(signer),
        s_(session),
        lease_(lease),
        monitor_(monitor),
        max_journal_bytes_(max_journal_bytes) {}

  JobResult Run() {
    SessionInputs in = Load();
    monitor_.Report("executing", 0.0);
    vm::ExecuteResult run = Execute(in);
    if (run.fault) {
      // The cycles ran: a guest that faults (or runs out of its limit) is charged them too, or a
      // key could spend any number of cycles on sessions that never finish.
      JobResult r = Failure(FaultReason(run, s_.options.cycle_limit));
      r.cycles = static_cast<int64_t>(run.cycles);
      return r;
    }
    store_.AppendLog(s_.id, fmt::format("executed {} cycles, exit code {}, journal {} bytes",
                                        run.cycles, run.exit_code, run.journal.size()));
    monitor_.Check();
    if (s_.options.execute_only) return Executed(run, "executed");
    if (s_.options.optimistic && !s_.challenged) return Claimed(in, run);
    return Prove(in, run);
  }

 private:
  SessionInputs Load() {
    std::optional<std::string> elf = store_.GetImage(s_.image_id);
    std::optional<std::string> input = store_.GetInput(s_.input_id);
    if (!elf) throw Error("the session's image " + s_.image_id + " is missing from the store");
    if (!input) throw Error("the session's input " + s_.input_id + " is missing from the store");
    return SessionInputs{vm::LoadElf(AsBytes(*elf)), std::move(*input)};
  }

  vm::ExecuteResult Execute(const SessionInputs& in) {
    std::string output;
    vm::ExecuteOptions options;
    options.max_cycles = s_.options.cycle_limit;
    options.max_journal_bytes = max_journal_bytes_;
    options.input = AsBytes(in.input);
    options.on_output = [&](int fd, std::span<const uint8_t> bytes) {
      if (fd == 3 || output.size() >= kMaxGuestOutputLogged) return;
      output.append(reinterpret_cast<const char*>(bytes.data()),
                    std::min(bytes.size(), kMaxGuestOutputLogged - output.size()));
    };
    vm::ExecuteResult run = vm::Execute(in.image, options);
    if (!output.empty()) store_.AppendLog(s_.id, "guest output: " + output);
    return run;
  }

  JobResult Executed(const vm::ExecuteResult& run, std::string phase) {
    JobResult r;
    r.state = SessionState::kSucceeded;
    r.phase = std::move(phase);
    r.cycles = static_cast<int64_t>(run.cycles);
    r.exit_code = run.exit_code;
    r.journal_hex = ToHex(run.journal);
    return r;
  }

  // Optimistic: the signed claim goes out now; a proof only if someone challenges it.
  JobResult Claimed(const SessionInputs& in, const vm::ExecuteResult& run) {
    JobResult r = Executed(run, "claimed");
    ExecutionClaimFields claim;
    claim.session_id = s_.id;
    claim.image_id = s_.image_id;
    claim.input_digest = SaltedInputDigestHex(InputSaltHex(signer_, s_.id), in.input);
    claim.journal_hex = r.journal_hex;
    claim.exit_code = run.exit_code;
    claim.cycle_bound = static_cast<int64_t>(rv32im::CpuTableHeight(run.cycles));
    claim.issued_ms = NowMs();
    claim.challenge_deadline_ms = claim.issued_ms + s_.options.challenge_window_ms;
    claim.public_key_hex = signer_.PublicKeyHex();
    r.claim = EncodeExecutionClaim(claim);
    r.signature = signer_.Sign(r.claim);
    r.challenge_deadline_ms = claim.challenge_deadline_ms;
    store_.AppendLog(s_.id, "signed an execution claim; challenge window open until " +
                                std::to_string(r.challenge_deadline_ms) + " ms");
    return r;
  }

  JobResult Prove(const SessionInputs& in, const vm::ExecuteResult& run) {
    store_.AppendLog(s_.id, fmt::format("proving {} cycles", run.cycles));
    rv32im::ProveExecutionOptions options;
    options.max_cycles = s_.options.cycle_limit;
    options.on_progress = [&](std::string_view phase, double fraction) {
      monitor_.Report(phase, fraction);
    };
    const int64_t start = NowMs();
    receipt::ProvedReceipt proved;
    try {
      proved = receipt::ProveReceipt(in.image, AsBytes(in.input), options);
    } catch (const Error& e) {
      // The execution stands (and its cycles are charged); only the proof failed.
      JobResult r = Executed(run, "failed");
      r.state = SessionState::kFailed;
      r.error = std::string("cannot prove: ") + e.what();
      return r;
    }
    const int64_t prove_ms = NowMs() - start;
    monitor_.Check();
    const std::vector<uint8_t> bytes =
        receipt::EncodeReceipt(proved.receipt, {.compress_seal = false});
    store_.PutReceipt(lease_, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});

    JobResult r = Executed(run, "proved");
    r.cycles = static_cast<int64_t>(proved.cycles);
    r.exit_code = proved.receipt.claim.exit_code;
    r.journal_hex = ToHex(proved.receipt.journal);
    r.prove_ms = prove_ms;
    r.proved = true;
    if (s_.challenged) r.dispute = Settle(r);
    store_.AppendLog(s_.id,
                     fmt::format("proved {} cycles in {:.2f} s; receipt {} bytes", proved.cycles,
                                 static_cast<double>(prove_ms) / 1000, bytes.size()));
    return r;
  }

  // The receipt is the truth: the claim stands if it said the same journal and exit code.
  std::string Settle(const JobResult& proved) {
    const nlohmann::json claim = nlohmann::json::parse(s_.claim, nullptr, false);
    const bool upheld = claim.is_object() && claim.value("journal", "") == proved.journal_hex &&
                        claim.value("exit_code", int64_t{-1}) == *proved.exit_code;
    store_.AppendLog(s_.id, upheld ? "challenge settled: the receipt upholds the claim"
                                   : "challenge settled: the receipt refutes the claim");
    return upheld ? "claim_upheld" : "claim_refuted";
  }

  JobStore& store_;
  const Ed25519Signer& signer_;
  const Session& s_;
  const Lease& lease_;
  JobMonitor& monitor_;
  const uint64_t max_journal_bytes_;
};

}  // namespace

std::string EncodeExecutionClaim(const ExecutionClaimFields& f) {
  // nlohmann::json objects keep keys sorted, so the encoding is canonical.
  const nlohmann::json claim = {
      // 2: input_digest is salted (service/crypto.h); 3: cycle_bound instead of the exact cycles.
      {"version", 3},
      {"kind", "prova-execution-claim"},
      {"session_id", f.session_id},
      {"image_id", f.image_id},
      {"input_digest", f.input_digest},
      {"journal", f.journal_hex},
      {"exit_code", f.exit_code},
      {"cycle_bound", f.cycle_bound},
      {"issued_ms", f.issued_ms},
      {"challenge_deadline_ms", f.challenge_deadline_ms},
      {"service_public_key", f.public_key_hex},
  };
  return claim.dump();
}

Worker::Worker(JobStore& store, const Ed25519Signer& signer, Logger& log, WorkerOptions options)
    : store_(store), signer_(signer), log_(log), options_(std::move(options)) {}

Worker::~Worker() { Stop(); }

void Worker::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Worker::Stop() {
  shutdown_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Worker::Loop() {
  while (!shutdown_.load()) {
    bool ran = false;
    try {
      ran = RunOnce();
    } catch (const std::exception& e) {
      log_.Error("worker_error", {{"worker", options_.name}, {"error", e.what()}});
    }
    if (ran) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_ms),
                   [&] { return shutdown_.load(); });
  }
}

bool Worker::RunOnce() {
  if (shutdown_.load()) return false;
  std::optional<Session> claimed =
      store_.ClaimNext(options_.name, options_.lease_ms, options_.max_attempts);
  if (!claimed) return false;
  const Session& s = *claimed;
  const Lease lease{s.id, options_.name, s.attempts};
  log_.Info("session_claimed",
            {{"session", s.id}, {"worker", options_.name}, {"attempt", s.attempts}});
  store_.AppendLog(s.id,
                   fmt::format("claimed by worker {} (attempt {})", options_.name, s.attempts));

  JobMonitor monitor(store_, lease, options_, s.options.timeout_ms, shutdown_);
  std::optional<JobResult> result;
  try {
    result = SessionRunner(store_, signer_, s, lease, monitor, options_.max_journal_bytes).Run();
  } catch (const Abandoned&) {
  } catch (const Error& e) {
    result = Failure(e.what());
  } catch (const std::exception& e) {
    result = Failure(std::string("internal error: ") + e.what());
  }
  monitor.Stop();

  if (!result) {
    switch (monitor.reason()) {
      case AbortReason::kStop:
        result = Ended(SessionState::kAborted, "aborted", "stopped by the client");
        break;
      case AbortReason::kTimeout:
        result = Ended(SessionState::kTimedOut, "timed out",
                       fmt::format("the session ran longer than its timeout of {} s",
                                   static_cast<double>(s.options.timeout_ms) / 1000.0));
        break;
      case AbortReason::kShutdown:
        store_.Requeue(lease);
        store_.AppendLog(s.id, "worker shutting down: session returned to the queue");
        log_.Info("session_requeued", {{"session", s.id}, {"worker", options_.name}});
        return true;
      case AbortReason::kLeaseLost:
      case AbortReason::kNone:
        log_.Warn("lease_lost", {{"session", s.id}, {"worker", options_.name}});
        return true;
    }
  }
  if (s.challenged && result->state != SessionState::kSucceeded) {
    // A challenge whose proof fails (stopped, timed out, failed) settles nothing: the signed
    // claim stands as it was, SUCCEEDED with its journal, and the dispute says why it is open.
    // Without this the owner's session, or any key's challenge of it, could erase the claim.
    JobResult kept;
    kept.state = SessionState::kSucceeded;
    kept.phase = "claimed";
    kept.journal_hex = s.journal_hex;
    kept.dispute = "unresolved: " + (result->error.empty() ? result->phase : result->error);
    result = std::move(kept);
  }
  if (!store_.Finish(lease, *result)) {
    // Another worker took the session over (this one was too slow to renew its lease): its
    // outcome is the one that counts.
    log_.Warn("lease_lost", {{"session", s.id}, {"worker", options_.name}});
    return true;
  }
  if (!result->error.empty()) store_.AppendLog(s.id, "error: " + result->error);
  store_.AppendLog(s.id, fmt::format("finished: {}", StateName(result->state)));
  log_.Info("session_finished", {{"session", s.id},
                                 {"worker", options_.name},
                                 {"state", StateName(result->state)},
                                 {"cycles", result->cycles.value_or(0)},
                                 {"prove_ms", result->prove_ms},
                                 {"error", result->error}});
  return true;
}

}  // namespace prova::service
