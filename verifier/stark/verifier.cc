#include "verifier/stark/verifier.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "verifier/air/logup.h"
#include "verifier/air/verifier_folder.h"
#include "verifier/fri/fri.h"
#include "verifier/merkle/merkle_verifier.h"

namespace prova::stark {

void ObserveInstance(transcript::DuplexChallenger& challenger, const StarkConfig& config,
                     std::span<const TableLayout> layouts,
                     std::span<const std::vector<BabyBear>> public_values) {
  challenger.ObserveLabel("prova.stark.v1");
  for (size_t x : {config.fri.log_blowup, config.fri.log_arity, config.fri.log_final_poly_len,
                   config.fri.num_queries, config.fri.pow_bits,
                   size_t{config.zero_knowledge ? 1u : 0u}, config.salt_elements, layouts.size()}) {
    challenger.Observe(BabyBear::from_u64(x));
  }
  for (size_t t = 0; t < layouts.size(); ++t) {
    const TableLayout& l = layouts[t];
    for (size_t x : {l.log_height, l.preprocessed_width, l.main_width, l.aux_width,
                     l.num_constraints, public_values[t].size()}) {
      challenger.Observe(BabyBear::from_u64(x));
    }
    challenger.Observe(std::span<const BabyBear>(public_values[t]));
  }
}

BabyBear4 SampleOutOfDomainPoint(transcript::DuplexChallenger& challenger, size_t max_log_lift) {
  auto usable = [max_log_lift](BabyBear4 z) {
    for (size_t k = 0; k <= max_log_lift; ++k, z = z * z) {
      if (z.is_in_base()) return false;
    }
    return true;
  };
  BabyBear4 zeta = challenger.SampleExtension();
  while (!usable(zeta)) zeta = challenger.SampleExtension();
  return zeta;
}

BabyBear4 TablePoint(const BabyBear4& zeta, size_t log_lift) {
  BabyBear4 z = zeta;
  BabyBear shift_power = fri::DomainShift();
  for (size_t k = 0; k < log_lift; ++k) {
    z = z * z;
    shift_power = shift_power * shift_power;
  }
  return z * (fri::DomainShift() * shift_power.inverse());
}

BabyBear NextRowRoot(size_t log_height, size_t log_lift) {
  return BabyBear::two_adic_generator(static_cast<uint32_t>(log_height + log_lift));
}

BabyBear4 FromBaseColumns(std::span<const BabyBear4> values) {
  BabyBear4 acc = BabyBear4::zero();
  for (size_t c = values.size(); c-- > 0;) acc = acc * BabyBear4::x() + values[c];
  return acc;
}

std::vector<BabyBear4> ExtColumnValues(std::span<const BabyBear4> base_values) {
  std::vector<BabyBear4> out(base_values.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) out[i] = FromBaseColumns(base_values.subspan(4 * i, 4));
  return out;
}

void AppendBaseWeights(std::span<const BabyBear4> ext_weights, std::vector<BabyBear4>* weights) {
  for (const BabyBear4& w : ext_weights) {
    BabyBear4 weight = w;
    for (size_t c = 0; c < 4; ++c, weight = weight * BabyBear4::x()) weights->push_back(weight);
  }
}

namespace {

void Expect(bool condition, const std::string& reason) {
  if (!condition) throw Error(reason);
}

// One table's part of the DEEP quotient at a query point x of the largest LDE, with the weights
// fixed by the transcript: gamma^j for the j-th of its C opened values at the table's point (a
// base column, or an extension column whose base columns get gamma^j X^c), gamma^(C + j) for the
// same column at its next row if it is opened there. The sum over the columns at the point is
// divided by x - zeta, the one at the next row by x - zeta w (lifting, docs/stark.md section 2).
// Every query uses the same weights, so they and the opened values' sums are computed once; a
// query costs one extension-by-base product per opened base column.
struct DeepTable {
  static constexpr size_t kRounds = 3;  // preprocessed, main, auxiliary
  static constexpr std::array<bool, kRounds> kExtRound = {false, false, true};
  std::array<size_t, kRounds> widths{};  // base columns
  std::vector<BabyBear4> powers;         // per base column at the point, round after round
  // The base columns opened at the next row in each round.
  std::array<std::vector<uint32_t>, kRounds> next_columns;
  BabyBear4 next_factor;  // gamma^C
  BabyBear4 value_zeta, value_next;
  // value_zeta (value_next) minus the same weighted sum of the values opened at zeta' (zeta' w):
  // a query's numerators at zeta' are its numerators at zeta plus these.
  BabyBear4 zeta_delta, next_delta;

