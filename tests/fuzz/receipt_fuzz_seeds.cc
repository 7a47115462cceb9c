// Writes the seed corpus of receipt_fuzz into a directory: valid receipts with stand-in seals
// (compressed and not, empty and non-empty journals) and, for every real receipt given on the
// command line, that receipt as is and recompressed.
//
//   receipt_fuzz_seeds <out_dir> [real.receipt ...]

#include <cstdio>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"
#include "verifier/receipt/receipt.h"
#include "verifier/receipt/testing.h"

int main(int argc, char** argv) {
  using namespace prova::receipt;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <out_dir> [real.receipt ...]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  int n = 0;
  auto write = [&](const std::vector<uint8_t>& bytes) {
    prova::WriteFileAtomic(dir + "/seed-" + std::to_string(n++) + ".receipt", bytes);
  };
  try {
    for (bool compress : {false, true}) {
      write(EncodeReceipt(testing::MakeFakeReceipt({}, 0, 64), {.compress_seal = compress}));
      write(EncodeReceipt(testing::MakeFakeReceipt({'h', 'i'}, 3, 300), {.compress_seal = compress}));
    }
    for (int i = 2; i < argc; ++i) {
      std::vector<uint8_t> bytes = prova::ReadFileBytes(argv[i]);
      write(bytes);
      Receipt receipt = DecodeReceipt(bytes).receipt;
      write(EncodeReceipt(receipt, {.compress_seal = true}));
      write(EncodeReceipt(receipt, {.compress_seal = false}));
    }
  } catch (const prova::Error& e) {
    std::fprintf(stderr, "receipt_fuzz_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
