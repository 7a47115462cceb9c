#pragma once

// SHA-256 for byte digests (journal digests, claim digests), from OpenSSL. Digests of structured
// data are tagged (domain-separated), so a digest of one kind of object can never be mistaken for
// a digest of another, nor for the plain SHA-256 of some byte string.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace prova::receipt {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::span<const uint8_t> bytes);

// SHA-256(SHA-256(tag) || part_0 || part_1 || ...). Hashing the tag first fixes the length of the
// prefix, so no choice of tag and parts collides with another tag (BIP-340's tagged hashes, and
// RISC Zero's tagged structs, use the same prefix).
Sha256Digest TaggedSha256(std::string_view tag,
                          std::initializer_list<std::span<const uint8_t>> parts);

}  // namespace prova::receipt
