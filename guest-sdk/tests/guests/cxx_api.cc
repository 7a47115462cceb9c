// The C++ API: typed reads and commits of values and of every kind of contiguous range.
// Input: uint32 n, then n uint16 values, then one int64. Journal: see guest_sdk_qemu_test.cc.
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "prova/guest.h"

int main() {
  namespace guest = prova::guest;
  const auto count = guest::read<uint32_t>();
  std::vector<uint16_t> values(count);
  guest::read_into(values);
  const auto wide = guest::read<int64_t>();
  const auto tail = guest::read_array<uint8_t, 2>();

  guest::commit(count);
  guest::commit(values);                                      // std::vector
  guest::commit(std::span(values).first(count > 0 ? 1 : 0));  // std::span (not its pointer)
  guest::commit(wide);
  guest::commit(tail);  // std::array
  const uint8_t raw[3] = {7, 8, 9};
  guest::commit(raw);                // C array
  guest::commit(std::string("ok"));  // characters, no terminator
  std::printf("cxx_api ");           // buffered: print() must flush it first to keep the order
  guest::print("done\n");
  return 0;
}
