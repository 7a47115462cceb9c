#include "service/log.h"

#include <string>

#include "service/job_store.h"

namespace prova::service {

void Logger::Write(std::string_view level, std::string_view event, nlohmann::json fields) {
  if (!enabled_) return;
  nlohmann::json line = {{"ts_ms", NowMs()}, {"level", level}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  // Guest output and client input end up in fields: never let them break the one-line framing.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

}  // namespace prova::service
