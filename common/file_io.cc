#include "common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace prova {
namespace {

std::string ErrnoText() { return std::strerror(errno); }

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::vector<uint8_t> ReadFileBytes(const std::string& path, uint64_t max_bytes) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw Error("cannot open " + path + ": " + ErrnoText());
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throw Error("cannot stat " + path + ": " + ErrnoText());
  if (!S_ISREG(info.st_mode)) throw Error(path + " is not a regular file");
  if (static_cast<uint64_t>(info.st_size) > max_bytes) {
    throw Error(path + " is too large (" + std::to_string(info.st_size) + " bytes, limit " +
                std::to_string(max_bytes) + ")");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(info.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error("cannot read " + path + ": " + ErrnoText());
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

void WriteFileAtomic(const std::string& path, std::span<const uint8_t> bytes) {
  // A unique temporary name (mkostemp), so that writers of one path in several threads or
  // processes never share a temporary file; the last rename wins, whole.
  std::string temporary = path + ".tmp.XXXXXX";
  {
    FileDescriptor fd(::mkostemp(temporary.data(), O_CLOEXEC));
    if (fd.get() < 0)
      throw Error("cannot create a temporary file for " + path + ": " + ErrnoText());
    ::fchmod(fd.get(), 0644);  // mkostemp creates 0600; a written file is an ordinary output
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        std::string reason = ErrnoText();
        ::unlink(temporary.c_str());
        throw Error("cannot write " + temporary + ": " + reason);
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
      std::string reason = ErrnoText();
      ::unlink(temporary.c_str());
      throw Error("cannot sync " + temporary + ": " + reason);
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string reason = ErrnoText();
    ::unlink(temporary.c_str());
    throw Error("cannot rename " + temporary + " to " + path + ": " + reason);
  }
  // The rename itself is durable only once the directory entry is on disk.
  const std::string::size_type slash = path.rfind('/');
  const std::string directory =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  FileDescriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) {
    throw Error("cannot sync directory " + directory + ": " + ErrnoText());
  }
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

std::vector<uint8_t> FromHex(std::string_view hex) {
  auto digit = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw Error("invalid hex digit '" + std::string(1, c) + "'");
  };
  if (hex.size() % 2 != 0) throw Error("hex string has odd length " + std::to_string(hex.size()));
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(digit(hex[2 * i]) << 4 | digit(hex[2 * i + 1]));
  }
  return out;
}

}  // namespace prova
