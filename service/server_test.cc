// The REST API over real HTTP on loopback: every route, authentication, malformed requests,
// quotas and limits, optimistic sessions, and a bounded load test.

#include <atomic>
#include <filesystem>
#include <set>

#include "common/error.h"
#include "prover/rv32im/witness.h"
#include "service/service_fixture.h"
#include "verifier/receipt/verify_receipt.h"

namespace prova::service::testing {
namespace {

std::span<const uint8_t, 32> ImageIdBytes(const std::vector<uint8_t>& id) {
  return std::span<const uint8_t, 32>(id.data(), 32);
}

void ExpectError(const httplib::Result& r, int status, const std::string& code) {
  ASSERT_TRUE(r) << "no response";
  EXPECT_EQ(r->status, status) << r->body;
  const nlohmann::json body = nlohmann::json::parse(r->body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r->body;
  EXPECT_EQ(body.value("code", ""), code) << r->body;
  EXPECT_FALSE(body.value("error", "").empty()) << r->body;
}

TEST(OpenApi, DocumentsExactlyTheRegisteredRoutes) {
  TestService service({}, 0);
  auto c = service.Client();
  const nlohmann::json served = Json(c->Get("/openapi.json"));
  ASSERT_EQ(served.value("openapi", ""), "3.0.3");
  std::set<std::pair<std::string, std::string>> documented, registered;
  for (const auto& [path, item] : served.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method != "parameters") documented.insert({method, path});
    }
  }
  // The same server as the test service's, read back through the route list.
  Logger log(stderr, false);
  auto store = OpenJobStore("", MakeTempDir("prova-openapi"));
  Ed25519Signer signer = Ed25519Signer::LoadOrCreate(MakeTempDir("prova-key") + "/k.pem");
  Server server(*store, signer, log, {});
  for (const RouteInfo& r : server.Routes()) {
    std::string method = r.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(ch));
    registered.insert({method, r.path});
  }
  EXPECT_EQ(documented, registered);
  EXPECT_GE(registered.size(), 16u);
}

TEST(Api, ProvesASessionAndTheReceiptVerifies) {
  TestService service;
  const std::string key = service.NewKey("alice");
  auto c = service.Client(key);
  const std::vector<uint8_t> elf = EchoGuestElf(1, 7);
  auto [image_id, input_id] = Upload(*c, elf, "hello");
  EXPECT_EQ(c->Get("/images/upload/" + image_id)->status, 204);  // stored already

  const std::string id = CreateSession(*c, {{"img", image_id}, {"input", input_id}});
  const nlohmann::json status = WaitForSession(*c, id);
  ASSERT_EQ(status.value("status", ""), "SUCCEEDED") << status.dump();
  EXPECT_EQ(status.value("state", ""), "proved");
  EXPECT_EQ(status.value("exit_code", -1), 7);
  EXPECT_EQ(status.value("journal", ""), ToHex(std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'}));
  EXPECT_GT(status["stats"].value("cycles", 0), 5);
  EXPECT_EQ(status["stats"].value("segments", 0), 1);
  ASSERT_TRUE(status["receipt_url"].is_string());

  auto receipt = c->Get("/receipts/" + id);
  ASSERT_TRUE(receipt && receipt->status == 200);
  const std::vector<uint8_t> image_bytes = FromHex(image_id);
  const std::vector<uint8_t> bytes(receipt->body.begin(), receipt->body.end());
  const std::string journal = "hello";
  EXPECT_TRUE(receipt::VerifyReceipt(
                  bytes, ImageIdBytes(image_bytes),
                  std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(journal.data()), 5))
                  .ok);
  // The same receipt does not verify against another journal.
  const std::string other = "hellO";
  EXPECT_FALSE(receipt::VerifyReceipt(
                   bytes, ImageIdBytes(image_bytes),
                   std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(other.data()), 5))
                   .ok);

  const std::string logs = c->Get("/sessions/logs/" + id)->body;
  EXPECT_NE(logs.find("proved"), std::string::npos) << logs;
  EXPECT_NE(logs.find("finished: SUCCEEDED"), std::string::npos) << logs;

  const std::string metrics = c->Get("/metrics")->body;
  EXPECT_NE(metrics.find("prova_proofs_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("prova_sessions{state=\"SUCCEEDED\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("prova_queue_depth 0\n"), std::string::npos);

  const nlohmann::json quotas = Json(c->Get("/user/quotas"));
  EXPECT_EQ(quotas.value("cycle_usage", 0), status["stats"].value("cycles", -1));
  EXPECT_EQ(Json(c->Get("/version"))["prova"].size(), 1u);
  EXPECT_EQ(Json(c->Get("/public-key")).value("public_key", ""), service.signer().PublicKeyHex());
}

TEST(Api, ExecuteOnlySessionHasAJournalAndNoReceipt) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(100), "abc");
  const std::string id =
      CreateSession(*c, {{"img", image_id}, {"input", input_id}, {"execute_only", true}});
  const nlohmann::json status = WaitForSession(*c, id);
  ASSERT_EQ(status.value("status", ""), "SUCCEEDED") << status.dump();
  EXPECT_EQ(status.value("state", ""), "executed");
  EXPECT_TRUE(status["receipt_url"].is_null());
  EXPECT_GT(status["stats"].value("cycles", 0), 200);
  EXPECT_EQ(c->Get("/sessions/exec_only_journal/" + id)->body, "abc");
  ExpectError(c->Get("/receipts/" + id), 404, "receipt_not_ready");
}

TEST(Api, FailedAndCycleLimitedSessions) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(10000), "");
  const std::string id =
      CreateSession(*c, {{"img", image_id}, {"input", input_id}, {"exec_cycle_limit", 1000}});
  const nlohmann::json status = WaitForSession(*c, id);
  EXPECT_EQ(status.value("status", ""), "FAILED");
  EXPECT_NE(status.value("error_msg", "").find("cycle limit of 1000"), std::string::npos)
      << status.dump();
  // The 1000 cycles it ran are charged to the key's budget.
  EXPECT_EQ(Json(c->Get("/user/quotas")).value("cycle_usage", int64_t{0}), 1000);
}

