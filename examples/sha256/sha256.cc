// SHA-256 (FIPS 180-4, prova/sha256.h) of the whole private input, in software. Journal: the
// 32-byte digest, the same bytes `sha256sum` prints in hex.
#include "prova/sha256.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>

#include "prova/guest.h"

int main() {
  prova::Sha256 hasher;
  std::array<uint8_t, 4096> chunk;
  size_t total = 0;
  for (;;) {
    size_t n = prova::guest::read_some(std::as_writable_bytes(std::span(chunk)));
    if (n == 0) break;
    hasher.Update(chunk.data(), n);
    total += n;
  }
  std::array<uint8_t, 32> digest = hasher.Finish();
  prova::guest::commit(digest);

  std::printf("sha256 of %u bytes: ", static_cast<unsigned>(total));
  for (uint8_t byte : digest) std::printf("%02x", byte);
  std::printf("\n");
  return 0;
}
