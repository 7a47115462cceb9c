#pragma once

// Moving BabyBear4 values between arrays (one element after another) and PackedBabyBear4 (one
// element per lane), and the batch inversion that runs on the packed form.

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "common/error.h"
#include "verifier/field/extension.h"
#include "verifier/field/packed_babybear.h"

namespace prova {

// in[0..kWidth) as one packed value: lane l holds in[l].
inline PackedBabyBear4 PackExtension(const BabyBear4* in) {
  constexpr size_t kWidth = PackedBabyBear::kWidth;
  std::array<std::array<BabyBear, kWidth>, 4> lanes;
  for (size_t l = 0; l < kWidth; ++l) {
    for (size_t c = 0; c < 4; ++c) lanes[c][l] = in[l].coeff(c);
  }
  return PackedBabyBear4::from_coeffs(
      {PackedBabyBear::from_array(lanes[0]), PackedBabyBear::from_array(lanes[1]),
       PackedBabyBear::from_array(lanes[2]), PackedBabyBear::from_array(lanes[3])});
}

// x in every lane.
inline PackedBabyBear4 Broadcast(const BabyBear4& x) {
  return PackedBabyBear4::from_coeffs({PackedBabyBear(x.coeff(0)), PackedBabyBear(x.coeff(1)),
                                       PackedBabyBear(x.coeff(2)), PackedBabyBear(x.coeff(3))});
}

// The inverse of PackExtension: out[l] = lane l.
inline void UnpackExtension(const PackedBabyBear4& v, BabyBear4* out) {
  constexpr size_t kWidth = PackedBabyBear::kWidth;
  std::array<std::array<BabyBear, kWidth>, 4> lanes;
  for (size_t c = 0; c < 4; ++c) lanes[c] = v.coeff(c).to_array();
  for (size_t l = 0; l < kWidth; ++l) {
    out[l] = BabyBear4::from_coeffs({lanes[0][l], lanes[1][l], lanes[2][l], lanes[3][l]});
  }
}

// out[x] = 1 / in[x] lane by lane, for values already packed: Montgomery's trick with one chain
// per lane, the kWidth chain products inverted one by one. Returns false, leaving out unspecified,
// if a lane of any element is zero.
inline bool batch_inverse_lanes(std::span<const PackedBabyBear4> in,
                                std::span<PackedBabyBear4> out) {
  PROVA_CHECK(in.size() == out.size(), "batch_inverse_lanes: size mismatch");
  PackedBabyBear4 product = PackedBabyBear4::one();
  for (size_t x = 0; x < in.size(); ++x) {
    out[x] = product;  // the prefix product before x
    product = product * in[x];
  }
  std::array<BabyBear4, PackedBabyBear::kWidth> chains;
  UnpackExtension(product, chains.data());
  for (BabyBear4& c : chains) {
    if (c.is_zero()) return false;
    c = c.inverse();
  }
  PackedBabyBear4 inverse = PackExtension(chains.data());
  for (size_t x = in.size(); x-- > 0;) {
    out[x] = out[x] * inverse;
    inverse = inverse * in[x];
  }
  return true;
}

// batch_inverse (monty_field.h) for the extension field, kWidth chains at once: the elements are
// packed kWidth at a time, so lane l runs batch_inverse_lanes' chain over in[l], in[l + kWidth],
// in[l + 2 kWidth], ...; the last in.size() % kWidth elements go through the scalar trick. Every
// element must be non-zero (aborts otherwise).
inline void batch_inverse_packed(std::span<const BabyBear4> in, std::span<BabyBear4> out) {
  constexpr size_t kWidth = PackedBabyBear::kWidth;
  PROVA_CHECK(in.size() == out.size(), "batch_inverse: size mismatch");
  PROVA_CHECK(
      in.empty() || in.data() + in.size() <= out.data() || out.data() + out.size() <= in.data(),
      "batch_inverse: in and out overlap (use batch_inverse_in_place)");
  const size_t groups = in.size() / kWidth;
  if (groups > 0) {
    std::vector<PackedBabyBear4> packed(groups), inverses(groups);
    for (size_t g = 0; g < groups; ++g) packed[g] = PackExtension(&in[g * kWidth]);
    PROVA_CHECK(batch_inverse_lanes(packed, inverses), "batch_inverse: zero element");
    for (size_t g = 0; g < groups; ++g) UnpackExtension(inverses[g], &out[g * kWidth]);
  }
  const size_t done = groups * kWidth;
  if (done < in.size()) batch_inverse<BabyBear4>(in.subspan(done), out.subspan(done));
}

}  // namespace prova
