// Test helper for heap_test.cc: applies the proving heap policy, then prints what the program
// runs with (GLIBC_TUNABLES, the re-execution marker and its arguments), one per line.

#include <cstdio>
#include <cstdlib>

#include "common/heap.h"

int main(int argc, char** argv) {
  prova::UseHugePageHeap(argv);
  prova::KeepFreedMemoryForReuse();
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  const char* marker = std::getenv("PROVA_HEAP_REEXECUTED");
  std::printf("tunables=%s\n", tunables != nullptr ? tunables : "");
  std::printf("marker=%s\n", marker != nullptr ? marker : "");
  for (int i = 1; i < argc; ++i) std::printf("arg=%s\n", argv[i]);
  return 0;
}
