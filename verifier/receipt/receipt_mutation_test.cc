// Random mutations of a valid receipt (byte flips, insertions, deletions, truncations, splices of
// lengths) fed to the receipt verifier: it must reject every one with a reason and never crash
// (this test also runs under ASan+UBSan).

#include <gtest/gtest.h>

#include <random>

#include "verifier/receipt/testing.h"
#include "verifier/receipt/verify_receipt.h"

namespace prova::receipt {
namespace {

std::vector<uint8_t> Mutate(std::vector<uint8_t> bytes, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  int steps = 1 + static_cast<int>(rng() % 4);
  for (int s = 0; s < steps; ++s) {
    switch (rng() % 6) {
      case 0:  // flip bits of one byte
        if (!bytes.empty()) bytes[pick(bytes.size())] ^= static_cast<uint8_t>(1 + rng() % 255);
        break;
      case 1:  // insert a byte
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(pick(bytes.size() + 1)),
                     static_cast<uint8_t>(rng()));
        break;
      case 2:  // delete a byte
        if (!bytes.empty())
          bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(pick(bytes.size())));
        break;
      case 3:  // truncate
        bytes.resize(pick(bytes.size() + 1));
        break;
      case 4: {  // overwrite a 4-byte-aligned word with an interesting length
        static constexpr uint32_t kValues[] = {0, 1, 0x7fffffff, 0xffffffff, 1u << 20, 1u << 27};
        if (bytes.size() >= 4) {
          size_t at = pick(bytes.size() / 4) * 4;
          uint32_t v = kValues[rng() % std::size(kValues)];
          for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(v >> (8 * i));
        }
        break;
      }
      default:  // set the compression flag
        if (bytes.size() > 12) bytes[12] ^= 1;
        break;
    }
  }
  return bytes;
}

TEST(ReceiptMutationTest, TenThousandMutationsAreRejected) {
  std::mt19937_64 rng(20261122);
  for (bool compress : {false, true}) {
    std::vector<uint8_t> valid =
        EncodeReceipt(testing::MakeFakeReceipt({'o', 'k'}, 0, 256), {.compress_seal = compress});
    int accepted = 0;
    for (int i = 0; i < 5000; ++i) {
      std::vector<uint8_t> mutated = Mutate(valid, rng);
      if (mutated == valid) continue;  // a mutation may undo itself
      stark::VerifyResult result = VerifyReceiptWith(mutated, testing::TestImageId(1), std::nullopt,
                                                     testing::FakeSealVerifier);
      if (result.ok) ++accepted;
      EXPECT_TRUE(result.ok || !result.reason.empty());
    }
    EXPECT_EQ(accepted, 0) << "compressed " << compress;
  }
}

}  // namespace
}  // namespace prova::receipt
