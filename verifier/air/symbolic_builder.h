#pragma once

// The symbolic builder runs an AIR's eval() once, without a trace, to learn the number, names and
// degrees of its constraints and the shape of its LogUp interactions. The degree of a constraint
// is its total degree in the trace columns, counting the first-row and last-row selectors as
// degree 1 (they are Lagrange polynomials of degree n - 1) and the transition selector as degree 0
// (it is x - g^-1, which the quotient's degree budget absorbs), as Plonky3's symbolic builder.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "verifier/air/air.h"
#include "verifier/air/logup.h"
#include "verifier/field/babybear.h"

namespace prova::air {

// Next-row columns whose use the symbolic pass tracks: main columns take bits
// [0, kTrackedMainColumns), preprocessed ones the bits after them.
inline constexpr size_t kTrackedMainColumns = 192;
inline constexpr size_t kTrackedPreprocessedColumns = 64;
using NextRowUses = std::array<uint64_t, (kTrackedMainColumns + kTrackedPreprocessedColumns) / 64>;

// An expression reduced to what the prover needs to plan the quotient and the openings: its
// degree and the next-row columns it reads.
struct SymbolicExpr {
  int degree = 0;
  NextRowUses next_uses{};

  constexpr SymbolicExpr() = default;
  constexpr explicit SymbolicExpr(int d) : degree(d) {}
  // A field constant has degree 0.
  constexpr SymbolicExpr(BabyBear) {}  // NOLINT(google-explicit-constructor)
  // A next-row column: degree 1, tracked as bit `bit`.
  static constexpr SymbolicExpr NextRowColumn(size_t bit) {
    SymbolicExpr e(1);
    e.next_uses[bit / 64] |= uint64_t{1} << (bit % 64);
    return e;
  }

  friend constexpr SymbolicExpr operator+(SymbolicExpr a, SymbolicExpr b) {
    return Combine(std::max(a.degree, b.degree), a, b);
  }
  friend constexpr SymbolicExpr operator-(SymbolicExpr a, SymbolicExpr b) {
    return Combine(std::max(a.degree, b.degree), a, b);
  }
  friend constexpr SymbolicExpr operator*(SymbolicExpr a, SymbolicExpr b) {
    return Combine(a.degree + b.degree, a, b);
  }
  friend constexpr SymbolicExpr operator-(SymbolicExpr a) { return a; }
  constexpr SymbolicExpr& operator+=(SymbolicExpr o) { return *this = *this + o; }
  constexpr SymbolicExpr& operator-=(SymbolicExpr o) { return *this = *this - o; }
  constexpr SymbolicExpr& operator*=(SymbolicExpr o) { return *this = *this * o; }

 private:
  static constexpr SymbolicExpr Combine(int degree, const SymbolicExpr& a, const SymbolicExpr& b) {
    SymbolicExpr e(degree);
    for (size_t w = 0; w < e.next_uses.size(); ++w)
      e.next_uses[w] = a.next_uses[w] | b.next_uses[w];
    return e;
  }
};

struct ConstraintInfo {
  std::string name;
  int degree = 0;
  bool extension = false;  // asserted over the extension field
};

struct InteractionInfo {
  uint32_t bus = 0;
  size_t num_values = 0;
  Direction direction = Direction::kSend;
  std::string name;
  int fingerprint_degree = 0;  // of alpha - fp(bus, values)
  int multiplicity_degree = 0;
};

class SymbolicBuilder : public BuilderBase<SymbolicBuilder> {
 public:
  using F = BabyBear;
  using Var = SymbolicExpr;
  using Expr = SymbolicExpr;
  using VarEF = SymbolicExpr;
  using ExprEF = SymbolicExpr;

  SymbolicBuilder(size_t preprocessed_width, size_t main_width, size_t num_public_values,
                  size_t num_challenges)
      : preprocessed_(preprocessed_width, SymbolicExpr(1)),
        main_(main_width, SymbolicExpr(1)),
        public_values_(num_public_values, SymbolicExpr(0)),
        challenges_(num_challenges, SymbolicExpr(0)),
        track_next_(main_width <= kTrackedMainColumns &&
                    preprocessed_width <= kTrackedPreprocessedColumns) {
    preprocessed_next_ = preprocessed_;
    main_next_ = main_;
    if (track_next_) {
      for (size_t c = 0; c < main_width; ++c) main_next_[c] = SymbolicExpr::NextRowColumn(c);
      for (size_t c = 0; c < preprocessed_width; ++c) {
        preprocessed_next_[c] = SymbolicExpr::NextRowColumn(kTrackedMainColumns + c);
      }
    }
  }

  void assert_zero(const Expr& e, std::string_view name = {}) { Add(e, name, false); }
  void assert_zero_ext(const ExprEF& e, std::string_view name = {}) { Add(e, name, true); }

  Expr is_first_row() const { return SymbolicExpr(1); }
  Expr is_last_row() const { return SymbolicExpr(1); }
  Expr is_transition() const { return SymbolicExpr(0); }

