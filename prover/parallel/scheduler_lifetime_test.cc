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
  std::atomic<int64_t> sum{0};
  std::thread job([&] { tbb::parallel_for(0, 1 << 16, [&](int i) { sum += i; }); });
  job.join();
  EXPECT_EQ(sum.load(), (int64_t{1} << 16) * ((1 << 16) - 1) / 2);
  // A teardown would be asynchronous: give it time to happen before looking.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GT(ThreadsInProcess(), before);
}

}  // namespace
