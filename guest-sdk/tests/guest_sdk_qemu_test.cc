// Runs the SDK's test guests under qemu-riscv32: the C++20 subset, the C API, input and exit-code
// handling, and the ELF layout the zkVM loader relies on.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "guest-sdk/testing/qemu_runner.h"

namespace prova::guest_testing {
namespace {

std::string Guest(const char* name) { return std::string(PROVA_SDK_TEST_GUEST_DIR) + "/" + name; }

#define REQUIRE_QEMU()                                                \
  do {                                                                \
    if (!QemuPath()) GTEST_SKIP() << "qemu-riscv32 is not installed"; \
  } while (0)

std::vector<uint8_t> CountedBytes(const std::string& bytes, uint32_t announced) {
  std::vector<uint8_t> input;
  for (int shift = 0; shift < 32; shift += 8)
    input.push_back(static_cast<uint8_t>(announced >> shift));
  for (char c : bytes) input.push_back(static_cast<uint8_t>(c));
  return input;
}

template <typename T>
void Append(std::vector<uint8_t>& out, const T& value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof(T));
}

TEST(GuestSdkQemuTest, CxxFeaturesProduceExpectedOutput) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("cxx_features.elf"), {});
  ASSERT_TRUE(run.exited) << run.stderr_text;
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.stdout_text,
            "ctor before main: 42\n"
            "sorted: -8 -3 0 1 2 5 7 9\n"
            "vector: size 1000 sum 333833500\n"
            "span: 121 144 169\n"
            "string: prova zkVM (10)\n"
            "malloc: 171\n"
            "huge malloc fails: yes errno 12\n"
            "virtual: 49\n"
            "static: 2 3\n"
            "optional 5 variant 5\n"
            "sqrt(2) = 1.414214, expf(1) = 2.71828, sin(pi/6)*1000 = 500\n"
            "printf 100%\n"
            "cycles nonzero: yes\n"
            "no newline at exit");
  EXPECT_EQ(run.stderr_text, "to stderr\n");

  std::vector<uint8_t> expected;
  for (int32_t n : {-8, -3, 0, 1, 2, 5, 7, 9}) Append(expected, n);
  Append(expected, uint32_t{1000000});
  for (char c : std::string("prova zkVM")) expected.push_back(static_cast<uint8_t>(c));
  EXPECT_EQ(run.journal, expected);
}

TEST(GuestSdkQemuTest, CApiCommitsAndExitsWithCode) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("c_api.elf"), CountedBytes("abcdefghij", 10));
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 10 % 7) << run.stderr_text;
  EXPECT_EQ(run.stdout_text, "c_api: count 10 sum 1015\n");
  std::vector<uint8_t> expected;
  Append(expected, uint32_t{10});
  for (char c : std::string("jihgfedcba")) expected.push_back(static_cast<uint8_t>(c));
  Append(expected, uint32_t{1015});
  EXPECT_EQ(run.journal, expected);
}

TEST(GuestSdkQemuTest, EmptyPayloadIsFine) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("c_api.elf"), CountedBytes("", 0));
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.journal.size(), 8u);
}

TEST(GuestSdkQemuTest, ShortInputStopsTheGuest) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("c_api.elf"), CountedBytes("abc", 5));
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 100);  // PROVA_EXIT_INPUT_SHORT
  EXPECT_TRUE(run.journal.empty());
  EXPECT_NE(run.stderr_text.find("input ended"), std::string::npos) << run.stderr_text;
}

TEST(GuestSdkQemuTest, MissingLengthPrefixStopsTheGuest) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("c_api.elf"), {1, 2});
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 100);
  EXPECT_TRUE(run.journal.empty());
}

TEST(GuestSdkQemuTest, TrailingInputIsDetected) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("c_api.elf"), CountedBytes("abcd", 3));
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 98);
}

TEST(GuestSdkQemuTest, CxxApiReadsAndCommitsRanges) {
  REQUIRE_QEMU();
  std::vector<uint8_t> input;
  Append(input, uint32_t{3});
  for (uint16_t v : {0x1234, 0x5678, 0x9abc}) Append(input, v);
  Append(input, int64_t{-2});
  input.push_back(0xaa);
  input.push_back(0xbb);
  GuestRun run = RunUnderQemu(Guest("cxx_api.elf"), input);
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  EXPECT_EQ(run.stdout_text, "cxx_api done\n");
  std::vector<uint8_t> expected;
  Append(expected, uint32_t{3});
  for (uint16_t v : {0x1234, 0x5678, 0x9abc}) Append(expected, v);
  Append(expected, uint16_t{0x1234});
  Append(expected, int64_t{-2});
  for (int b : {0xaa, 0xbb, 7, 8, 9, int{'o'}, int{'k'}})
    expected.push_back(static_cast<uint8_t>(b));
  EXPECT_EQ(run.journal, expected);

  input.pop_back();  // read_array<uint8_t, 2> now runs out of input
  GuestRun short_run = RunUnderQemu(Guest("cxx_api.elf"), input);
  ASSERT_TRUE(short_run.exited);
  EXPECT_EQ(short_run.exit_code, 100);
  EXPECT_TRUE(short_run.journal.empty());
}