  // Takes the next 2C powers of gamma from *gamma_power. o: the openings at zeta, o2 at zeta'.
  DeepTable(const TableOpenings& o, const TableOpenings& o2, const TableLayout& l,
            BabyBear4* gamma_power, const BabyBear4& gamma)
      : widths{l.preprocessed_width, l.main_width, l.aux_base_width()},
        next_columns{l.preprocessed_next_columns, l.main_next_columns,
                     BaseColumnsOf(l.aux_next_columns)} {
    const BabyBear4 start = *gamma_power;
    value_zeta = value_next = BabyBear4::zero();
    BabyBear4 value_zeta2 = BabyBear4::zero(), value_next2 = BabyBear4::zero();
    const std::array<std::span<const BabyBear4>, kRounds> at_point = {o.preprocessed_local,
                                                                      o.main_local, o.aux_local};
    const std::array<std::span<const BabyBear4>, kRounds> at_next = {o.preprocessed_next,
                                                                     o.main_next, o.aux_next};
    const std::array<std::span<const BabyBear4>, kRounds> at_point2 = {o2.preprocessed_local,
                                                                       o2.main_local, o2.aux_local};
    const std::array<std::span<const BabyBear4>, kRounds> at_next2 = {o2.preprocessed_next,
                                                                      o2.main_next, o2.aux_next};
    // The columns (of the opened values) at the next row: base or extension.
    const std::array<std::span<const uint32_t>, kRounds> next_value_columns = {
        l.preprocessed_next_columns, l.main_next_columns, l.aux_next_columns};
    std::array<std::vector<BabyBear4>, kRounds> weights;
    for (size_t r = 0; r < kRounds; ++r) {
      for (size_t j = 0; j < at_point[r].size(); ++j) {
        weights[r].push_back(*gamma_power);
        value_zeta = value_zeta + *gamma_power * at_point[r][j];
        value_zeta2 = value_zeta2 + *gamma_power * at_point2[r][j];
        *gamma_power = *gamma_power * gamma;
      }
      if (kExtRound[r]) {
        AppendBaseWeights(weights[r], &powers);
      } else {
        powers.insert(powers.end(), weights[r].begin(), weights[r].end());
      }
    }
    next_factor = *gamma_power * start.inverse();
    *gamma_power = *gamma_power * next_factor;
    for (size_t r = 0; r < kRounds; ++r) {
      for (size_t j = 0; j < next_value_columns[r].size(); ++j) {
        value_next = value_next + weights[r][next_value_columns[r][j]] * at_next[r][j];
        value_next2 = value_next2 + weights[r][next_value_columns[r][j]] * at_next2[r][j];
      }
    }
    value_next = next_factor * value_next;
    zeta_delta = value_zeta - value_zeta2;
    next_delta = value_next - next_factor * value_next2;
  }