TEST(Api, AuthenticationFailures) {
  TestService service({}, 0);
  const std::string alice = service.NewKey("alice");
  const std::string bob = service.NewKey("bob");
  ExpectError(service.Client()->Get("/user/quotas"), 401, "missing_api_key");
  ExpectError(service.Client("prova_" + std::string(64, '0'))->Get("/user/quotas"), 401,
              "invalid_api_key");
  auto a = service.Client(alice);
  auto [image_id, input_id] = Upload(*a, EchoGuestElf(), "x");
  const std::string id = CreateSession(*a, {{"img", image_id}, {"input", input_id}});
  auto b = service.Client(bob);
  ExpectError(b->Get("/sessions/status/" + id), 403, "forbidden");
  ExpectError(b->Get("/receipts/" + id), 403, "forbidden");
  ExpectError(b->Get("/sessions/stop/" + id), 403, "forbidden");
  ExpectError(b->Put("/inputs/upload/" + input_id, "y", "application/octet-stream"), 403,
              "forbidden");
  ExpectError(
      b->Post("/sessions/create", nlohmann::json{{"img", image_id}, {"input", input_id}}.dump(),
              "application/json"),
      403, "forbidden");
  EXPECT_TRUE(service.store().RevokeKey("alice"));
  ExpectError(a->Get("/sessions/status/" + id), 401, "revoked_api_key");
  // Routes without authentication stay open.
  EXPECT_EQ(service.Client()->Get("/version")->status, 200);
  EXPECT_EQ(service.Client()->Get("/metrics")->status, 200);
}

