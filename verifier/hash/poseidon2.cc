#include "verifier/hash/poseidon2.h"

#include "common/error.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace prova::hash {

// Copied from HorizenLabs/poseidon2 at 055bde3f, plain_implementations/src/poseidon2/
// poseidon2_instance_babybear.rs (RC16 rows 0-3 and 17-20, element 0 of rows 4-16, MAT_DIAG16_M_1).
// poseidon2_test.cc compares each list with the vector file.
template <>
const std::array<std::array<uint32_t, 16>, 8> Poseidon2::kExternalRoundConstants = {{
    {1774958255, 1185780729, 1621102414, 1796380621, 588815102, 1932426223, 1925334750, 747903232,
     89648862, 360728943, 977184635, 1425273457, 256487465, 1200041953, 572403254, 448208942},
    {1215789478, 944884184, 953948096, 547326025, 646827752, 889997530, 1536873262, 86189867,
     1065944411, 32019634, 333311454, 456061748, 1963448500, 1827584334, 1391160226, 1348741381},
    {88424255, 104111868, 1763866748, 79691676, 1988915530, 1050669594, 359890076, 573163527,
     222820492, 159256268, 669703072, 763177444, 889367200, 256335831, 704371273, 25886717},
    {51754520, 1833211857, 454499742, 1384520381, 777848065, 1053320300, 1851729162, 344647910,
     401996362, 1046925956, 5351995, 1212119315, 754867989, 36972490, 751272725, 506915399},
    {1922082829, 1870549801, 1502529704, 1990744480, 1700391016, 1702593455, 321330495, 528965731,
     183414327, 1886297254, 1178602734, 1923111974, 744004766, 549271463, 1781349648, 542259047},
    {1536158148, 715456982, 503426110, 340311124, 1558555932, 1226350925, 742828095, 1338992758,
     1641600456, 1843351545, 301835475, 43203215, 386838401, 1520185679, 1235297680, 904680097},
    {1491801617, 1581784677, 913384905, 247083962, 532844013, 107190701, 213827818, 1979521776,
     1358282574, 1681743681, 1867507480, 1530706910, 507181886, 695185447, 1172395131, 1250800299},
    {1503161625, 817684387, 498481458, 494676004, 1404253825, 108246855, 59414691, 744214112,
     890862029, 1342765939, 1417398904, 1897591937, 1066647396, 1682806907, 1015795079, 1619482808},
}};

template <>
const std::array<uint32_t, 13> Poseidon2::kInternalRoundConstants = {
    1518359488, 1765533241, 945325693, 422793067, 311365592, 1311448267, 1629555936,
    1009879353, 190525218,  786108885, 557776863, 212616710, 605745517};

template <>
const std::array<uint32_t, 16> Poseidon2::kInternalDiagonalMinusOne = {
    174271892, 1840666551, 1459346590, 86719882,  863261185,  1543704716, 199992187, 629943947,
    302161721, 1766394318, 1831016228, 566473250, 1007223973, 30846170,   661675139, 1378994178};

namespace {

// The internal diagonal's entries as the rounds multiply by them: scalars for BabyBear, factors
// prepared for Shoup's product for a packed type (four multiplications instead of six).
template <typename F>
struct DiagonalFactor {
  using Type = BabyBear;
  static Type Make(BabyBear d) { return d; }
};
template <typename F>
requires requires { typename F::Prepared; }
struct DiagonalFactor<F> {
  using Type = typename F::Prepared;
  static Type Make(BabyBear d) { return Type(F(d)); }
};

// The constants converted once into the field type F (BabyBear or its packed twin), so that the
// rounds do no conversion. The round constants are kept negated: the S-box of x + c is taken as
// that of x - (-c), which the packed type computes without reducing the difference
// (difference_pow7).
template <typename P, typename F>
struct RoundConstants {
  std::array<std::array<F, P::kWidth>, P::kFullRounds> negated_external;
  std::array<F, P::kPartialRounds> negated_internal;
  std::array<typename DiagonalFactor<F>::Type, P::kWidth> diagonal_minus_one;

