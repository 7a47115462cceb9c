// libFuzzer target: deserialise and verify a receipt. Any input must be rejected with a reason or
// accepted, never crash, leak or trip ASan/UBSan. To reach past the image-ID check into the
// journal, claim and seal checks, the expected image ID and journal are taken from the input's
// own claim when it decodes; the fake-seal path (a seal that is a function of the claim) reaches
// the claim checks for inputs whose seal is not a real proof.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/error.h"
#include "verifier/receipt/receipt.h"
#include "verifier/receipt/testing.h"
#include "verifier/receipt/verify_receipt.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace prova::receipt;
  std::span<const uint8_t> bytes(data, size);
  std::optional<DecodedReceipt> decoded;
  try {
    decoded = DecodeReceipt(bytes);
  } catch (const prova::Error&) {
  }
  Sha256Digest image_id{};
  if (decoded) image_id = decoded->receipt.claim.image_id;

  prova::stark::VerifyResult real = VerifyReceipt(bytes, image_id, std::nullopt);
  Check(real.ok || !real.reason.empty());
  if (decoded) {
    // A decoded receipt re-encodes to the same bytes when uncompressed (canonical encoding).
    if (!decoded->seal_compressed) {
      std::vector<uint8_t> again = EncodeReceipt(decoded->receipt);
      Check(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()));
    }
    std::span<const uint8_t> journal = decoded->receipt.journal;
    prova::stark::VerifyResult with_journal = VerifyReceipt(bytes, image_id, journal);
    Check(with_journal.ok == real.ok);
    prova::stark::VerifyResult fake =
        VerifyReceiptWith(bytes, image_id, journal, prova::receipt::testing::FakeSealVerifier);
    Check(fake.ok || !fake.reason.empty());
  }
  return 0;
}
