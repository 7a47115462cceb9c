// The service as an operator runs it: `prova serve` and `prova worker` child processes.
//   - kill -9 in the middle of a proof, restart: the job completes exactly once and its receipt
//     verifies;
//   - SIGTERM: the running proof is abandoned and requeued, the next start finishes it;
//   - `prova keys` create / list / revoke;
//   - two `prova worker`s on PostgreSQL prove ten sessions, each exactly once.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "service/service_fixture.h"
#include "verifier/receipt/verify_receipt.h"

namespace prova::service::testing {
namespace {

constexpr const char* kProva = PROVA_BINARY;

// `prova serve` on a data directory and a fixed port.
class ServeProcess {
 public:
  ServeProcess(const std::string& data_dir, int port)
      : process_({kProva, "serve", "--data-dir", data_dir, "--port", std::to_string(port),
                  "--lease-seconds", "2", "--workers", "1"},
                 data_dir + "/serve.log"),
        port_(port) {
    httplib::Client c("127.0.0.1", port_);
    for (int i = 0; i < 500; ++i) {
      auto r = c.Get("/version");
      if (r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "prova serve did not come up; see " << data_dir << "/serve.log";
  }
  ChildProcess& process() { return process_; }

 private:
  ChildProcess process_;
  int port_;
};

std::unique_ptr<httplib::Client> Client(int port, const std::string& key) {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
  c->set_default_headers({{"x-api-key", key}});
  return c;
}

std::string CreateKey(const std::string& dir, const std::string& name) {
  std::string key = RunCommand(std::string(kProva) + " keys create " + name + " --data-dir " + dir);
  while (!key.empty() && key.back() == '\n') key.pop_back();
  return key;
}

// Waits until the session is proving (its STARK phase).
void WaitUntilProving(httplib::Client& c, const std::string& id) {
  for (int i = 0; i < 3000; ++i) {
    const nlohmann::json s = Json(c.Get("/sessions/status/" + id));
    if (s.value("progress", 0.0) >= 0.2) return;
    ASSERT_EQ(s.value("status", ""), "RUNNING") << s.dump();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL() << "session " << id << " never reached the proving phase";
}

bool ReceiptVerifies(const std::string& receipt, const std::string& image_id,
                     const std::string& journal) {
  const std::vector<uint8_t> id = FromHex(image_id);
  return receipt::VerifyReceipt(
             std::vector<uint8_t>(receipt.begin(), receipt.end()),
             std::span<const uint8_t, 32>(id.data(), 32),
             std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(journal.data()),
                                      journal.size()))
      .ok;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(ServeProcess, KilledMidProofTheJobFinishesExactlyOnceAfterRestart) {
  const std::string dir = MakeTempDir("prova-crash");
  const std::string key = CreateKey(dir, "alice");
  const int port = FreePort();
  const std::vector<uint8_t> elf = EchoGuestElf(kLongProofIterations);
  std::string image_id, input_id, id;
  {
    ServeProcess serve(dir, port);
    auto c = Client(port, key);
    std::tie(image_id, input_id) = Upload(*c, elf, "crash");
    id = CreateSession(*c, {{"img", image_id}, {"input", input_id}});
    WaitUntilProving(*c, id);
    serve.process().Signal(SIGKILL);
    EXPECT_EQ(serve.process().Wait(10), 128 + SIGKILL);
  }
  ServeProcess restarted(dir, port);
  auto c = Client(port, key);
  const nlohmann::json status = WaitForSession(*c, id, 120);
  ASSERT_EQ(status.value("status", ""), "SUCCEEDED") << status.dump();
  EXPECT_EQ(status.value("attempts", 0), 2);  // the dead worker's attempt, then this one
  EXPECT_TRUE(ReceiptVerifies(c->Get("/receipts/" + id)->body, image_id, "crash"));
  const std::string logs = c->Get("/sessions/logs/" + id)->body;
  EXPECT_EQ(Count(logs, "claimed by worker"), 2u) << logs;
  EXPECT_EQ(Count(logs, "finished: SUCCEEDED"), 1u) << logs;
  restarted.process().Signal(SIGTERM);
  EXPECT_EQ(restarted.process().Wait(30), 0);
  // Read the store directly: one proof recorded.
  auto store = OpenJobStore("", dir);
  EXPECT_EQ(store->GetSession(id)->proofs, 1);
}

TEST(ServeProcess, SigtermRequeuesTheRunningProofAndTheNextStartFinishesIt) {
  const std::string dir = MakeTempDir("prova-sigterm");
  const std::string key = CreateKey(dir, "alice");
  const int port = FreePort();
  std::string image_id, input_id, id;
  {
    ServeProcess serve(dir, port);
    auto c = Client(port, key);
    std::tie(image_id, input_id) = Upload(*c, EchoGuestElf(kLongProofIterations), "term");
    id = CreateSession(*c, {{"img", image_id}, {"input", input_id}});
    WaitUntilProving(*c, id);
    serve.process().Signal(SIGTERM);
    EXPECT_EQ(serve.process().Wait(30), 0);
  }
  {
    auto store = OpenJobStore("", dir);
    const Session s = *store->GetSession(id);
    EXPECT_EQ(s.state, SessionState::kQueued);
    EXPECT_EQ(s.attempts, 0);  // a requeue after shutdown is not a failed attempt
  }
  ServeProcess restarted(dir, port);
  auto c = Client(port, key);
  const nlohmann::json status = WaitForSession(*c, id, 120);
  ASSERT_EQ(status.value("status", ""), "SUCCEEDED") << status.dump();
  EXPECT_EQ(status.value("attempts", 0), 1);
  EXPECT_TRUE(ReceiptVerifies(c->Get("/receipts/" + id)->body, image_id, "term"));
}

TEST(KeysCommand, CreateListRevoke) {
  const std::string dir = MakeTempDir("prova-keys");
  const std::string key = CreateKey(dir, "alice");
  EXPECT_EQ(key.rfind("prova_", 0), 0u);
  EXPECT_EQ(key.size(), 6u + 64u);
  EXPECT_THROW(CreateKey(dir, "alice"), std::runtime_error);  // names are unique
  const nlohmann::json list = nlohmann::json::parse(
      RunCommand(std::string(kProva) + " keys list --json --data-dir " + dir));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].value("name", ""), "alice");
  EXPECT_EQ(list[0].value("hash_prefix", ""), HashApiKey(key).substr(0, 12));
  // Only the hash is stored: the key itself appears nowhere in the data directory's database.
  std::ifstream db(dir + "/prova.db", std::ios::binary);
  const std::string contents((std::istreambuf_iterator<char>(db)), {});
  EXPECT_EQ(contents.find(key.substr(6)), std::string::npos);
  RunCommand(std::string(kProva) + " keys revoke alice --data-dir " + dir);
  EXPECT_THROW(RunCommand(std::string(kProva) + " keys revoke alice --data-dir " + dir),
               std::runtime_error);
  EXPECT_TRUE(OpenJobStore("", dir)->FindKey(HashApiKey(key))->revoked);
}

TEST(RemoteCommand, ProvesThroughTheServiceAndWritesAVerifyingReceipt) {
  TestService service;
  const std::string key = service.NewKey("alice");
  const std::string dir = MakeTempDir("prova-remote");
  const std::vector<uint8_t> elf = EchoGuestElf(1, 0);
  WriteFileAtomic(dir + "/guest.elf", elf);
  const std::string input = EchoInput("remote");
  WriteFileAtomic(dir + "/input.bin",
                  {reinterpret_cast<const uint8_t*>(input.data()), input.size()});
  const std::string env = "PROVA_API_URL=http://127.0.0.1:" + std::to_string(service.port()) +
                          " PROVA_API_KEY=" + key + " ";
  const nlohmann::json result = nlohmann::json::parse(
      RunCommand(env + kProva + " remote prove " + dir + "/guest.elf --input " + dir +
                 "/input.bin -o " + dir + "/receipt.bin --json"));
  EXPECT_EQ(result.value("status", ""), "SUCCEEDED") << result.dump();
  EXPECT_TRUE(result.value("receipt_verified", false)) << result.dump();
  const std::vector<uint8_t> receipt = ReadFileBytes(dir + "/receipt.bin");
  EXPECT_TRUE(
      ReceiptVerifies(std::string(receipt.begin(), receipt.end()), ImageIdOf(elf), "remote"));
  const std::string id = result.value("uuid", "");
  EXPECT_EQ(
      nlohmann::json::parse(RunCommand(env + kProva + " remote status " + id)).value("status", ""),
      "SUCCEEDED");
  RunCommand(env + kProva + " remote receipt " + id + " -o " + dir + "/again.bin");
  EXPECT_EQ(ReadFileBytes(dir + "/again.bin"), receipt);
  // Finished sessions cannot be stopped; a wrong key is refused.
  EXPECT_THROW(RunCommand(env + kProva + " remote stop " + id + " 2>/dev/null"),
               std::runtime_error);
  EXPECT_THROW(
      RunCommand("PROVA_API_URL=http://127.0.0.1:" + std::to_string(service.port()) +
                 " PROVA_API_KEY=wrong " + kProva + " remote status " + id + " 2>/dev/null"),
      std::runtime_error);
  // An optimistic session through the client: the claim's signature is checked.
  const nlohmann::json optimistic = nlohmann::json::parse(
      RunCommand(env + kProva + " remote prove " + dir + "/guest.elf --input " + dir +
                 "/input.bin --optimistic --json"));
  EXPECT_EQ(optimistic.value("state", ""), "claimed") << optimistic.dump();
  EXPECT_TRUE(optimistic.value("claim_signature_valid", false));
  EXPECT_TRUE(optimistic.value("claim_matches_request", false)) << optimistic.dump();
}

// The client does not trust the service: a server that answers every request but returns a
// receipt of another program (valid in itself) gets nothing written and a non-zero exit.
TEST(RemoteCommand, RefusesAReceiptForAnotherImage) {
  const std::string dir = MakeTempDir("prova-remote-liar");
  WriteFileAtomic(dir + "/guest.elf", EchoGuestElf(1, 0));
  WriteFileAtomic(dir + "/other.elf", EchoGuestElf(2, 0));
  const std::string input = EchoInput("liar");
  WriteFileAtomic(dir + "/input.bin",
                  {reinterpret_cast<const uint8_t*>(input.data()), input.size()});
  RunCommand(std::string(kProva) + " prove " + dir + "/other.elf --input " + dir +
             "/input.bin -o " + dir + "/other.receipt --quiet");
  const std::vector<uint8_t> other = ReadFileBytes(dir + "/other.receipt");

  httplib::Server liar;
  auto json = [](httplib::Response& res, const nlohmann::json& j) {
    res.set_content(j.dump(), "application/json");
  };
  liar.Get(R"(/images/upload/.*)", [](const httplib::Request&, httplib::Response& res) {
    res.status = 204;  // "already uploaded"
  });
  liar.Get("/inputs/upload", [&](const httplib::Request&, httplib::Response& res) {
    json(res, {{"uuid", "input-1"}, {"url", "/inputs/input-1"}});
  });
  liar.Put("/inputs/input-1", [](const httplib::Request&, httplib::Response&) {});
  liar.Post("/sessions/create", [&](const httplib::Request&, httplib::Response& res) {
    json(res, {{"uuid", "session-1"}});
  });
  liar.Get("/sessions/status/session-1", [&](const httplib::Request&, httplib::Response& res) {
    json(res, {{"status", "SUCCEEDED"},
               {"state", "proved"},
               {"receipt_url", "/receipts/session-1"},
               {"stats", {{"cycles", 1}}}});
  });
  liar.Get("/receipts/session-1", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(other.begin(), other.end()), "application/octet-stream");
  });
  const int port = liar.bind_to_any_port("127.0.0.1");
  std::thread server([&] { liar.listen_after_bind(); });
  const std::string command = "PROVA_API_URL=http://127.0.0.1:" + std::to_string(port) +
                              " PROVA_API_KEY=any " + kProva + " remote prove " + dir +
                              "/guest.elf --input " + dir + "/input.bin -o " + dir +
                              "/receipt.bin --json 2>/dev/null";
  EXPECT_THROW(RunCommand(command), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir + "/receipt.bin"));
  liar.stop();
  server.join();
}

