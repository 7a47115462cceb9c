#include "common/file_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "common/error.h"

namespace prova {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "." + std::to_string(::getpid())))
      .string();
}

TEST(FileIo, WriteThenReadRoundTrips) {
  std::string path = TempPath("prova_file_io");
  std::vector<uint8_t> bytes = {0, 1, 2, 255, 42};
  WriteFileAtomic(path, bytes);
  EXPECT_EQ(ReadFileBytes(path), bytes);
  std::filesystem::remove(path);
}

// Writers of one path in several threads: the file is always one writer's whole content, and no
// temporary file is left behind.
TEST(FileIo, ConcurrentWritersOfOnePathLeaveOneWholeFile) {
  const std::filesystem::path dir = TempPath("prova_file_io_dir");
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.bin").string();
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&path, t] {
      for (int i = 0; i < 20; ++i) {
        WriteFileAtomic(path, std::vector<uint8_t>(1000 + 100 * t, static_cast<uint8_t>(t)));
      }
    });
  }
  for (auto& w : writers) w.join();
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  ASSERT_FALSE(bytes.empty());
  const uint8_t t = bytes[0];
  EXPECT_EQ(bytes, std::vector<uint8_t>(1000 + 100 * t, t));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(dir);
}

TEST(FileIo, WriteIntoAMissingDirectoryNamesThePath) {
  try {
    WriteFileAtomic("/nonexistent/prova/out.bin", std::vector<uint8_t>{1});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/prova/out.bin"), std::string::npos);
  }
}

TEST(FileIo, MissingFileNamesThePath) {
  try {
    ReadFileBytes("/nonexistent/prova/file");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/prova/file"), std::string::npos);
  }
}

TEST(FileIo, OversizedFileIsRejectedBeforeReading) {
  std::string path = TempPath("prova_file_big");
  WriteFileAtomic(path, std::vector<uint8_t>(100, 7));
  EXPECT_THROW(ReadFileBytes(path, 99), Error);
  EXPECT_EQ(ReadFileBytes(path, 100).size(), 100u);
  std::filesystem::remove(path);
}

TEST(FileIo, DirectoryIsNotARegularFile) { EXPECT_THROW(ReadFileBytes("/tmp"), Error); }

TEST(Hex, RoundTripsAndIsLowercase) {
  std::vector<uint8_t> bytes = {0xde, 0xad, 0xBE, 0xef, 0x00};
  EXPECT_EQ(ToHex(bytes), "deadbeef00");
  EXPECT_EQ(FromHex("DEADbeef00"), bytes);
}

TEST(Hex, RejectsBadInput) {
  EXPECT_THROW(FromHex("abc"), Error);
  EXPECT_THROW(FromHex("zz"), Error);
}

}  // namespace
}  // namespace prova