TEST(GuestSdkQemuTest, NodeContainersWork) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("cxx_containers.elf"), {});
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 0) << run.stdout_text << run.stderr_text;
  EXPECT_EQ(run.stdout_text,
            "map 361 multiset 1742 set: air fri merkle prova stark \n"
            "list: 1 2 4 5 7 8 100 200\n"
            "unordered_map 1500 unordered_set 1000\n"
            "shared_ptr ok\n"
            "misc: 2001 2 20 -12345 10 9 ok\n");
}

// Heap growth through brk: the journal (guests/cxx_heap_journal.bin, which the proof test in
// tests/cli checks too) holds the containers' results and the allocation checks.
TEST(GuestSdkQemuTest, HeapGrowsThroughBrk) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("cxx_heap.elf"), {});
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
  const std::string expected_file =
      std::string(PROVA_SDK_TEST_GUEST_SOURCE_DIR) + "/cxx_heap_journal.bin";
  std::ifstream in(expected_file, std::ios::binary);
  const std::vector<uint8_t> expected((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(expected.size(), 52u) << expected_file;
  EXPECT_EQ(run.journal, expected);
}

struct ErrorCase {
  char mode;
  int exit_code;
  const char* message;
};

class GuestSdkErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(GuestSdkErrorTest, StopsWithDocumentedExitCode) {
  REQUIRE_QEMU();
  const ErrorCase& error = GetParam();
  GuestRun run = RunUnderQemu(Guest("cxx_errors.elf"), {static_cast<uint8_t>(error.mode)});
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, error.exit_code) << run.stderr_text;
  EXPECT_NE(run.stderr_text.find(error.message), std::string::npos) << run.stderr_text;
  EXPECT_EQ(run.stdout_text.find("no error"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GuestSdkErrorTest,
    testing::Values(ErrorCase{'a', 103, "std::out_of_range: vector::_M_range_check"},
                    ErrorCase{'b', 134, "assertion \"values.size() == 4\" failed"},
                    ErrorCase{'c', 102, "out of memory in operator new"},
                    ErrorCase{'d', 134, "pure virtual function called"},
                    ErrorCase{'e', 103, "std::length_error"}, ErrorCase{'f', 134, "guest: abort()"},
                    ErrorCase{'g', 77, ""}),
    [](const testing::TestParamInfo<ErrorCase>& info) { return std::string(1, info.param.mode); });

TEST(GuestSdkQemuTest, TypedReadOfEmptyInputStopsTheGuest) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("cxx_errors.elf"), {});
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 100);
  EXPECT_NE(run.stderr_text.find("input ended"), std::string::npos);
}

TEST(GuestSdkQemuTest, ErrorGuestRunsCleanlyWithoutAnError) {
  REQUIRE_QEMU();
  GuestRun run = RunUnderQemu(Guest("cxx_errors.elf"), {'h'});
  ASSERT_TRUE(run.exited);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.stdout_text, "no error\n");
}

// The zkVM loader takes PT_LOAD segments only: text at 0x10000 R+X, then R, then R+W, each on its
// own page, and nothing writable and executable.
TEST(GuestSdkElfTest, SegmentsHaveSeparatePermissions) {
  std::vector<uint8_t> elf = ReadFile(Guest("cxx_features.elf"));
  ASSERT_GE(elf.size(), 52u);
  ASSERT_EQ(std::memcmp(elf.data(),
                        "\x7f"
                        "ELF",
                        4),
            0);
  EXPECT_EQ(elf[4], 1);  // ELFCLASS32
  EXPECT_EQ(elf[5], 1);  // little-endian
  auto u16 = [&](size_t at) { return static_cast<uint32_t>(elf[at] | elf[at + 1] << 8); };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  EXPECT_EQ(u16(16), 2u);        // ET_EXEC
  EXPECT_EQ(u16(18), 243u);      // EM_RISCV
  EXPECT_EQ(u32(24), 0x10000u);  // entry
  uint32_t flags = u32(36);
  EXPECT_EQ(flags & 0x1, 0u) << "RVC must be off";
  EXPECT_EQ(flags & 0x6, 0u) << "soft-float ABI";
  uint32_t phoff = u32(28);
  uint32_t phentsize = u16(42);
  uint32_t phnum = u16(44);
  std::vector<uint32_t> load_flags;
  std::vector<uint32_t> load_vaddrs;
  for (uint32_t i = 0; i < phnum; ++i) {
    size_t ph = phoff + i * phentsize;
    ASSERT_LE(ph + 32, elf.size());
    if (u32(ph) != 1) continue;  // PT_LOAD
    uint32_t vaddr = u32(ph + 8);
    EXPECT_EQ(vaddr % 4096, 0u);
    EXPECT_LE(u32(ph + 16), u32(ph + 20));  // filesz <= memsz
    load_vaddrs.push_back(vaddr);
    load_flags.push_back(u32(ph + 24));
  }
  ASSERT_EQ(load_flags.size(), 3u);
  EXPECT_EQ(load_vaddrs[0], 0x10000u);
  EXPECT_EQ(load_flags[0], 5u);  // R + X
  EXPECT_EQ(load_flags[1], 4u);  // R
  EXPECT_EQ(load_flags[2], 6u);  // R + W
  EXPECT_LT(load_vaddrs[0], load_vaddrs[1]);
  EXPECT_LT(load_vaddrs[1], load_vaddrs[2]);
}

}  // namespace
}  // namespace prova::guest_testing
