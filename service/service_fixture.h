#pragma once

// A service on an ephemeral loopback port for tests: store in a temporary directory (or a
// given PostgreSQL URL), in-process workers, and an HTTP client per API key.

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/file_io.h"
#include "prover/rv32im/image_id.h"
#include "service/crypto.h"
#include "service/job_store.h"
#include "service/log.h"
#include "service/server.h"
#include "service/testing.h"
#include "service/worker.h"
#include "vm/elf_loader.h"

namespace prova::service::testing {

// Cached: computing an image ID builds and commits the circuit's fixed columns, which is not
// free, and tests upload the same few guests many times.
inline std::string ImageIdOf(const std::vector<uint8_t>& elf) {
  static std::mutex mutex;
  static std::map<std::string, std::string> cache;  // ELF bytes -> image ID
  std::lock_guard lock(mutex);
  auto [it, inserted] = cache.try_emplace(std::string(elf.begin(), elf.end()));
  if (inserted) it->second = ToHex(rv32im::ComputeImageId(vm::LoadElf(elf)));
  return it->second;
}

class TestService {
 public:
  explicit TestService(ServerOptions options = {}, int workers = 1, std::string db = "",
                       int64_t lease_ms = 5000)
      : dir_(MakeTempDir("prova-service")),
        log_(stderr, false),
        store_(OpenJobStore(db, dir_)),
        signer_(LoadServiceSigner(*store_, IsPostgresUrl(db), dir_, "")) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(*store_, signer_, log_, options);
    port_ = server_->Bind();
    thread_ = std::thread([this] { server_->Listen(); });
    // Listening before the constructor returns: a stop that comes before the listen loop starts
    // would be lost, and the destructor would wait for the loop forever.
    httplib::Client probe("127.0.0.1", port_);
    for (int i = 0; i < 500 && !probe.Get("/version"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (int i = 0; i < workers; ++i) AddWorker(lease_ms);
  }
  ~TestService() {
    server_->Stop();
    thread_.join();
    for (auto& w : workers_) w->Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void AddWorker(int64_t lease_ms) {
    WorkerOptions o;
    o.name = "test-worker-" + std::to_string(workers_.size());
    o.lease_ms = lease_ms;
    o.heartbeat_ms = 100;
    o.poll_ms = 50;
    workers_.push_back(std::make_unique<Worker>(*store_, signer_, log_, o));
    workers_.back()->Start();
  }

  // Creates an API key and returns it.
  std::string NewKey(const std::string& name, int64_t max_concurrent = 8,
                     int64_t cycle_budget = int64_t{1} << 40) {
    const std::string key = NewApiKey();
    ApiKeyRecord r;
    r.key_hash = HashApiKey(key);
    r.name = name;
    r.created_ms = NowMs();
    r.max_concurrent = max_concurrent;
    r.cycle_budget = cycle_budget;
    store_->AddKey(r);
    return key;
  }

  std::unique_ptr<httplib::Client> Client(const std::string& key = "") const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    if (!key.empty()) c->set_default_headers({{"x-api-key", key}});
    c->set_read_timeout(60, 0);
    return c;
  }

  JobStore& store() { return *store_; }
  const Ed25519Signer& signer() const { return signer_; }
  int port() const { return port_; }
  const std::string& data_dir() const { return dir_; }

 private:
  std::string dir_;
  Logger log_;
  std::unique_ptr<JobStore> store_;
  Ed25519Signer signer_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
  std::thread thread_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

inline nlohmann::json Json(const httplib::Result& r) {
  EXPECT_TRUE(r) << "no response";
  if (!r) return {};
  return nlohmann::json::parse(r->body, nullptr, false);
}

// Uploads the image (if needed) and EchoInput(payload); returns {image_id, input_id}.
inline std::pair<std::string, std::string> Upload(httplib::Client& c,
                                                  const std::vector<uint8_t>& elf,
                                                  const std::string& payload) {
  const std::string input = EchoInput(payload);
  const std::string image_id = ImageIdOf(elf);
  auto slot = c.Get("/images/upload/" + image_id);
  EXPECT_TRUE(slot && (slot->status == 200 || slot->status == 204));
  if (slot && slot->status == 200) {
    auto put = c.Put("/images/upload/" + image_id, std::string(elf.begin(), elf.end()),
                     "application/octet-stream");
    EXPECT_TRUE(put && put->status == 200) << (put ? put->body : "no response");
  }
  const nlohmann::json input_slot = Json(c.Get("/inputs/upload"));
  const std::string input_id = input_slot.value("uuid", "");
  auto put = c.Put("/inputs/upload/" + input_id, input, "application/octet-stream");
  EXPECT_TRUE(put && put->status == 200);
  return {image_id, input_id};
}

inline std::string CreateSession(httplib::Client& c, nlohmann::json request) {
  auto r = c.Post("/sessions/create", request.dump(), "application/json");
  EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
  return Json(r).value("uuid", "");
}

// Polls until the session leaves RUNNING, or the timeout.
inline nlohmann::json WaitForSession(httplib::Client& c, const std::string& id,
                                     double timeout_seconds = 60) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  nlohmann::json status;
  while (std::chrono::steady_clock::now() < deadline) {
    status = Json(c.Get("/sessions/status/" + id));
    if (status.value("status", "") != "RUNNING") return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "session " << id << " still running: " << status.dump();
  return status;
}

}  // namespace prova::service::testing
