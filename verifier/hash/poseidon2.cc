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

// Copied from HorizenLabs/poseidon2 at bb476b9c (the commit whose width-16 constants the vector
// file holds), plain_implementations/src/poseidon2/poseidon2_instance_babybear.rs: RC24 rows 0-3
// and 25-28, element 0 of rows 4-24, MAT_DIAG24_M_1, in the reference's hexadecimal. The
// reference's known-answer test (poseidon2_test.cc) checks them.
template <>
const std::array<std::array<uint32_t, 24>, 8> Poseidon2Wide::kExternalRoundConstants = {{
    {0x0fa20c37, 0x0795bb97, 0x12c60b9c, 0x0eabd88e, 0x096485ca, 0x07093527,
     0x1b1d4e50, 0x30a01ace, 0x3bd86f5a, 0x69af7c28, 0x3f94775f, 0x731560e8,
     0x465a0ecd, 0x574ef807, 0x62fd4870, 0x52ccfe44, 0x14772b14, 0x4dedf371,
     0x260acd7c, 0x1f51dc58, 0x75125532, 0x686a4d7b, 0x54bac179, 0x31947706},
    {0x29799d3b, 0x6e01ae90, 0x203a7a64, 0x4f7e25be, 0x72503f77, 0x45bd3b69,
     0x769bd6b4, 0x5a867f08, 0x4fdba082, 0x251c4318, 0x28f06201, 0x6788c43a,
     0x4c6d6a99, 0x357784a8, 0x2abaf051, 0x770f7de6, 0x1794b784, 0x4796c57a,
     0x724b7a10, 0x449989a7, 0x64935cf1, 0x59e14aac, 0x0e620bb8, 0x3af5a33b},
    {0x4465cc0e, 0x019df68f, 0x4af8d068, 0x08784f82, 0x0cefdeae, 0x6337a467,
     0x32fa7a16, 0x486f62d6, 0x386a7480, 0x20f17c4a, 0x54e50da8, 0x2012cf03,
     0x5fe52950, 0x09afb6cd, 0x2523044e, 0x5c54d0ef, 0x71c01f3c, 0x60b2c4fb,
     0x4050b379, 0x5e6a70a5, 0x418543f5, 0x71debe56, 0x1aad2994, 0x3368a483},
    {0x07a86f3a, 0x5ea43ff1, 0x2443780e, 0x4ce444f7, 0x146f9882, 0x3132b089,
     0x197ea856, 0x667030c3, 0x2317d5dc, 0x0c2c48a7, 0x56b2df66, 0x67bd81e9,
     0x4fcdfb19, 0x4baaef32, 0x0328d30a, 0x6235760d, 0x12432912, 0x0a49e258,
     0x030e1b70, 0x48caeb03, 0x49e4d9e9, 0x1051b5c6, 0x6a36dbbe, 0x4cff27a5},
    {0x032959ad, 0x2b18af6a, 0x55d3dc8c, 0x43bd26c8, 0x0c41595f, 0x7048d2e2,
     0x00db8983, 0x2af563d7, 0x6e84758f, 0x611d64e1, 0x1f9977e2, 0x64163a0a,
     0x5c5fc27b, 0x02e22561, 0x3a2d75db, 0x1ba7b71a, 0x34343f64, 0x7406b35d,
     0x19df8299, 0x6ff4480a, 0x514a81c8, 0x57ab52ce, 0x6ad69f52, 0x3e0c0e0d},
    {0x48126114, 0x2a9d62cc, 0x17441f23, 0x485762bb, 0x2f218674, 0x06fdc64a,
     0x0861b7f2, 0x3b36eee6, 0x70a11040, 0x04b31737, 0x3722a872, 0x2a351c63,
     0x623560dc, 0x62584ab2, 0x382c7c04, 0x3bf9edc7, 0x0e38fe51, 0x376f3b10,
     0x5381e178, 0x3afc61c7, 0x5c1bcb4d, 0x6643ce1f, 0x2d0af1c1, 0x08f583cc},
    {0x5d6ff60f, 0x6324c1e5, 0x74412fb7, 0x70c0192e, 0x0b72f141, 0x4067a111,
     0x57388c4f, 0x351009ec, 0x0974c159, 0x539a58b3, 0x038c0cff, 0x476c0392,
     0x3f7bc15f, 0x4491dd2c, 0x4d1fef55, 0x04936ae3, 0x58214dd4, 0x683c6aad,
     0x1b42f16b, 0x6dc79135, 0x2d4e71ec, 0x3e2946ea, 0x59dce8db, 0x6cee892a},
    {0x47f07350, 0x7106ce93, 0x3bd4a7a9, 0x2bfe636a, 0x430011e9, 0x001cd66a,
     0x307faf5b, 0x0d9ef3fe, 0x6d40043a, 0x2e8f470c, 0x1b6865e8, 0x0c0e6c01,
     0x4d41981f, 0x423b9d3d, 0x410408cc, 0x263f0884, 0x5311bbd0, 0x4dae58d8,
     0x30401cea, 0x09afa575, 0x4b3d5b42, 0x63ac0b37, 0x5fe5bb14, 0x5244e9d4},
}};

template <>
const std::array<uint32_t, 21> Poseidon2Wide::kInternalRoundConstants = {
    0x1da78ec2, 0x730b0924, 0x3eb56cf3, 0x5bd93073, 0x37204c97, 0x51642d89, 0x66e943e8,
    0x1a3e72de, 0x70beb1e9, 0x30ff3b3f, 0x4240d1c4, 0x12647b8d, 0x65d86965, 0x49ef4d7c,
    0x47785697, 0x46b3969f, 0x5c7b7a0e, 0x7078fc60, 0x4f22d482, 0x482a9aee, 0x6beb839d};

template <>
const std::array<uint32_t, 24> Poseidon2Wide::kInternalDiagonalMinusOne = {
    0x409133f0, 0x1667a8a1, 0x06a6c7b6, 0x6f53160e, 0x273b11d1, 0x03176c5d, 0x72f9bbf9, 0x73ceba91,
    0x5cdef81d, 0x01393285, 0x46daee06, 0x065d7ba6, 0x52d72d6f, 0x05dd05e0, 0x3bab4b63, 0x6ada3842,
    0x2fc5fbec, 0x770d61b0, 0x5715aae9, 0x03ef0e90, 0x75b6c770, 0x242adf5f, 0x00d0ca4c, 0x36c0e388};

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
template class Poseidon2Instance<24, 21>;

}  // namespace prova::hash
