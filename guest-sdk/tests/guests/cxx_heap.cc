// Heap allocation in a proved guest: operator new and malloc grow the heap with sbrk, which calls
// brk (214), and the circuit proves each call (docs/rv32im-circuit.md, "Ecall table"). Growing
// containers, a block of many pages, a request too large for the heap, and a freed block reused.
// Journal: the vector's sum (u64), the number of map entries (u32), the map's keys in order, a
// byte per check (1 = as expected).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "prova/guest.h"

int main() {
  namespace guest = prova::guest;
  std::vector<uint64_t> squares;
  for (uint64_t i = 0; i < 2000; ++i) squares.push_back(i * i);  // a dozen reallocations
  guest::commit(std::accumulate(squares.begin(), squares.end(), uint64_t{0}));

  std::map<std::string, uint32_t> words;
  for (const char* w : {"stark", "fri", "merkle", "poseidon", "logup", "fri", "air"}) {
    words[w] += 1;
  }
  guest::commit(static_cast<uint32_t>(words.size()));
  for (const auto& [word, count] : words) guest::commit(word + std::to_string(count));

  // 256 KiB: the break moves by many pages at once, and the memory is usable.
  auto* block = static_cast<uint8_t*>(std::malloc(256 << 10));
  const bool allocated = block != nullptr;
  if (allocated) std::memset(block, 0x5a, 256 << 10);
  const bool filled = allocated && block[0] == 0x5a && block[(256 << 10) - 1] == 0x5a;
  // More than the heap can hold: brk refuses, malloc returns null.
  const bool refused = std::malloc(0x7ff00000) == nullptr;
  std::free(block);
  auto* again = static_cast<uint8_t*>(std::malloc(128 << 10));
  const bool reused = again == block;
  const uint8_t checks[4] = {allocated, filled, refused, reused};
  guest::commit(checks);
  std::free(again);
  return 0;
}
