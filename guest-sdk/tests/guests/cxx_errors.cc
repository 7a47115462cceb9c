// Error paths of the C++ runtime: the first input byte selects what goes wrong. Each case must end
// the guest with the documented exit code and a message on stderr, never run on.
#undef NDEBUG
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "prova/guest.h"

// What a vtable slot of a pure virtual function points to (calling one is undefined behaviour, so
// the compiler may not emit the call; call the slot's target directly).
extern "C" void __cxa_pure_virtual();

namespace {

char* volatile allocation_sink;

}  // namespace

int main() {
  const auto mode = prova::guest::read<char>();
  std::vector<int> values(3, 7);
  volatile size_t index = 5;
  switch (mode) {
    case 'a':
      return values.at(index);  // std::out_of_range -> 103
    case 'b':
      assert(values.size() == 4);  // -> abort -> 134
      break;
    case 'c': {
      volatile size_t huge = 0x7ff00000;
      allocation_sink = new char[huge];  // operator new fails -> 102
      break;
    }
    case 'd':
      __cxa_pure_virtual();  // -> 134
      break;
    case 'e': {
      std::string text;
      text.reserve(text.max_size() + index);  // std::length_error -> 103
      break;
    }
    case 'f':
      std::abort();  // -> 134
    case 'g':
      prova::guest::halt(77);
    default:
      break;
  }
  std::printf("no error\n");
  return 0;
}