  RoundConstants() {
    for (size_t r = 0; r < P::kFullRounds; ++r) {
      for (size_t i = 0; i < P::kWidth; ++i) {
        negated_external[r][i] = F(-BabyBear::from_canonical(P::kExternalRoundConstants[r][i]));
      }
    }
    for (size_t r = 0; r < P::kPartialRounds; ++r) {
      negated_internal[r] = F(-BabyBear::from_canonical(P::kInternalRoundConstants[r]));
    }
    for (size_t i = 0; i < P::kWidth; ++i) {
      diagonal_minus_one[i] =
          DiagonalFactor<F>::Make(BabyBear::from_canonical(P::kInternalDiagonalMinusOne[i]));
    }
  }
};

template <typename P, typename F>
const RoundConstants<P, F>& Constants() {
  static const RoundConstants<P, F> constants;
  return constants;
}

// (x - negated_c)^7.
template <typename F>
inline F SboxOfSum(F x, F negated_c) {
  if constexpr (requires { F::difference_pow7(x, negated_c); }) {
    return F::difference_pow7(x, negated_c);  // the packed type's own
  } else {
    const F y = x - negated_c;
    const F y2 = y * y;
    return (y2 * y) * (y2 * y2);
  }
}

// Multiplication by M4 = [[5,7,1,3],[4,6,1,1],[1,3,5,7],[1,1,4,6]] with the reference addition
// chain (8 additions, 4 doublings, no multiplication).
template <typename F>
inline void MultiplyByM4(F* x) {
  F t0 = x[0] + x[1];
  F t1 = x[2] + x[3];
  F t2 = x[1] + x[1] + t1;
  F t3 = x[3] + x[3] + t0;
  F t1_2 = t1 + t1;
  F t0_2 = t0 + t0;
  F t4 = t1_2 + t1_2 + t3;
  F t5 = t0_2 + t0_2 + t2;
  F t6 = t3 + t5;
  F t7 = t2 + t4;
  x[0] = t6;
  x[1] = t5;
  x[2] = t7;
  x[3] = t4;
}

// M_E = circ(2 M4, M4, ..., M4): M4 on each block of 4, then add the column sums across blocks.
template <typename F, size_t W>
inline void ExternalLayer(std::array<F, W>& s) {
  for (size_t k = 0; k < W; k += 4) MultiplyByM4(&s[k]);
  for (size_t l = 0; l < 4; ++l) {
    F sum = s[l];
    for (size_t k = 4; k < W; k += 4) sum = sum + s[k + l];
    for (size_t k = 0; k < W; k += 4) s[k + l] = s[k + l] + sum;
  }
}

// The sum of x[0..n) as a balanced tree.
template <size_t N, typename F>
inline F TreeSum(const F* x) {
  if constexpr (N == 1) {
    return x[0];
  } else {
    return TreeSum<N / 2>(x) + TreeSum<N - N / 2>(x + N / 2);
  }
}

// M_I = J + diag(mu - 1): every element becomes x_i * (mu_i - 1) + sum of all elements.
template <typename P, typename F>
inline void InternalLayer(std::array<F, P::kWidth>& s, const RoundConstants<P, F>& c) {
  // The sum of s[1..W) as a balanced tree does not wait for the S-box on s[0], so the partial
  // round's critical path is the S-box, not W - 1 dependent additions.
  const F sum = TreeSum<P::kWidth - 1>(&s[1]) + s[0];
  for (size_t i = 0; i < P::kWidth; ++i) s[i] = s[i] * c.diagonal_minus_one[i] + sum;
}

template <typename P, typename F>
inline void FullRoundImpl(std::array<F, P::kWidth>& s, const RoundConstants<P, F>& c,
                          size_t round) {
  if constexpr (requires { F::difference_pow7_x4(s.data(), s.data()); }) {
    // The packed type's S-boxes four at a time, interleaved (difference_pow7_x4).
    for (size_t i = 0; i < P::kWidth; i += 4) {
      F::difference_pow7_x4(&s[i], &c.negated_external[round][i]);
    }
  } else {
    for (size_t i = 0; i < P::kWidth; ++i) {
      s[i] = SboxOfSum(s[i], c.negated_external[round][i]);
    }
  }
  ExternalLayer(s);
}

template <typename P, typename F>
inline void PartialRoundImpl(std::array<F, P::kWidth>& s, const RoundConstants<P, F>& c,
                             size_t round) {
  s[0] = SboxOfSum(s[0], c.negated_internal[round]);
  InternalLayer(s, c);
}

template <typename P, typename F>
void PermuteImpl(std::array<F, P::kWidth>& s) {
  const RoundConstants<P, F>& c = Constants<P, F>();
  ExternalLayer(s);
  for (size_t r = 0; r < P::kHalfFullRounds; ++r) FullRoundImpl(s, c, r);
  for (size_t r = 0; r < P::kPartialRounds; ++r) PartialRoundImpl(s, c, r);
  for (size_t r = P::kHalfFullRounds; r < P::kFullRounds; ++r) FullRoundImpl(s, c, r);
}

#if defined(__AVX2__)
// One permutation with its 16 elements in two AVX2 registers, for the verifier and the other
// callers that hash one input at a time (about 3x the plain scalar code). AVX-512 builds use it
// too, on the AVX2 lanes: the plain code is what they would otherwise run. The layout puts
// position l of every block of 4 in one 128-bit half:
//   x = [s0 s4 s8 s12 | s1 s5 s9 s13],  y = [s2 s6 s10 s14 | s3 s7 s11 s15],
// so that M4 runs on all four blocks at once and the S-box of the partial rounds (on s0) is lane 0
// of x. Lane (4 j + k) of x holds s[4 k + j], of y s[4 k + j + 2].
namespace single {

using Packed = BasicPackedMontyField31<BabyBearParams, MontyLanesAvx2<BabyBearParams>>;

constexpr size_t Position(size_t lane, bool in_y) {
  return 4 * (lane % 4) + lane / 4 + (in_y ? 2 : 0);
}

Packed Wrap(__m256i v) { return Packed::from_vector(v); }
__m256i SwapHalves(__m256i v) { return _mm256_permute2x128_si256(v, v, 0x01); }
// Every lane of each 128-bit half becomes the sum of that half.
Packed HalfSums(Packed v) {
  const Packed a = v + Wrap(_mm256_shuffle_epi32(v.vector(), 0x4E));  // + [2 3 0 1]
  return a + Wrap(_mm256_shuffle_epi32(a.vector(), 0xB1));            // + [1 0 3 2]
}

struct LayoutConstants {
  // Negated, as in RoundConstants.
  std::array<Packed, Poseidon2::kFullRounds> negated_external_x, negated_external_y;
  std::array<Packed, Poseidon2::kPartialRounds> negated_internal;  // in lane 0, zeros elsewhere
  Packed::Prepared diagonal_x, diagonal_y;

