#include <gtest/gtest.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

namespace {

size_t ThreadsInProcess() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    ++n;
  }
  return n;
}

// Without the process-long scheduler reference, oneTBB shuts its workers down once the only thread
// that used it exits, and the process is back to its main thread.
TEST(SchedulerLifetime, WorkersOutliveTheThreadThatStartedThem) {
  if (tbb::info::default_concurrency() < 2) GTEST_SKIP() << "one core: TBB starts no workers";
  const size_t before = ThreadsInProcess();
  // Parallel work on a thread of its own until a worker has taken part in it.
  std::atomic<bool> worker_ran{false};
  std::thread job([&] {
    const std::thread::id job_thread = std::this_thread::get_id();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!worker_ran.load() && std::chrono::steady_clock::now() < deadline) {
      tbb::parallel_for(0, 1 << 12, [&](int) {
        if (std::this_thread::get_id() != job_thread) worker_ran.store(true);
      });
    }
  });
  job.join();
  ASSERT_TRUE(worker_ran.load()) << "no TBB worker took part in 10 s of parallel work";
  // A teardown would be asynchronous: give it time to happen before looking.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GT(ThreadsInProcess(), before);
}

}  // namespace