TEST(Api, MalformedRequestsGetClear4xx) {
  ServerOptions options;
  options.max_upload_bytes = 64 * 1024;
  TestService service(options, 0);
  auto c = service.Client(service.NewKey("alice"));
  const std::vector<uint8_t> elf = EchoGuestElf();
  auto [image_id, input_id] = Upload(*c, elf, "x");

  ExpectError(c->Post("/sessions/create", "{not json", "application/json"), 400, "invalid_json");
  ExpectError(c->Post("/sessions/create", "[1, 2]", "application/json"), 400, "invalid_json");
  ExpectError(c->Post("/sessions/create", nlohmann::json{{"img", 5}}.dump(), "application/json"),
              400, "invalid_field");
  ExpectError(c->Post("/sessions/create",
                      nlohmann::json{{"img", std::string(64, 'a')}, {"input", input_id}}.dump(),
                      "application/json"),
              404, "image_not_found");
  ExpectError(c->Post("/sessions/create",
                      nlohmann::json{{"img", image_id},
                                     {"input",
                                      "3f0c1c2e-0000-4000-8000-"
                                      "000000000000"}}
                          .dump(),
                      "application/json"),
              404, "input_not_found");
  ExpectError(
      c->Post(
          "/sessions/create",
          nlohmann::json{
              {"img", image_id}, {"input", input_id}, {"execute_only", true}, {"optimistic", true}}
              .dump(),
          "application/json"),
      400, "invalid_options");
  ExpectError(
      c->Post(
          "/sessions/create",
          nlohmann::json{{"img", image_id}, {"input", input_id}, {"exec_cycle_limit", -5}}.dump(),
          "application/json"),
      400, "invalid_options");
  ExpectError(
      c->Post("/sessions/create",
              nlohmann::json{{"img", image_id}, {"input", input_id}, {"assumptions", {"x"}}}.dump(),
              "application/json"),
      400, "unsupported");
  // JSON nested deeper than requests ever are: refused while parsed (copying it recursed once
  // per level: 200 000 levels overflowed the stack), and the server goes on.
  ExpectError(c->Post("/sessions/create",
                      "{\"assumptions\":" + std::string(30000, '[') + std::string(30000, ']') + "}",
                      "application/json"),
              400, "invalid_json");
  ExpectError(
      c->Post("/sessions/create", std::string(40, '[') + std::string(40, ']'), "application/json"),
      400, "invalid_json");
  // A small ELF whose .bss spans 32 MiB: refused before its image ID is computed.
  const std::vector<uint8_t> wide = LargeBssElf(32u << 20);
  ASSERT_LT(wide.size(), 64u * 1024);
  ExpectError(c->Put("/images/upload/" + std::string(64, 'c'),
                     std::string(wide.begin(), wide.end()), "application/octet-stream"),
              400, "image_too_large");
  ExpectError(c->Get("/sessions/status/not-a-uuid"), 404, "session_not_found");
  ExpectError(c->Get("/sessions/status/3f0c1c2e-0000-4000-8000-000000000000"), 404,
              "session_not_found");
  ExpectError(c->Get("/no/such/route"), 404, "not_found");
  ExpectError(c->Get("/images/upload/xyz"), 400, "invalid_image_id");
  ExpectError(
      c->Put("/images/upload/" + std::string(64, 'b'), "not an elf", "application/octet-stream"),
      400, "invalid_elf");
  // A valid ELF under another image's ID.
  const std::vector<uint8_t> other = EchoGuestElf(2);
  ExpectError(c->Put("/images/upload/" + image_id, std::string(other.begin(), other.end()),
                     "application/octet-stream"),
              400, "image_id_mismatch");
  ExpectError(c->Put("/inputs/upload/" + input_id, std::string(64 * 1024 + 1, 'z'),
                     "application/octet-stream"),
              413, "payload_too_large");
  ExpectError(c->Put("/inputs/upload/" + input_id, "again", "application/octet-stream"), 409,
              "input_already_uploaded");
  ExpectError(c->Put("/inputs/upload/3f0c1c2e-0000-4000-8000-000000000000", "x",
                     "application/octet-stream"),
              404, "input_not_found");
}

// A guest that writes more journal than a worker keeps (1 MiB) fails its session, with the
// reason, instead of filling the worker's memory; the service goes on.
TEST(Api, JournalFloodFailsTheSession) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, JournalFloodElf(64 * 1024, 17), "x");
  const std::string id =
      CreateSession(*c, {{"img", image_id}, {"input", input_id}, {"execute_only", true}});
  const nlohmann::json status = WaitForSession(*c, id);
  EXPECT_EQ(status.value("status", ""), "FAILED") << status.dump();
  EXPECT_NE(status.value("error_msg", "").find("journal would exceed 1048576 bytes"),
            std::string::npos)
      << status.dump();
  auto [echo_image, echo_input] = Upload(*c, EchoGuestElf(), "after");
  const nlohmann::json after = WaitForSession(
      *c, CreateSession(*c, {{"img", echo_image}, {"input", echo_input}, {"execute_only", true}}));
  EXPECT_EQ(after.value("status", ""), "SUCCEEDED") << after.dump();
}

// The data directory, which holds the private inputs, is its owner's alone.
TEST(Api, DataDirectoryIsPrivate) {
  TestService service;
  const auto perms = std::filesystem::status(service.data_dir()).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_all);
}