TEST(Postgres, TwoWorkersProveTenSessionsEachExactlyOnce) {
  PostgresServer postgres;
  ServerOptions options;
  TestService service(options, /*workers=*/0, postgres.url());
  const std::string dir = MakeTempDir("prova-pg-workers");
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 0; i < 2; ++i) {
    workers.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{kProva, "worker", "--db", postgres.url(), "--lease-seconds", "10"},
        dir + "/worker" + std::to_string(i) + ".log"));
  }
  auto c = service.Client(service.NewKey("alice", 16));
  std::map<std::string, std::pair<std::string, std::string>> sessions;  // id -> image, journal
  for (int i = 0; i < 10; ++i) {
    const std::string journal = "job" + std::to_string(i);
    // Proofs of a few tenths of a second each, so that neither worker empties the queue before
    // the other has started.
    auto [image_id, input_id] = Upload(*c, EchoGuestElf(20'000 + i % 3), journal);
    sessions[CreateSession(*c, {{"img", image_id}, {"input", input_id}})] = {image_id, journal};
  }
  // An optimistic session, claimed by a worker process: signed by the key /public-key shows.
  auto [optimistic_image, optimistic_input] = Upload(*c, EchoGuestElf(), "signed");
  const std::string optimistic = CreateSession(
      *c, {{"img", optimistic_image}, {"input", optimistic_input}, {"optimistic", true}});
  std::map<std::string, int> sessions_by_worker;
  for (const auto& [id, expected] : sessions) {
    const nlohmann::json status = WaitForSession(*c, id, 180);
    ASSERT_EQ(status.value("status", ""), "SUCCEEDED") << status.dump();
    EXPECT_EQ(status.value("attempts", 0), 1);
    const Session s = *service.store().GetSession(id);
    EXPECT_EQ(s.proofs, 1);
    ++sessions_by_worker[s.worker];
    EXPECT_TRUE(ReceiptVerifies(c->Get("/receipts/" + id)->body, expected.first, expected.second));
  }
  EXPECT_EQ(sessions_by_worker.size(), 2u) << "both workers should have claimed sessions";
  const nlohmann::json claimed = WaitForSession(*c, optimistic, 60);
  EXPECT_EQ(claimed.value("state", ""), "claimed") << claimed.dump();
  EXPECT_TRUE(VerifyEd25519(Json(c->Get("/public-key")).value("public_key", ""),
                            claimed.value("claim", ""), claimed.value("signature", "")));
  for (auto& w : workers) {
    w->Signal(SIGTERM);
    EXPECT_EQ(w->Wait(30), 0);
  }
}

}  // namespace
}  // namespace prova::service::testing
