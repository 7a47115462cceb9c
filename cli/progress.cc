#include "cli/progress.h"

#include <fmt/core.h>
#include <unistd.h>

namespace prova::cli {

Progress::Progress(bool enabled)
    : enabled_(enabled && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      phase_start_(start_) {
  if (enabled_) ticker_ = std::thread([this] { Tick(); });
}

Progress::~Progress() { Finish(); }

void Progress::Phase(const std::string& name) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (!phase_.empty()) Draw(true);
  phase_ = name;
  fraction_ = -1;
  phase_start_ = std::chrono::steady_clock::now();
  Draw(false);
}

void Progress::SetFraction(double fraction) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  fraction_ = fraction;
}

void Progress::Finish() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
    if (!phase_.empty()) Draw(true);
    phase_.clear();
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void Progress::Draw(bool final_line) {
  auto now = std::chrono::steady_clock::now();
  double phase_seconds = std::chrono::duration<double>(now - phase_start_).count();
  double total_seconds = std::chrono::duration<double>(now - start_).count();
  std::string percent = fraction_ >= 0 ? fmt::format(" {:3.0f}%", 100 * fraction_) : "";
  // \r and clear-to-end-of-line redraw the same terminal line.
  fmt::print(stderr, "\r\033[K[{}]{} {:.1f} s (total {:.1f} s){}", phase_, percent, phase_seconds,
             total_seconds, final_line ? "\n" : "");
  std::fflush(stderr);
}

void Progress::Tick() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200));
    if (!stop_ && !phase_.empty()) Draw(false);
  }
}

}  // namespace prova::cli