TEST(Api, QuotasAndRateLimits) {
  ServerOptions options;
  options.rate_per_second = 1;
  options.rate_burst = 40;
  TestService service(options, 0);  // no workers: sessions stay queued
  auto c = service.Client(service.NewKey("alice", /*max_concurrent=*/1));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(), "x");
  const nlohmann::json request = {{"img", image_id}, {"input", input_id}};
  const std::string first = CreateSession(*c, request);
  EXPECT_NE(c->Get("/metrics")->body.find("prova_queue_depth 1\n"), std::string::npos);
  ExpectError(c->Post("/sessions/create", request.dump(), "application/json"), 429,
              "concurrency_quota");
  // Stopping the queued session frees the slot.
  EXPECT_EQ(c->Get("/sessions/stop/" + first)->status, 200);
  EXPECT_EQ(Json(c->Get("/sessions/status/" + first)).value("status", ""), "ABORTED");
  ExpectError(c->Get("/sessions/stop/" + first), 409, "session_finished");
  CreateSession(*c, request);

  // The burst runs out; then 429 with a JSON body.
  int limited = 0;
  for (int i = 0; i < 60; ++i) {
    auto r = c->Get("/user/quotas");
    if (r && r->status == 429) {
      ExpectError(r, 429, "rate_limited");
      ++limited;
    }
  }
  EXPECT_GT(limited, 0);
}

TEST(Api, CycleBudgetIsEnforced) {
  TestService service;
  auto c = service.Client(service.NewKey("alice", 8, /*cycle_budget=*/500));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(1000), "x");
  const std::string id =
      CreateSession(*c, {{"img", image_id}, {"input", input_id}, {"execute_only", true}});
  // The session may only run what the budget has left: it hits that limit.
  const nlohmann::json status = WaitForSession(*c, id);
  EXPECT_EQ(status.value("cycle_limit", 0), 500);
  EXPECT_EQ(status.value("status", ""), "FAILED");
  // The failed run's 500 cycles are charged: the budget is spent, and the next session refused.
  EXPECT_EQ(Json(c->Get("/user/quotas")).value("cycle_usage", int64_t{0}), 500);
  auto [image2, input2] = Upload(*c, EchoGuestElf(1), "x");
  ExpectError(
      c->Post("/sessions/create",
              nlohmann::json{{"img", image2}, {"input", input2}, {"execute_only", true}}.dump(),
              "application/json"),
      403, "cycle_budget_exhausted");
  // A key with budget left runs the small session and is charged for it.
  auto d = service.Client(service.NewKey("bob", 8, /*cycle_budget=*/500));
  auto [image3, input3] = Upload(*d, EchoGuestElf(1), "x");
  const std::string small =
      CreateSession(*d, {{"img", image3}, {"input", input3}, {"execute_only", true}});
  EXPECT_EQ(WaitForSession(*d, small).value("status", ""), "SUCCEEDED");
  EXPECT_GT(Json(d->Get("/user/quotas")).value("cycle_usage", int64_t{0}), 0);
  ASSERT_TRUE(service.store().FindKey(HashApiKey("nope")) == std::nullopt);
}

TEST(Api, StopsARunningProof) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(kLongProofIterations), "x");
  const std::string id = CreateSession(*c, {{"img", image_id}, {"input", input_id}});
  for (int i = 0; i < 300; ++i) {
    if (Json(c->Get("/sessions/status/" + id)).value("progress", 0.0) > 0.0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(c->Get("/sessions/stop/" + id)->status, 200);
  const nlohmann::json status = WaitForSession(*c, id);
  EXPECT_EQ(status.value("status", ""), "ABORTED") << status.dump();
  ExpectError(c->Get("/receipts/" + id), 404, "receipt_not_ready");
}

TEST(Api, SessionTimesOut) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(kLongProofIterations), "x");
  const std::string id =
      CreateSession(*c, {{"img", image_id}, {"input", input_id}, {"timeout_seconds", 0.3}});
  const nlohmann::json status = WaitForSession(*c, id);
  EXPECT_EQ(status.value("status", ""), "TIMED_OUT") << status.dump();
}

nlohmann::json RunOptimistic(httplib::Client& c, const std::string& image_id,
                             const std::string& input_id) {
  const std::string id = CreateSession(c, {{"img", image_id},
                                           {"input", input_id},
                                           {"optimistic", true},
                                           {"challenge_window_seconds", 3}});
  nlohmann::json status = WaitForSession(c, id);
  status["uuid"] = id;
  return status;
}