  std::span<const Var> main_local() const { return main_; }
  std::span<const Var> main_next() const { return main_next_; }
  std::span<const Var> preprocessed_local() const { return preprocessed_; }
  std::span<const Var> preprocessed_next() const { return preprocessed_next_; }
  std::span<const Expr> public_values() const { return public_values_; }
  std::span<const ExprEF> challenges() const { return challenges_; }

  // Records the interactions; finish_interactions plans their auxiliary columns
  // (ChooseLogUpPlan, logup.h) from the degree of the table's other constraints and of its
  // one-interaction columns, and adds one constraint per column (h times the product of its
  // denominators = the numerator of its sum of fractions, h an auxiliary cell of degree 1; the
  // last column's is the running sum's step), as LogUpInteract does.
  void interact(uint32_t bus, std::initializer_list<Expr> values, const Expr& multiplicity,
                Direction direction, std::string_view name) {
    PROVA_CHECK(values.size() <= kMaxTupleLength, "a LogUp tuple longer than kMaxTupleLength");
    int fingerprint_degree = 0;
    for (const Expr& v : values) {
      fingerprint_degree = std::max(fingerprint_degree, v.degree);
      Use(v);
    }
    Use(multiplicity);
    interactions_.push_back({bus, values.size(), direction, std::string(name), fingerprint_degree,
                             multiplicity.degree});
  }
  // A LogUp sum offset (air/blinding.h): main-trace cells added, with the powers of beta, to the
  // running sum's step, whose constraint degree they do not raise.
  void offset_logup_sum(std::initializer_list<Expr> values) {
    for (const Expr& v : values) {
      PROVA_CHECK(v.degree <= 1, "a LogUp sum offset must be trace cells");
      Use(v);
    }
    has_logup_offset_ = true;
  }
  bool has_logup_offset() const { return has_logup_offset_; }
  void finish_interactions() {
    PROVA_CHECK(!has_logup_offset_ || !interactions_.empty(),
                "a LogUp sum offset in a table without interactions");
    if (interactions_.empty()) return;
    std::vector<std::pair<int, int>> degrees;
    int budget = 2;  // no table is planned below degree 2
    for (const ConstraintInfo& c : constraints_) budget = std::max(budget, c.degree);
    for (const InteractionInfo& i : interactions_) {
      degrees.push_back({i.fingerprint_degree, i.multiplicity_degree});
      budget = std::max(budget, LogUpColumnDegree(std::span(&degrees.back(), 1)));
    }
    logup_plan_ = ChooseLogUpPlan(degrees, budget);
    for (size_t k = 0; k < interactions_.size();) {
      size_t end = k;
      std::string names;
      while (end < interactions_.size() && logup_plan_[end] == logup_plan_[k]) {
        if (end > k) names += " + ";
        names += interactions_[end].name.empty() ? "interaction" : interactions_[end].name;
        ++end;
      }
      constraints_.push_back(
          {LogUpName(names, logup_plan_[k], logup_plan_[k] == logup_plan_.back()),
           LogUpColumnDegree(std::span(degrees).subspan(k, end - k)), true});
      k = end;
    }
  }
  // Which auxiliary column each interaction uses (empty without interactions); valid after
  // finish_interactions.
  const LogUpPlan& logup_plan() const { return logup_plan_; }

  const std::vector<ConstraintInfo>& constraints() const { return constraints_; }
  const std::vector<InteractionInfo>& interactions() const { return interactions_; }
  int max_degree() const {
    int d = 0;
    for (const auto& c : constraints_) d = std::max(d, c.degree);
    return d;
  }

  // The main and preprocessed columns some constraint or interaction reads at the next row, in
  // increasing order (all of them for tables too wide to track). Only these are opened there.
  std::vector<uint32_t> main_next_columns() const { return NextColumns(main_.size(), 0); }
  std::vector<uint32_t> preprocessed_next_columns() const {
    return NextColumns(preprocessed_.size(), kTrackedMainColumns);
  }

 private:
  void Use(const Expr& e) {
    for (size_t w = 0; w < uses_.size(); ++w) uses_[w] |= e.next_uses[w];
  }
  std::vector<uint32_t> NextColumns(size_t width, size_t first_bit) const {
    std::vector<uint32_t> columns;
    for (size_t c = 0; c < width; ++c) {
      const size_t bit = first_bit + c;
      if (!track_next_ || (uses_[bit / 64] >> (bit % 64) & 1) != 0) {
        columns.push_back(static_cast<uint32_t>(c));
      }
    }
    return columns;
  }
  void Add(const Expr& e, std::string_view name, bool extension) {
    Use(e);
    std::string label =
        name.empty() ? "constraint #" + std::to_string(constraints_.size()) : std::string(name);
    constraints_.push_back({std::move(label), e.degree, extension});
  }

  std::vector<SymbolicExpr> preprocessed_, main_, public_values_, challenges_;
  std::vector<SymbolicExpr> preprocessed_next_, main_next_;
  bool track_next_;
  NextRowUses uses_{};
  std::vector<ConstraintInfo> constraints_;
  std::vector<InteractionInfo> interactions_;
  LogUpPlan logup_plan_;
  bool has_logup_offset_ = false;
};

static_assert(AirBuilder<SymbolicBuilder>);

}  // namespace prova::air
