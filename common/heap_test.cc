#include "common/heap.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace prova {
namespace {

// Runs heap_probe with an environment prefix and arguments; returns what it printed.
std::string RunProbe(const std::string& environment, const std::string& arguments) {
  const std::string command = "env -u GLIBC_TUNABLES -u PROVA_HEAP_REEXECUTED " + environment +
                              " " PROVA_HEAP_PROBE " " + arguments;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  EXPECT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 256> buffer;
  while (pipe && std::fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) {
    out += buffer.data();
  }
  return out;
}

TEST(ProvingHeap, ReexecutesOnceWithTheHugePageTunableAndTheSameArguments) {
  EXPECT_EQ(RunProbe("", "prove 'two words' -o x"),
            "tunables=glibc.malloc.hugetlb=1\nmarker=1\narg=prove\narg=two words\narg=-o\narg=x\n");
}

TEST(ProvingHeap, KeepsOtherTunables) {
  EXPECT_EQ(RunProbe("GLIBC_TUNABLES=glibc.malloc.arena_max=2", "a"),
            "tunables=glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1\nmarker=1\narg=a\n");
}

TEST(ProvingHeap, AUserChoiceOfTheTunableIsKeptWithoutReexecuting) {
  EXPECT_EQ(RunProbe("GLIBC_TUNABLES=glibc.malloc.hugetlb=0", "a"),
            "tunables=glibc.malloc.hugetlb=0\nmarker=\narg=a\n");
}

TEST(ProvingHeap, NeverReexecutesTwice) {
  // As if a loader had dropped the tunable after the first re-execution.
  EXPECT_EQ(RunProbe("PROVA_HEAP_REEXECUTED=1", "a"), "tunables=\nmarker=1\narg=a\n");
}

#if defined(__GLIBC__)
size_t FreeHeapBytes() { return mallinfo2().fordblks; }

// What the prover's default LDE cache budget reads: a large block freed under the proving heap
// policy stays in the heap and is counted as free (with glibc's defaults it would be unmapped).
TEST(ProvingHeap, AFreedLargeBlockCountsAsFreeHeap) {
  KeepFreedMemoryForReuse();
  constexpr size_t kBytes = size_t{64} << 20;
  const size_t before = FreeHeapBytes();
  char* volatile block = static_cast<char*>(std::malloc(kBytes));
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kBytes);
  std::free(block);
  EXPECT_GE(FreeHeapBytes(), before + kBytes);
}

// The default LDE cache budget's reading: free heap less the bytes in use. A block kept in use
// counts against the free one; freeing it counts twice, once for each.
TEST(ProvingHeap, SpareHeapIsTheFreeHeapLessTheHeapInUse) {
  KeepFreedMemoryForReuse();
  constexpr size_t kHeld = size_t{64} << 20, kFreed = size_t{256} << 20;
  char* volatile held = static_cast<char*>(std::malloc(kHeld));
  char* volatile freed = static_cast<char*>(std::malloc(kFreed));
  ASSERT_NE(held, nullptr);
  ASSERT_NE(freed, nullptr);
  std::memset(held, 1, kHeld);
  std::memset(freed, 1, kFreed);
  std::free(freed);
  const size_t spare = SpareHeapBytes();
  EXPECT_LE(spare + kHeld, FreeHeapBytes());
  EXPECT_GE(spare, kFreed - kHeld - (size_t{32} << 20));  // a test process holds little else
  std::free(held);
  EXPECT_GE(SpareHeapBytes(), spare + 2 * kHeld - (size_t{1} << 20));
}
#endif

}  // namespace
}  // namespace prova
