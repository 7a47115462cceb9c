#include "model/dataset.h"

#include <fmt/core.h>
#include <zlib.h>

#include "common/error.h"

namespace prova::model {

IdxData LoadIdx(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files too
  if (!file) throw Error(fmt::format("cannot open {}", path));
  std::vector<uint8_t> data;
  uint8_t buffer[1 << 16];
  int n;
  while ((n = gzread(file, buffer, sizeof(buffer))) > 0)
    data.insert(data.end(), buffer, buffer + n);
  const bool failed = n < 0;
  gzclose(file);
  if (failed) throw Error(fmt::format("{}: decompression failed", path));
  // Magic: two zero bytes, type 0x08 (uint8), number of dimensions.
  if (data.size() < 4 || data[0] != 0 || data[1] != 0 || data[2] != 0x08 || data[3] == 0) {
    throw Error(fmt::format("{}: not a uint8 idx file", path));
  }
  IdxData idx;
  const size_t rank = data[3];
  if (data.size() < 4 + 4 * rank) throw Error(fmt::format("{}: truncated header", path));
  size_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    const uint8_t* p = data.data() + 4 + 4 * i;
    idx.dims.push_back(uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]);
    count *= idx.dims.back();
  }
  if (data.size() != 4 + 4 * rank + count) {
    throw Error(fmt::format("{}: payload has the wrong size", path));
  }
  idx.bytes.assign(data.begin() + 4 + 4 * rank, data.end());
  return idx;
}

}  // namespace prova::model
