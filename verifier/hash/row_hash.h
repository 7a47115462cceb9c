#pragma once

// The hash of a row of field elements (every Merkle leaf, and every shorter matrix's row that a
// node takes in): SHA-256 of the elements' canonical values, each as 4 little-endian bytes, in
// order; its 32 bytes read as 8 little-endian 32-bit words, each reduced mod p, are the 8-element
// Digest that the Poseidon2 nodes (sponge.h, Compress) take. Rows are long and many: every row of
// every committed matrix's low-degree extension. OpenSSL's SHA-256, with the CPU's SHA extensions,
// hashes them about 2.2 times faster than the width-24 Poseidon2 construction it replaced.
// Construction, security and the trade-off: verifier/hash/README.md ("Rows of field elements").
// Should OpenSSL fail, the hashers throw prova::Error with OpenSSL's reason.

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <span>

#include "verifier/field/babybear.h"
#include "verifier/hash/sponge.h"

namespace prova::hash {

// Incremental RowHash: Absorb the row's parts in order, then Finalize, which also starts the next
// row. One OpenSSL context serves every row a hasher hashes, so keep one per thread, not per row.
class RowHasher {
 public:
  RowHasher();
  RowHasher(const RowHasher&) = delete;
  RowHasher& operator=(const RowHasher&) = delete;

  void Absorb(std::span<const BabyBear> elements);
  // Elements already converted to their canonical values (CanonicalValues).
  void AbsorbCanonical(std::span<const uint32_t> values);
  Digest Finalize();

 private:
  struct FreeContext {
    void operator()(EVP_MD_CTX* context) const;
  };
  std::unique_ptr<EVP_MD_CTX, FreeContext> context_;
};

Digest RowHash(std::span<const BabyBear> elements);

// out[i] = elements[i].as_canonical(), with the packed field (out.size() >= elements.size()).
void CanonicalValues(std::span<const BabyBear> elements, std::span<uint32_t> out);

}  // namespace prova::hash
