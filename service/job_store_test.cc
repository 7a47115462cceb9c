// The job store's guarantees, on SQLite and on PostgreSQL: leases make every outcome land
// exactly once, dead workers' sessions are claimed again, stops and challenges follow their
// rules, blobs and keys round-trip.

#include "service/job_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "common/error.h"
#include "service/crypto.h"
#include "service/sql.h"
#include "service/testing.h"

namespace prova::service::testing {
namespace {

class JobStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { postgres_.reset(); }

  void SetUp() override {
    if (GetParam() == "sqlite") {
      store_ = OpenJobStore("", MakeTempDir("prova-store"));
      return;
    }
    if (!postgres_) postgres_ = std::make_unique<PostgresServer>();
    // A database per test: the queue is global, so one test's sessions must not meet another's.
    const std::string name = "t" + RandomHex(6);
    OpenPostgres(postgres_->url())->Query("CREATE DATABASE " + name, {});
    std::string url = postgres_->url();
    url.replace(url.rfind('/') + 1, std::string::npos, name);
    store_ = OpenJobStore(url, "", 2);
  }

  Session NewSession(bool optimistic = false) {
    Session s;
    s.id = RandomUuid();
    s.owner = "owner";
    s.image_id = std::string(64, 'a');
    s.input_id = RandomUuid();
    s.options.optimistic = optimistic;
    s.options.cycle_limit = 1000;
    s.options.challenge_window_ms = 60000;
    s.created_ms = NowMs() + (++sequence_);  // strictly increasing: claimed in this order
    store_->CreateSession(s);
    return s;
  }

  std::optional<Session> Claim(const std::string& worker, int64_t lease_ms = 10000,
                               int64_t max_attempts = 3) {
    return store_->ClaimNext(worker, lease_ms, max_attempts);
  }

  static inline std::unique_ptr<PostgresServer> postgres_;
  static inline int sequence_ = 0;
  std::unique_ptr<JobStore> store_;
};

JobResult Succeeded(bool proved) {
  JobResult r;
  r.state = SessionState::kSucceeded;
  r.phase = "proved";
  r.cycles = 42;
  r.proved = proved;
  return r;
}

TEST_P(JobStoreTest, AnOutcomeLandsOnceAndOnlyFromTheLeaseHolder) {
  const Session s = NewSession();
  std::optional<Session> claimed = Claim("w1");
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, s.id);
  EXPECT_EQ(claimed->state, SessionState::kRunning);
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_FALSE(Claim("w2"));  // nothing else is waiting
  const Lease lease{s.id, "w1", 1};
  EXPECT_EQ(store_->Heartbeat(lease, 10000, "proving", 0.5), HeartbeatReply::kContinue);
  EXPECT_EQ(store_->GetSession(s.id)->phase, "proving");
  EXPECT_EQ(store_->Heartbeat({s.id, "w2", 1}, 10000, "x", 0), HeartbeatReply::kLeaseLost);
  EXPECT_FALSE(store_->Finish({s.id, "w1", 2}, Succeeded(true)));  // not this attempt
  EXPECT_FALSE(store_->Finish({s.id, "w2", 1}, Succeeded(true)));  // not this worker
  EXPECT_TRUE(store_->Finish(lease, Succeeded(true)));
  EXPECT_FALSE(store_->Finish(lease, Succeeded(true)));  // once
  const Session done = *store_->GetSession(s.id);
  EXPECT_EQ(done.state, SessionState::kSucceeded);
  EXPECT_EQ(done.proofs, 1);
  EXPECT_EQ(done.cycles, 42);
  EXPECT_TRUE(done.has_receipt);
}