TEST(Api, OptimisticClaimChallengedInTimeIsProved) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(1, 3), "claim");
  const nlohmann::json claimed = RunOptimistic(*c, image_id, input_id);
  ASSERT_EQ(claimed.value("status", ""), "SUCCEEDED") << claimed.dump();
  EXPECT_EQ(claimed.value("state", ""), "claimed");
  EXPECT_TRUE(claimed["receipt_url"].is_null());
  const std::string public_key = Json(c->Get("/public-key")).value("public_key", "");
  const std::string claim = claimed.value("claim", "");
  EXPECT_TRUE(VerifyEd25519(public_key, claim, claimed.value("signature", "")));
  const nlohmann::json fields = nlohmann::json::parse(claim);
  EXPECT_EQ(fields.value("image_id", ""), image_id);
  // The input digest is salted: the owner's status holds the salt that opens it, and the plain
  // SHA-256, which a low-entropy input could be guessed from, appears nowhere in the claim.
  EXPECT_EQ(fields.value("input_digest", ""),
            SaltedInputDigestHex(claimed.value("input_salt", ""), EchoInput("claim")));
  EXPECT_EQ(claim.find(Sha256Hex(EchoInput("claim"))), std::string::npos);
  EXPECT_EQ(fields.value("journal", ""), ToHex(std::vector<uint8_t>{'c', 'l', 'a', 'i', 'm'}));
  EXPECT_EQ(fields.value("exit_code", -1), 3);
  // The claim bounds the cycles by the power of two a receipt would reveal, not the exact count
  // (which the owner's status has, and which can depend on the private input).
  const int64_t cycles = claimed["stats"].value("cycles", int64_t{-1});
  ASSERT_GT(cycles, 0);
  EXPECT_FALSE(fields.contains("cycles"));
  const int64_t bound = fields.value("cycle_bound", int64_t{0});
  EXPECT_GT(bound, cycles);
  EXPECT_EQ(bound & (bound - 1), 0) << bound;  // a power of two, as the CPU table's height
  EXPECT_EQ(bound, static_cast<int64_t>(rv32im::CpuTableHeight(static_cast<uint64_t>(cycles))));
  EXPECT_EQ(fields.value("version", 0), 3);
  // A claim altered by anyone else no longer carries the service's signature.
  std::string forged = claim;
  forged.replace(forged.find("\"exit_code\":3"), 13, "\"exit_code\":4");
  EXPECT_FALSE(VerifyEd25519(public_key, forged, claimed.value("signature", "")));

  const std::string id = claimed.value("uuid", "");
  // Any key holder may challenge (a third party relying on the claim).
  auto other = service.Client(service.NewKey("challenger"));
  EXPECT_EQ(other->Post("/sessions/challenge/" + id, "", "application/json")->status, 200);
  ExpectError(other->Post("/sessions/challenge/" + id, "", "application/json"), 409,
              "not_challengeable");
  const nlohmann::json proved = WaitForSession(*c, id);
  ASSERT_EQ(proved.value("status", ""), "SUCCEEDED") << proved.dump();
  EXPECT_EQ(proved.value("dispute", ""), "claim_upheld");
  EXPECT_EQ(proved.value("claim", ""), claim);  // the original claim stays on record
  auto receipt = c->Get("/receipts/" + id);
  ASSERT_EQ(receipt->status, 200);
  const std::vector<uint8_t> id_bytes = FromHex(image_id);
  EXPECT_TRUE(
      receipt::VerifyReceipt(std::vector<uint8_t>(receipt->body.begin(), receipt->body.end()),
                             ImageIdBytes(id_bytes), std::nullopt)
          .ok);
}

// A challenge whose proof cannot finish (here: the session's 0.3 s timeout, far below the proof's
// time) leaves the signed claim standing, SUCCEEDED with its journal, its dispute unresolved.
TEST(Api, OptimisticClaimWhoseChallengeProofFailsStands) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(kLongProofIterations, 3), "claim");
  const std::string id = CreateSession(*c, {{"img", image_id},
                                            {"input", input_id},
                                            {"optimistic", true},
                                            {"timeout_seconds", 0.3},
                                            {"challenge_window_seconds", 3}});
  const nlohmann::json claimed = WaitForSession(*c, id);
  ASSERT_EQ(claimed.value("state", ""), "claimed") << claimed.dump();
  auto other = service.Client(service.NewKey("challenger"));
  EXPECT_EQ(other->Post("/sessions/challenge/" + id, "", "application/json")->status, 200);
  const nlohmann::json after = WaitForSession(*c, id);
  EXPECT_EQ(after.value("status", ""), "SUCCEEDED") << after.dump();
  EXPECT_EQ(after.value("journal", ""), claimed.value("journal", ""));
  EXPECT_EQ(after.value("claim", ""), claimed.value("claim", ""));
  EXPECT_EQ(after.value("dispute", "").rfind("unresolved: ", 0), 0u) << after.dump();
}

