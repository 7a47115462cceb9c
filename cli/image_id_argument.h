#pragma once

// Parsing of the image IDs users pass on the command line: 64 hex digits, any case.

#include <array>
#include <cstdint>
#include <string_view>

namespace prova::cli {

// Throws prova::Error with a message naming the expected form.
std::array<uint8_t, 32> ParseImageId(std::string_view hex);

}  // namespace prova::cli