TEST_P(JobStoreTest, ADeadWorkersSessionIsClaimedAgain) {
  const Session s = NewSession();
  ASSERT_TRUE(Claim("dead", /*lease_ms=*/1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::optional<Session> again = Claim("alive");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, s.id);
  EXPECT_EQ(again->attempts, 2);
  // The dead worker comes back too late: its outcome is refused.
  EXPECT_FALSE(store_->Finish({s.id, "dead", 1}, Succeeded(true)));
  EXPECT_EQ(store_->Heartbeat({s.id, "dead", 1}, 1000, "x", 0), HeartbeatReply::kLeaseLost);
  EXPECT_TRUE(store_->Finish({s.id, "alive", 2}, Succeeded(true)));
  EXPECT_EQ(store_->GetSession(s.id)->proofs, 1);
}

TEST_P(JobStoreTest, ASessionThatKeepsKillingWorkersFails) {
  const Session s = NewSession();
  ASSERT_TRUE(Claim("w1", 1, /*max_attempts=*/1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(Claim("w2", 1000, 1));
  const Session failed = *store_->GetSession(s.id);
  EXPECT_EQ(failed.state, SessionState::kFailed);
  EXPECT_NE(failed.error.find("stopped responding"), std::string::npos);
}

TEST_P(JobStoreTest, RequeueGivesTheSessionBackWithoutCountingTheAttempt) {
  const Session s = NewSession();
  ASSERT_TRUE(Claim("w1"));
  EXPECT_TRUE(store_->Requeue({s.id, "w1", 1}));
  EXPECT_FALSE(store_->Requeue({s.id, "w1", 1}));
  EXPECT_EQ(store_->GetSession(s.id)->state, SessionState::kQueued);
  std::optional<Session> again = Claim("w2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 1);
}

TEST_P(JobStoreTest, StopAbortsQueuedSessionsAndFlagsRunningOnes) {
  const Session queued = NewSession();
  EXPECT_TRUE(store_->RequestStop(queued.id));
  EXPECT_EQ(store_->GetSession(queued.id)->state, SessionState::kAborted);
  EXPECT_FALSE(store_->RequestStop(queued.id));  // finished already
  const Session running = NewSession();
  ASSERT_TRUE(Claim("w1"));
  EXPECT_TRUE(store_->RequestStop(running.id));
  EXPECT_EQ(store_->Heartbeat({running.id, "w1", 1}, 1000, "x", 0), HeartbeatReply::kStopRequested);
}

TEST_P(JobStoreTest, ChallengesFollowTheRules) {
  const Session plain = NewSession();
  ASSERT_TRUE(Claim("w"));
  ASSERT_TRUE(store_->Finish({plain.id, "w", 1}, Succeeded(false)));
  EXPECT_FALSE(store_->Challenge(plain.id));  // not optimistic

  const Session optimistic = NewSession(true);
  const Session late = NewSession(true);
  EXPECT_FALSE(store_->Challenge(optimistic.id));  // no claim yet
  JobResult claimed = Succeeded(false);
  claimed.phase = "claimed";
  claimed.claim = "{}";
  claimed.signature = "00";
  ASSERT_TRUE(Claim("w"));
  claimed.challenge_deadline_ms = NowMs() + 60000;
  ASSERT_TRUE(store_->Finish({optimistic.id, "w", 1}, claimed));
  ASSERT_TRUE(Claim("w"));
  claimed.challenge_deadline_ms = NowMs() - 1;
  ASSERT_TRUE(store_->Finish({late.id, "w", 1}, claimed));

  EXPECT_FALSE(store_->Challenge(late.id));  // deadline passed
  EXPECT_TRUE(store_->Challenge(optimistic.id));
  EXPECT_FALSE(store_->Challenge(optimistic.id));  // once
  const Session challenged = *store_->GetSession(optimistic.id);
  EXPECT_EQ(challenged.state, SessionState::kQueued);
  EXPECT_TRUE(challenged.challenged);
  EXPECT_EQ(challenged.claim, "{}");
  // The proof that settles it keeps the claim and its deadline on record.
  std::optional<Session> again = Claim("w2");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->challenged);
  JobResult proved = Succeeded(true);
  proved.dispute = "claim_upheld";
  ASSERT_TRUE(store_->Finish({optimistic.id, "w2", 2}, proved));
  const Session settled = *store_->GetSession(optimistic.id);
  EXPECT_EQ(settled.claim, "{}");
  EXPECT_GT(settled.challenge_deadline_ms, NowMs());
  EXPECT_EQ(settled.dispute, "claim_upheld");
}

TEST_P(JobStoreTest, BlobsKeysAndLogsRoundTrip) {
  const std::string elf(
      "\x7f"
      "ELF\0\0binary\xff",
      12);
  const std::string image_id = RandomHex(32);
  EXPECT_FALSE(store_->HasImage(image_id));
  store_->PutImage(image_id, elf);
  EXPECT_EQ(store_->GetImage(image_id), elf);

  const std::string input_id = RandomUuid();
  store_->ReserveInput(input_id, "owner");
  EXPECT_EQ(store_->InputOwner(input_id), "owner");
  EXPECT_FALSE(store_->GetInput(input_id));  // reserved, not uploaded
  store_->PutInput(input_id, std::string("\0in", 3));
  EXPECT_EQ(store_->GetInput(input_id), std::string("\0in", 3));
  EXPECT_FALSE(store_->InputOwner(RandomUuid()));

  ApiKeyRecord key;
  key.key_hash = HashApiKey("k-" + RandomHex(4));
  key.name = "key-" + RandomHex(4);
  store_->AddKey(key);
  ApiKeyRecord same_name = key;
  same_name.key_hash = HashApiKey("other");
  EXPECT_THROW(store_->AddKey(same_name), Error);
  EXPECT_FALSE(store_->FindKey(key.key_hash)->revoked);
  EXPECT_TRUE(store_->RevokeKey(key.name));
  EXPECT_FALSE(store_->RevokeKey(key.name));
  EXPECT_TRUE(store_->FindKey(key.key_hash)->revoked);

  EXPECT_EQ(store_->GetOrPutSetting("color", "blue"), "blue");
  EXPECT_EQ(store_->GetOrPutSetting("color", "red"), "blue");  // the first writer wins

  const std::string session = RandomUuid();
  for (int i = 0; i < 5; ++i) store_->AppendLog(session, "line " + std::to_string(i));
  const std::vector<std::string> logs = store_->GetLogs(session);
  ASSERT_EQ(logs.size(), 5u);
  EXPECT_EQ(logs[4], "line 4");
}

INSTANTIATE_TEST_SUITE_P(Databases, JobStoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace prova::service::testing