  // (sum at the point, sum at the next row) for the query's rows, before the divisions.
  std::pair<BabyBear4, BabyBear4> Sums(
      const std::array<std::span<const BabyBear>, kRounds>& rows) const {
    std::array<BabyBear, 4> at_point{}, at_next{};
    size_t k = 0;
    for (size_t r = 0; r < kRounds; ++r) {
      if (rows[r].size() != widths[r]) Expect(false, "opened rows do not match the opened values");
      for (const uint32_t c : next_columns[r]) {
        for (size_t i = 0; i < 4; ++i) at_next[i] += rows[r][c] * powers[k + c].coeff(i);
      }
      for (const BabyBear& x : rows[r]) {
        for (size_t i = 0; i < 4; ++i) at_point[i] += x * powers[k].coeff(i);
        ++k;
      }
    }
    return {BabyBear4::from_coeffs(at_point) - value_zeta,
            next_factor * BabyBear4::from_coeffs(at_next) - value_next};
  }
};

// The full next row for the constraint folder: the opened columns, zero where the constraints
// do not read it.
std::vector<BabyBear4> FullRow(std::span<const BabyBear4> opened, std::span<const uint32_t> columns,
                               size_t width) {
  std::vector<BabyBear4> row(width, BabyBear4::zero());
  for (size_t j = 0; j < columns.size(); ++j) row[columns[j]] = opened[j];
  return row;
}

void VerifyOrThrow(const VerifyingKey& vk, std::span<const Table* const> tables,
                   std::span<const std::vector<BabyBear>> public_values, const StarkProof& proof) {
  const StarkConfig& config = vk.config;
  Validate(config);
  const size_t num_tables = tables.size();
  Expect(num_tables > 0 && num_tables <= kMaxTables, "unsupported number of tables");
  Expect(public_values.size() == num_tables, "one public-value vector per table is required");
  Expect(vk.preprocessed_log_heights.size() == num_tables, "verifying key does not match tables");
  Expect(proof.log_heights.size() == num_tables, "proof has the wrong number of tables");
  Expect(proof.openings.size() == num_tables, "proof has the wrong number of table openings");
  Expect(proof.cumulative_sums.size() == num_tables, "proof has the wrong number of sums");

  std::vector<TableLayout> layouts;
  bool any_preprocessed = false, any_aux = false;
  for (size_t t = 0; t < num_tables; ++t) {
    layouts.push_back(MakeLayout(*tables[t], proof.log_heights[t], config));
    const TableLayout& l = layouts.back();
    Expect(public_values[t].size() == l.num_public_values,
           "table '" + std::string(tables[t]->name()) + "': wrong number of public values");
    if (l.preprocessed_width > 0) {
      any_preprocessed = true;
      Expect(
          vk.preprocessed_log_heights[t] == l.log_height,
          "table '" + std::string(tables[t]->name()) + "': height differs from its fixed columns");
    }
    if (l.aux_width > 0) any_aux = true;
  }
  Expect(any_preprocessed == vk.preprocessed_root.has_value(), "verifying key does not match");
  Expect(proof.has_aux == any_aux, "auxiliary commitment present/absent unexpectedly");
  static_assert(kOutOfDomainPoints == 2, "a proof carries openings and second_openings");
  Expect(proof.second_openings.size() == num_tables,
         "proof has the wrong number of table openings");
  for (size_t k = 0; k < 2 * num_tables; ++k) {
    const size_t t = k % num_tables;
    const bool second = k >= num_tables;
    const TableLayout& l = layouts[t];
    const TableOpenings& o = second ? proof.second_openings[t] : proof.openings[t];
    const std::string name(tables[t]->name());
    Expect(o.preprocessed_local.size() == l.preprocessed_width &&
               o.preprocessed_next.size() == l.preprocessed_next_columns.size(),
           "table '" + name + "': wrong number of preprocessed openings");
    Expect(o.main_local.size() == l.main_width && o.main_next.size() == l.main_next_columns.size(),
           "table '" + name + "': wrong number of main openings");
    Expect(o.aux_local.size() == l.aux_width && o.aux_next.size() == l.aux_next_columns.size(),
           "table '" + name + "': wrong number of auxiliary openings");
    if (l.aux_width == 0 && !second) {
      Expect(proof.cumulative_sums[t] == BabyBear4::zero(),
             "table '" + name + "': cumulative sum without interactions");
    }
  }
  // FRI tests one codeword: every table's DEEP quotient lifted to the largest LDE.
  const FriInput fri_input = PlanFriInput(layouts);
  const size_t log_max = fri_input.log_size;
  const QuotientPlan quotient_plan = PlanQuotient(fri_input, layouts, config);
  Expect(proof.quotient_opening.size() == kOutOfDomainPoints * quotient_plan.num_chunks,
         "wrong number of quotient openings");
  Expect(proof.mask_opening.size() == (config.zero_knowledge ? kOutOfDomainPoints : 0u),
         "wrong number of mask openings");

  // The transcript, in the prover's order.
  transcript::DuplexChallenger challenger;
  ObserveInstance(challenger, config, layouts, public_values);
  if (vk.preprocessed_root) challenger.Observe(*vk.preprocessed_root);
  challenger.Observe(proof.main_root);
  std::vector<BabyBear4> lookup_challenges;
  if (any_aux) {
    lookup_challenges = {challenger.SampleExtension(), challenger.SampleExtension()};
    challenger.Observe(proof.aux_root);
    for (const BabyBear4& s : proof.cumulative_sums) challenger.ObserveExtension(s);
  }
  const BabyBear4 alpha = challenger.SampleExtension();
  const BabyBear4 beta = challenger.SampleExtension();
  challenger.Observe(proof.quotient_root);
  const BabyBear4 zeta = SampleOutOfDomainPoint(challenger, fri_input.max_log_lift);
  const BabyBear4 zeta2 = SampleOutOfDomainPoint(challenger, fri_input.max_log_lift);
  for (const auto* openings : {&proof.openings, &proof.second_openings}) {
    for (const TableOpenings& o : *openings) {
      for (const auto* v : {&o.preprocessed_local, &o.preprocessed_next, &o.main_local,
                            &o.main_next, &o.aux_local, &o.aux_next}) {
        for (const BabyBear4& x : *v) challenger.ObserveExtension(x);
      }
    }
  }
  for (const BabyBear4& x : proof.quotient_opening) challenger.ObserveExtension(x);
  for (const BabyBear4& x : proof.mask_opening) challenger.ObserveExtension(x);
  const BabyBear4 gamma = challenger.SampleExtension();

  // The bus balances.
  BabyBear4 total = BabyBear4::zero();
  for (const BabyBear4& s : proof.cumulative_sums) total = total + s;
  Expect(total == BabyBear4::zero(), "LogUp cumulative sums do not add up to zero");

  // DEEP-ALI: at zeta and at zeta', the tables' constraints over their vanishing polynomials,
  // combined by powers of beta, against the committed quotient.
  std::array<BabyBear4, kOutOfDomainPoints> combined = {BabyBear4::zero(), BabyBear4::zero()};
  BabyBear4 beta_power = BabyBear4::one();
  for (size_t k = 0; k < 2 * num_tables; ++k) {
    const size_t t = k % num_tables;
    const bool second = k >= num_tables;
    if (t == 0) beta_power = BabyBear4::one();
    const TableLayout& l = layouts[t];
    const TableOpenings& o = second ? proof.second_openings[t] : proof.openings[t];
    const std::vector<BabyBear4> aux_next = FullRow(o.aux_next, l.aux_next_columns, l.aux_width);
    const std::vector<BabyBear4> preprocessed_next =
        FullRow(o.preprocessed_next, l.preprocessed_next_columns, l.preprocessed_width);
    const std::vector<BabyBear4> main_next =
        FullRow(o.main_next, l.main_next_columns, l.main_width);
    std::vector<BabyBear4> pv(public_values[t].begin(), public_values[t].end());
    air::VerifierFolder::Inputs in;
    in.preprocessed_local = o.preprocessed_local;
    in.preprocessed_next = preprocessed_next;
    in.main_local = o.main_local;
    in.main_next = main_next;
    in.aux_local = o.aux_local;
    in.aux_next = aux_next;
    in.public_values = pv;
    in.challenges = lookup_challenges;
    in.cumulative_sum_per_row =
        air::CumulativeSumPerRow(proof.cumulative_sums[t], size_t{1} << l.log_height);
    const BabyBear4 point = TablePoint(second ? zeta2 : zeta, LogLift(fri_input, l));
    in.selectors = air::SelectorsAt(point, l.log_height);
    in.alpha = alpha;
    in.logup_plan = l.logup_plan;
    air::VerifierFolder folder(in);
    tables[t]->Eval(folder);
    folder.finish_interactions();
    PROVA_CHECK(folder.constraints_folded() == l.num_constraints,
                "the verifier folded a different number of constraints than the layout counted");
    // Zero only if the point is in the trace domain: probability ~ n / |EF| for a random zeta.
    Expect(in.selectors.vanishing != BabyBear4::zero(),
           "the out-of-domain point lies on a trace domain");
    combined[second ? 1 : 0] =
        combined[second ? 1 : 0] + beta_power * folder.folded() * in.selectors.vanishing.inverse();
    beta_power = beta_power * beta;
  }
  for (size_t k = 0; k < kOutOfDomainPoints; ++k) {
    const BabyBear4 z = k == 0 ? zeta : zeta2;
    const BabyBear4 z_chunk = z.pow(quotient_plan.chunk_len());
    std::span<const BabyBear4> chunks =
        std::span(proof.quotient_opening)
            .subspan(k * quotient_plan.num_chunks, quotient_plan.num_chunks);
    BabyBear4 quotient = BabyBear4::zero();
    for (size_t i = chunks.size(); i-- > 0;) quotient = quotient * z_chunk + chunks[i];
    Expect(combined[k] == quotient,
           std::string("constraints do not match the quotient at the out-of-domain point") +
               (k == 0 ? " zeta" : " zeta'"));
  }

  // FRI on the lifted DEEP quotient.
  auto round_dims = [&](int round) {
    std::vector<merkle::MatrixDimensions> dims;
    for (const TableLayout& l : layouts) {
      const uint64_t h = uint64_t{1} << l.log_lde;
      if (round == 0 && l.preprocessed_width > 0) dims.push_back({l.preprocessed_width, h});
      if (round == 1) dims.push_back({l.main_width, h});
      if (round == 2 && l.aux_width > 0) dims.push_back({l.aux_base_width(), h});
    }
    if (round == 3) dims.push_back({quotient_plan.base_width(), uint64_t{1} << log_max});
    if (round == 3 && config.zero_knowledge) dims.push_back({4, uint64_t{1} << log_max});
    return dims;
  };
  const size_t salt = config.zero_knowledge ? config.salt_elements : 0;

  auto open_inputs = [&](std::span<const uint64_t> indices) {
    struct Round {
      const hash::Digest* root;
      const merkle::MultiOpening* opening;
      std::vector<merkle::MatrixDimensions> dims;
      size_t salt;
    };
    std::vector<Round> rounds;
    if (any_preprocessed) {
      rounds.push_back({&*vk.preprocessed_root, &proof.preprocessed_queries, round_dims(0), 0});
    }
    rounds.push_back({&proof.main_root, &proof.main_queries, round_dims(1), salt});
    if (any_aux) rounds.push_back({&proof.aux_root, &proof.aux_queries, round_dims(2), salt});
    rounds.push_back({&proof.quotient_root, &proof.quotient_queries, round_dims(3), salt});
    for (size_t r = 0; r < rounds.size(); ++r) {
      merkle::MerkleVerifier mv(rounds[r].dims, rounds[r].salt);
      std::vector<uint64_t> shifted(indices.size());
      for (size_t q = 0; q < indices.size(); ++q) {
        shifted[q] = indices[q] >> (log_max - mv.log_max_height());
      }
      merkle::Verdict v = mv.Verify(*rounds[r].root, shifted, *rounds[r].opening);
      Expect(v.ok, "trace opening: " + v.reason);
    }
    BabyBear4 gamma_power = BabyBear4::one();
    std::vector<DeepTable> deep;
    for (size_t t = 0; t < num_tables; ++t) {
      deep.emplace_back(proof.openings[t], proof.second_openings[t], layouts[t], &gamma_power,
                        gamma);
    }
    // The quotient chunks and the mask: extension columns of the largest LDE, opened at zeta
    // and zeta' only.
    std::vector<BabyBear4> extra_values(proof.quotient_opening.begin(),
                                        proof.quotient_opening.begin() + quotient_plan.num_chunks);
    std::vector<BabyBear4> extra_values2(proof.quotient_opening.begin() + quotient_plan.num_chunks,
                                         proof.quotient_opening.end());
    if (config.zero_knowledge) {
      extra_values.push_back(proof.mask_opening[0]);
      extra_values2.push_back(proof.mask_opening[1]);
    }
    BabyBear4 extra_value = BabyBear4::zero(), extra_delta = BabyBear4::zero();
    std::vector<BabyBear4> extra_powers;
    for (size_t j = 0; j < extra_values.size(); ++j) {
      extra_value = extra_value + gamma_power * extra_values[j];
      extra_delta = extra_delta + gamma_power * (extra_values[j] - extra_values2[j]);
      AppendBaseWeights(std::span(&gamma_power, 1), &extra_powers);
      gamma_power = gamma_power * gamma;
    }
    // Lifted tables share the denominators x - zeta and x - zeta', and those with the same
    // next-row root share x - zeta w and x - zeta' w, so each query divides once per distinct
    // point: next_roots[slot[t]]. At zeta' the numerators are those at zeta plus the deltas.
    std::vector<BabyBear> next_roots;
    std::vector<size_t> slot(num_tables);
    {
      std::map<size_t, size_t> slot_of_order;
      for (size_t t = 0; t < num_tables; ++t) {
        const size_t order = NextRowLogOrder(fri_input, layouts[t]);
        auto [it, inserted] = slot_of_order.try_emplace(order, next_roots.size());
        if (inserted) {
          next_roots.push_back(NextRowRoot(layouts[t].log_height, LogLift(fri_input, layouts[t])));
        }
        slot[t] = it->second;
      }
    }
    BabyBear4 zeta_delta = extra_delta;
    std::vector<BabyBear4> next_delta(next_roots.size(), BabyBear4::zero());
    for (size_t t = 0; t < num_tables; ++t) {
      zeta_delta = zeta_delta + deep[t].zeta_delta;
      next_delta[slot[t]] = next_delta[slot[t]] + deep[t].next_delta;
    }
    std::vector<std::vector<BabyBear4>> reduced(indices.size());
    for (size_t q = 0; q < indices.size(); ++q) {
      const BabyBear x = fri::DomainPoint(fri::DomainShift(), log_max, indices[q]);
      BabyBear4 at_zeta = BabyBear4::zero();
      std::vector<BabyBear4> at_next(next_roots.size(), BabyBear4::zero());
      size_t prep_k = 0, aux_k = 0;
      for (size_t t = 0; t < num_tables; ++t) {
        const TableLayout& l = layouts[t];
        std::span<const BabyBear> prep_row, aux_row;
        if (l.preprocessed_width > 0)
          prep_row = proof.preprocessed_queries.queries[q].rows[prep_k++];
        std::span<const BabyBear> main_row = proof.main_queries.queries[q].rows[t];
        if (l.aux_width > 0) aux_row = proof.aux_queries.queries[q].rows[aux_k++];
        const auto [sum_zeta, sum_next] = deep[t].Sums({prep_row, main_row, aux_row});
        at_zeta = at_zeta + sum_zeta;
        at_next[slot[t]] = at_next[slot[t]] + sum_next;
      }
      {
        const auto& extra_rows = proof.quotient_queries.queries[q].rows;
        BabyBear4 sum = BabyBear4::zero();
        size_t c = 0;
        for (const auto& row : extra_rows) {
          if (c + row.size() > extra_powers.size()) break;
          for (const BabyBear& x : row) sum = sum + extra_powers[c++] * x;
        }
        Expect(c == extra_powers.size(), "quotient rows do not match their openings");
        at_zeta = at_zeta + sum - extra_value;
      }
      const BabyBear4 x4(x);
      BabyBear4 value =
          at_zeta * (x4 - zeta).inverse() + (at_zeta + zeta_delta) * (x4 - zeta2).inverse();
      for (size_t k = 0; k < next_roots.size(); ++k) {
        value = value + at_next[k] * (x4 - zeta * next_roots[k]).inverse() +
                (at_next[k] + next_delta[k]) * (x4 - zeta2 * next_roots[k]).inverse();
      }
      reduced[q] = {value};
    }
    return reduced;
  };
  const std::vector<size_t> log_sizes = {log_max}, degree_bounds = {fri_input.degree_bound};
  fri::Verify(ProofFriParams(config, fri_input), log_sizes, degree_bounds, proof.fri, challenger,
              open_inputs);
}

}  // namespace

VerifyResult Verify(const VerifyingKey& vk, std::span<const Table* const> tables,
                    std::span<const std::vector<BabyBear>> public_values, const StarkProof& proof) {
  try {
    VerifyOrThrow(vk, tables, public_values, proof);
    return {true, ""};
  } catch (const Error& e) {
    return {false, e.what()};
  }
}

VerifyResult Verify(const VerifyingKey& vk, std::span<const Table* const> tables,
                    std::span<const std::vector<BabyBear>> public_values,
                    std::span<const uint8_t> proof_bytes) {
  StarkProof proof;
  try {
    proof = DeserializeProof(proof_bytes);
  } catch (const Error& e) {
    return {false, e.what()};
  }
  return Verify(vk, tables, public_values, proof);
}

}  // namespace prova::stark
