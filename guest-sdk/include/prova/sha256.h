// SHA-256 (FIPS 180-4) for guests (header-only, no allocation): the sha256 example, the inference
// guest's model and input digests.
// Whole 64-byte blocks are compressed straight from the caller's buffer; about 4 k RV32IM
// instructions per block.
#ifndef PROVA_SHA256_H_
#define PROVA_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace prova {

class Sha256 {
 public:
  void Update(const uint8_t* data, size_t size) {
    length_ += size;
    if (filled_ != 0) {
      const size_t take = size < 64 - filled_ ? size : 64 - filled_;
      if (take != 0) std::memcpy(block_ + filled_, data, take);
      filled_ += take;
      data += take;
      size -= take;
      if (filled_ < 64) return;
      Compress(block_);
      filled_ = 0;
    }
    for (; size >= 64; data += 64, size -= 64) Compress(data);
    if (size != 0) std::memcpy(block_, data, size);
    filled_ = size;
  }

  std::array<uint8_t, 32> Finish() {
    const uint64_t bits = length_ * 8;
    const uint8_t pad = 0x80;
    Update(&pad, 1);
    const uint8_t zero[64] = {};
    Update(zero, (filled_ <= 56 ? 56 : 120) - filled_);
    uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    Update(length, 8);
    std::array<uint8_t, 32> digest;
    for (int i = 0; i < 8; ++i) {
      for (int j = 0; j < 4; ++j)
        digest[4 * i + j] = static_cast<uint8_t>(state_[i] >> (24 - 8 * j));
    }
    return digest;
  }

  static std::array<uint8_t, 32> Digest(const uint8_t* data, size_t size) {
    Sha256 sha;
    sha.Update(data, size);
    return sha.Finish();
  }

 private:
  static constexpr uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

  // Not inlined: unrolled, it is 12.6 KB of code, and every word of a guest's code is a row of the
  // circuit's program and memory image tables. Inlined at Update's two call sites, with Update
  // inlined at each of its own, it made the sha256 example's code 103.5 KB instead of 30.9 KB
  // (0.14 % fewer cycles for the call it saves).
  [[gnu::noinline]] void Compress(const uint8_t* block) {
    static constexpr uint32_t kRound[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = uint32_t{block[4 * i]} << 24 | uint32_t{block[4 * i + 1]} << 16 |
             uint32_t{block[4 * i + 2]} << 8 | block[4 * i + 3];
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
    // Unrolled so the eight working variables rotate by renaming instead of eight moves a round.
#pragma GCC unroll 64
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 =
          h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[i] + w[i];
      const uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
  }

  uint32_t state_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  uint8_t block_[64] = {};
  size_t filled_ = 0;
  uint64_t length_ = 0;
};

}  // namespace prova

#endif  // PROVA_SHA256_H_
