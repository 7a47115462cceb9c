#pragma once

// Progress of a long command on a terminal: "[proving] 12.3 s" redrawn in place on stderr, with a
// percentage when the current phase reports one. Silent unless stderr is a terminal and the user
// did not ask for --quiet or --json, so scripts and logs never see control characters.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace prova::cli {

class Progress {
 public:
  explicit Progress(bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Starts a phase; the previous one is finished (its line kept with its duration).
  void Phase(const std::string& name);
  // Fraction of the current phase done, in [0, 1]; negative for unknown.
  void SetFraction(double fraction);
  // Ends the current phase and stops redrawing.
  void Finish();

 private:
  void Draw(bool final_line);
  void Tick();

  bool enabled_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::string phase_;
  double fraction_ = -1;
  std::chrono::steady_clock::time_point start_, phase_start_;
  std::thread ticker_;
};

}  // namespace prova::cli