  LayoutConstants() {
    const auto& c = Constants<Poseidon2, BabyBear>();
    auto in_layout = [](const std::array<BabyBear, Poseidon2::kWidth>& s, bool in_y) {
      std::array<BabyBear, 8> lanes;
      for (size_t lane = 0; lane < 8; ++lane) lanes[lane] = s[Position(lane, in_y)];
      return Packed::from_array(lanes);
    };
    for (size_t r = 0; r < Poseidon2::kFullRounds; ++r) {
      negated_external_x[r] = in_layout(c.negated_external[r], false);
      negated_external_y[r] = in_layout(c.negated_external[r], true);
    }
    for (size_t r = 0; r < Poseidon2::kPartialRounds; ++r) {
      std::array<BabyBear, 8> lanes{};
      lanes[0] = c.negated_internal[r];
      negated_internal[r] = Packed::from_array(lanes);
    }
    diagonal_x = Packed::Prepared(in_layout(c.diagonal_minus_one, false));
    diagonal_y = Packed::Prepared(in_layout(c.diagonal_minus_one, true));
  }
};

const LayoutConstants& GetLayoutConstants() {
  static const LayoutConstants constants;
  return constants;
}

// M_E: M4 on each block, then every element plus the sum of its position over the blocks. With
// v_l = position l of the four blocks, x = [v0 | v1] and y = [v2 | v3], M4's addition chain
// (MultiplyByM4) runs on pairs of halves.
void ExternalLayer(Packed& x, Packed& y) {
  const __m256i xv = x.vector(), yv = y.vector();
  const Packed t01 = x + Wrap(SwapHalves(xv));                       // [t0 | t0], t0 = v0 + v1
  const Packed t11 = y + Wrap(SwapHalves(yv));                       // [t1 | t1], t1 = v2 + v3
  const Packed odd = Wrap(_mm256_permute2x128_si256(yv, xv, 0x31));  // [v3 | v1]
  const Packed t0t1 =
      Wrap(_mm256_permute2x128_si256(t01.vector(), t11.vector(), 0x30));  // [t0 | t1]
  const Packed t3t2 = odd + odd + t0t1;                                   // [t3 | t2]
  const Packed t0t1_2 = t0t1 + t0t1;
  const Packed t5t4 = t0t1_2 + t0t1_2 + Wrap(SwapHalves(t3t2.vector()));  // [t5 | t4]
  const Packed t6t7 = t3t2 + t5t4;                                        // [t6 | t7]
  // M4 x = [t6, t5, t7, t4] per block: x = [t6 | t5], y = [t7 | t4].
  x = Wrap(_mm256_permute2x128_si256(t6t7.vector(), t5t4.vector(), 0x20));
  y = Wrap(_mm256_permute2x128_si256(t6t7.vector(), t5t4.vector(), 0x31));
  x = x + HalfSums(x);
  y = y + HalfSums(y);
}

void Permute(Poseidon2::State& state) {
  const LayoutConstants& c = GetLayoutConstants();
  std::array<BabyBear, 8> lx, ly;
  for (size_t lane = 0; lane < 8; ++lane) {
    lx[lane] = state[Position(lane, false)];
    ly[lane] = state[Position(lane, true)];
  }
  Packed x = Packed::from_array(lx), y = Packed::from_array(ly);
  auto full_round = [&](size_t r) {
    x = Packed::difference_pow7(x, c.negated_external_x[r]);
    y = Packed::difference_pow7(y, c.negated_external_y[r]);
    ExternalLayer(x, y);
  };
  ExternalLayer(x, y);
  for (size_t r = 0; r < Poseidon2::kHalfFullRounds; ++r) full_round(r);
  for (size_t r = 0; r < Poseidon2::kPartialRounds; ++r) {
    // Lane 0 becomes (s0 + c)^7; the other lanes keep their values (their constant is zero).
    const Packed powered = Packed::difference_pow7(x, c.negated_internal[r]);
    x = Wrap(_mm256_blend_epi32(x.vector(), powered.vector(), 0x01));
    // M_I: every element times its diagonal entry minus one, plus the sum of all 16.
    const Packed sums = HalfSums(x + y);
    const Packed total = sums + Wrap(SwapHalves(sums.vector()));
    x = x * c.diagonal_x + total;
    y = y * c.diagonal_y + total;
  }
  for (size_t r = Poseidon2::kHalfFullRounds; r < Poseidon2::kFullRounds; ++r) full_round(r);
  lx = x.to_array();
  ly = y.to_array();
  for (size_t lane = 0; lane < 8; ++lane) {
    state[Position(lane, false)] = lx[lane];
    state[Position(lane, true)] = ly[lane];
  }
}

}  // namespace single
#endif

}  // namespace

template <size_t W, size_t P>
void Poseidon2Instance<W, P>::Permute(State& state) {
#if defined(__AVX2__)
  if constexpr (W == 16) {
    single::Permute(state);
    return;
  }
#endif
  PermuteImpl<Poseidon2Instance>(state);
}

template <size_t W, size_t P>
void Poseidon2Instance<W, P>::Permute(PackedState& state) {
  PermuteImpl<Poseidon2Instance>(state);
}

template <size_t W, size_t P>
void Poseidon2Instance<W, P>::ExternalLinearLayer(State& state) {
  ExternalLayer(state);
}

template <size_t W, size_t P>
void Poseidon2Instance<W, P>::FullRound(State& state, size_t round) {
  PROVA_CHECK(round < kFullRounds, "full round index out of range");
  FullRoundImpl(state, Constants<Poseidon2Instance, BabyBear>(), round);
}

template <size_t W, size_t P>
void Poseidon2Instance<W, P>::PartialRound(State& state, size_t round) {
  PROVA_CHECK(round < kPartialRounds, "partial round index out of range");
  PartialRoundImpl(state, Constants<Poseidon2Instance, BabyBear>(), round);
}

template class Poseidon2Instance<16, 13>;

}  // namespace prova::hash