TEST(Api, OptimisticClaimNotChallengedBecomesFinal) {
  TestService service;
  auto c = service.Client(service.NewKey("alice"));
  auto [image_id, input_id] = Upload(*c, EchoGuestElf(), "x");
  const nlohmann::json claimed = RunOptimistic(*c, image_id, input_id);
  ASSERT_EQ(claimed.value("state", ""), "claimed") << claimed.dump();
  const std::string id = claimed.value("uuid", "");
  const int64_t deadline = claimed.value("challenge_deadline_ms", int64_t{0});
  while (NowMs() <= deadline) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ExpectError(c->Post("/sessions/challenge/" + id, "", "application/json"), 409,
              "not_challengeable");
  const nlohmann::json final_status = Json(c->Get("/sessions/status/" + id));
  EXPECT_EQ(final_status.value("state", ""), "final (unchallenged)");
  EXPECT_TRUE(final_status["receipt_url"].is_null());
  // A session that is not optimistic cannot be challenged either.
  const std::string plain =
      CreateSession(*c, {{"img", image_id}, {"input", input_id}, {"execute_only", true}});
  WaitForSession(*c, plain);
  ExpectError(c->Post("/sessions/challenge/" + plain, "", "application/json"), 409,
              "not_challengeable");
}

TEST(Api, HundredsOfConcurrentStatusRequestsWhileJobsRun) {
  ServerOptions options;
  options.rate_per_second = 1e6;
  options.rate_burst = 1e6;
  TestService service(options, 2);
  const std::string key = service.NewKey("alice", 16);
  auto c = service.Client(key);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto [image_id, input_id] = Upload(*c, EchoGuestElf(1 + i), "load" + std::to_string(i));
    ids.push_back(
        CreateSession(*c, {{"img", image_id}, {"input", input_id}, {"execute_only", i % 3 != 0}}));
  }
  std::atomic<int> ok{0}, errors{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 16; ++t) {
    clients.emplace_back([&, t] {
      auto client = service.Client(key);
      for (int i = 0; i < 25; ++i) {
        auto r = client->Get("/sessions/status/" + ids[(t + i) % ids.size()]);
        (r && r->status == 200 && Json(r).contains("status") ? ok : errors)++;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(ok.load(), 400);
  for (const std::string& id : ids) {
    EXPECT_EQ(WaitForSession(*c, id).value("status", ""), "SUCCEEDED");
  }
}

TEST(Tls, ServesHttpsWithTheGivenCertificate) {
  const std::string dir = MakeTempDir("prova-tls");
  RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/key.pem -out " + dir +
             "/cert.pem -days 1 -subj /CN=localhost 2>/dev/null");
  ServerOptions options;
  options.tls_cert = dir + "/cert.pem";
  options.tls_key = dir + "/key.pem";
  TestService service(options, 0);
  httplib::SSLClient tls("127.0.0.1", service.port());
  tls.enable_server_certificate_verification(false);  // self-signed
  auto r = tls.Get("/version");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  httplib::Client plain("127.0.0.1", service.port());
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/version");
  EXPECT_FALSE(p && p->status == 200);

  Logger log(stderr, false);
  auto store = OpenJobStore("", dir + "/store");
  const Ed25519Signer signer = Ed25519Signer::LoadOrCreate(dir + "/signing.pem");
  ServerOptions half;
  half.tls_cert = options.tls_cert;  // no key
  EXPECT_THROW(Server(*store, signer, log, half), Error);
  ServerOptions wrong;
  wrong.tls_cert = dir + "/signing.pem";  // not a certificate
  wrong.tls_key = options.tls_key;
  EXPECT_THROW(Server(*store, signer, log, wrong), Error);
}

}  // namespace
}  // namespace prova::service::testing
