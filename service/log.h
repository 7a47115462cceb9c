#pragma once

// Structured logs: one JSON object per line ({"ts": ..., "level": ..., "event": ..., fields}),
// so that log shippers parse them without a grammar.

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

namespace prova::service {

class Logger {
 public:
  explicit Logger(std::FILE* out = stderr, bool enabled = true) : out_(out), enabled_(enabled) {}
  void Info(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Write("info", event, std::move(fields));
  }
  void Warn(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Write("warn", event, std::move(fields));
  }
  void Error(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
    Write("error", event, std::move(fields));
  }

 private:
  void Write(std::string_view level, std::string_view event, nlohmann::json fields);

  std::FILE* out_;
  bool enabled_;
  std::mutex mutex_;
};

}  // namespace prova::service
