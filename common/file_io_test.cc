#include "common/file_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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
