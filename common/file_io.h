#pragma once

// Whole-file reads and crash-safe whole-file writes (write to a temporary, fsync, rename), so a
// receipt or upload on disk is either complete or absent, never half-written.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace prova {

// Reads a whole file. Throws prova::Error naming the path and the reason. Files larger than
// max_bytes are rejected before they are read.
std::vector<uint8_t> ReadFileBytes(const std::string& path, uint64_t max_bytes = 1ull << 32);

// Writes bytes to path atomically. Throws prova::Error naming the path and the reason.
void WriteFileAtomic(const std::string& path, std::span<const uint8_t> bytes);

// Lowercase hex, the form every public identifier takes on the command line.
std::string ToHex(std::span<const uint8_t> bytes);
// Parses lowercase or uppercase hex; throws prova::Error on odd length or a non-hex digit.
std::vector<uint8_t> FromHex(std::string_view hex);

}  // namespace prova
