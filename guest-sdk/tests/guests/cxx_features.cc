// Exercises the C++20 subset guests rely on. Its stdout is compared line by line with the
// expectation in guest_sdk_qemu_test.cc, and the journal with the committed values.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "prova/guest.h"

namespace {

int constructed_before_main = 0;

struct RunsBeforeMain {
  RunsBeforeMain() { constructed_before_main = 42; }
};
RunsBeforeMain runs_before_main;

struct Shape {
  virtual ~Shape() = default;
  virtual int Area() const = 0;
};
struct Square final : Shape {
  explicit Square(int side) : side(side) {}
  int Area() const override { return side * side; }
  int side;
};

int CountCalls() {
  static int calls = 0;  // function-local static with a trivial initialiser
  return ++calls;
}

const std::vector<int>& Table() {
  static const std::vector<int> table = {1, 2, 3};  // dynamic initialisation on first use
  return table;
}

int64_t SumSpan(std::span<const int32_t> values) {
  return std::accumulate(values.begin(), values.end(), int64_t{0});
}

}  // namespace

int main() {
  std::printf("ctor before main: %d\n", constructed_before_main);

  std::array<int32_t, 8> numbers = {5, -3, 9, 1, 7, 0, -8, 2};
  std::sort(numbers.begin(), numbers.end());
  std::printf("sorted:");
  for (int32_t n : numbers) std::printf(" %d", static_cast<int>(n));
  std::printf("\n");

  std::vector<int32_t> squares;
  for (int i = 1; i <= 1000; ++i) squares.push_back(i * i);
  std::printf("vector: size %d sum %d\n", static_cast<int>(squares.size()),
              static_cast<int>(SumSpan(squares)));
  std::span<const int32_t> middle = std::span<const int32_t>(squares).subspan(10, 3);
  std::printf("span: %d %d %d\n", static_cast<int>(middle[0]), static_cast<int>(middle[1]),
              static_cast<int>(middle[2]));

  std::string text = "zk";
  text += "VM";
  text.insert(0, "prova ");
  std::printf("string: %s (%d)\n", text.c_str(), static_cast<int>(text.size()));

  // A large allocation grows the heap through brk several times.
  auto* block = static_cast<uint8_t*>(std::malloc(3 << 20));
  if (block == nullptr) return 10;
  std::memset(block, 0xab, 3 << 20);
  int tail = block[(3 << 20) - 1];
  std::free(block);
  std::printf("malloc: %d\n", tail);
  errno = 0;
  void* huge = std::malloc(0x7ff00000);
  std::printf("huge malloc fails: %s errno %d\n", huge == nullptr ? "yes" : "no", errno);

  std::unique_ptr<Shape> shape = std::make_unique<Square>(7);
  std::printf("virtual: %d\n", shape->Area());
  CountCalls();
  std::printf("static: %d %d\n", CountCalls(), static_cast<int>(Table().size()));

  std::optional<int> maybe = 5;
  std::variant<int, double> either = 2.5;
  std::printf("optional %d variant %d\n", *maybe, static_cast<int>(std::get<double>(either) * 2));

  // Soft float: libm and libgcc's software double/float routines.
  double root = std::sqrt(2.0);
  float e = std::exp(1.0f);
  std::printf("sqrt(2) = %.6f, expf(1) = %.5f, sin(pi/6)*1000 = %ld\n", root,
              static_cast<double>(e), std::lround(std::sin(M_PI / 6) * 1000));

  std::printf("%s %d%%\n", "printf", 100);
  std::fprintf(stderr, "to stderr\n");

  uint64_t cycles = prova::guest::cycles();
  std::printf("cycles nonzero: %s\n", cycles != 0 ? "yes" : "no");

  prova::guest::commit(numbers);
  prova::guest::commit(static_cast<uint32_t>(squares.back()));
  prova::guest::commit_bytes(text.data(), text.size());
  std::printf("no newline at exit");
  return 0;
}
