#include "cli/image_id_argument.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"

namespace prova::cli {

std::array<uint8_t, 32> ParseImageId(std::string_view hex) {
  std::string_view h = hex;
  if (h.size() != 64 || !std::all_of(h.begin(), h.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c));
      })) {
    throw Error(
        "--image-id must be 64 hex digits (a SHA-256 digest, as printed by `prova image-id`), got "
        "'" +
        std::string(hex) + "'");
  }
  std::vector<uint8_t> bytes = FromHex(h);
  std::array<uint8_t, 32> id;
  std::copy(bytes.begin(), bytes.end(), id.begin());
  return id;
}

}  // namespace prova::cli
