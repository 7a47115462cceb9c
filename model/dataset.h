#pragma once

// Reader for the idx files of MNIST-style datasets (optionally gzip-compressed), e.g. Debian's
// dataset-fashion-mnist in /usr/share/datasets/fashion-mnist/.

#include <cstdint>
#include <string>
#include <vector>

namespace prova::model {

struct IdxData {
  std::vector<uint32_t> dims;  // e.g. {10000, 28, 28} for images, {10000} for labels
  std::vector<uint8_t> bytes;  // uint8 payload, row-major
};

// Throws prova::Error on a missing file, a bad header or a payload of the wrong size.
IdxData LoadIdx(const std::string& path);

}  // namespace prova::model
