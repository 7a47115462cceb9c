#pragma once

// The AIR framework: an AIR is a pure description of its constraints, written once as
//
//   template <air::AirBuilder B>
//   void eval(B& b) const {
//     auto [local, next] = b.template rows<CounterCols>();
//     b.when_transition().assert_eq(next.value, local.value + F::one(), "increment");
//     b.when_first_row().assert_zero(local.value, "starts at zero");
//   }
//
// and run under several builders (Plonky3 air/src/air.rs, uni-stark/src/folder.rs):
//  - SymbolicBuilder (symbolic_builder.h): infers each constraint's degree and name;
//  - DebugBuilder (debug_builder.h): checks a concrete trace, reporting every failing constraint
//    by name and row;
//  - VerifierFolder (verifier_folder.h): folds the constraints at the out-of-domain point with
//    extension-field values;
//  - the prover's folder (prover/stark/prover_folder.h): packed BabyBear values on the quotient
//    domain.
//
// Columns are row structs of one type parameter, standard layout, every member a T or an array of
// T (no padding), viewed over a row span:
//
//   template <class T> struct FibCols { T a; T b; };
//
// A table may have three traces: preprocessed (fixed) columns, the main trace, and an auxiliary
// trace over the extension field committed after the challenges are drawn. The auxiliary trace is
// the LogUp bus: an AIR calls b.send(bus, {values...}, multiplicity) / b.receive(...) and the
// framework adds auxiliary columns holding sums of m / (alpha - fingerprint) over batches of
// interactions, the last one a running sum that steps by the row's fractions less the table's
// cumulative sum over its height; the verifier checks that the cumulative sums of all tables add
// up to zero (logup.h).

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/error.h"

namespace prova::air {

// One byte per column: sizeof(Cols<ColumnSlot>) is the number of columns of a row struct.
struct ColumnSlot {
  unsigned char byte;
};

template <template <class> class Cols>
inline constexpr size_t kWidth = sizeof(Cols<ColumnSlot>);

// Views a row span as a row struct. The struct must be standard layout and exactly kWidth
// elements of T (checked at compile time), so the view is a reinterpretation of the same array.
template <template <class> class Cols, class T>
const Cols<T>& ViewRow(std::span<const T> row) {
  static_assert(std::is_standard_layout_v<Cols<T>>, "row structs must be standard layout");
  static_assert(sizeof(Cols<T>) == kWidth<Cols> * sizeof(T), "row struct has padding");
  PROVA_CHECK(row.size() >= kWidth<Cols>, "row struct wider than the trace");
  return *reinterpret_cast<const Cols<T>*>(row.data());
}

template <class Row>
struct RowPair {
  const Row& local;
  const Row& next;
};

// Which way a value moves on a LogUp bus.
enum class Direction { kSend, kReceive };

// Static facts about one trace of a table. Widths are in columns of the trace's own field (base
// for preprocessed and main, extension for auxiliary).
struct TraceShape {
  size_t preprocessed_width = 0;
  size_t main_width = 0;
  size_t num_public_values = 0;
};

template <class B>
concept AirBuilder = requires(B& b, const typename B::Expr& e, const typename B::ExprEF& ee,
                              std::string_view name, std::initializer_list<typename B::Expr> vs) {
  typename B::F;       // the base field (BabyBear)
  typename B::Var;     // a main / preprocessed trace cell
  typename B::Expr;    // an expression over base-field cells
  typename B::VarEF;   // an auxiliary trace cell (extension field)
  typename B::ExprEF;  // an expression over extension-field values
  b.assert_zero(e, name);
  b.assert_zero_ext(ee, name);
  { b.is_first_row() } -> std::convertible_to<typename B::Expr>;
  { b.is_last_row() } -> std::convertible_to<typename B::Expr>;
  { b.is_transition() } -> std::convertible_to<typename B::Expr>;
  { b.main_local() } -> std::convertible_to<std::span<const typename B::Var>>;
  { b.main_next() } -> std::convertible_to<std::span<const typename B::Var>>;
  { b.preprocessed_local() } -> std::convertible_to<std::span<const typename B::Var>>;
  { b.preprocessed_next() } -> std::convertible_to<std::span<const typename B::Var>>;
  { b.public_values() } -> std::convertible_to<std::span<const typename B::Expr>>;
  { b.challenges() } -> std::convertible_to<std::span<const typename B::ExprEF>>;
  b.interact(uint32_t{0}, vs, e, Direction::kSend, name);
  b.offset_logup_sum(vs);
};

// Constraints under a condition: assert_zero(x) becomes assert_zero(condition * x), so the
// constraint binds only where the condition is non-zero (a row selector or any expression).
template <class B>
class Filtered {
 public:
  using Expr = typename B::Expr;
  using ExprEF = typename B::ExprEF;

  Filtered(B& builder, Expr condition) : builder_(builder), condition_(std::move(condition)) {}

  template <class X>
  void assert_zero(const X& x, std::string_view name = {}) {
    builder_.assert_zero(condition_ * x, name);
  }
  template <class X, class Y>
  void assert_eq(const X& x, const Y& y, std::string_view name = {}) {
    builder_.assert_zero(condition_ * (x - y), name);
  }
  template <class X>
  void assert_one(const X& x, std::string_view name = {}) {
    builder_.assert_zero(condition_ * (x - B::F::one()), name);
  }
  template <class X>
  void assert_bool(const X& x, std::string_view name = {}) {
    builder_.assert_zero(condition_ * (x * (x - B::F::one())), name);
  }
  template <class X>
  void assert_zero_ext(const X& x, std::string_view name = {}) {
    builder_.assert_zero_ext(condition_ * x, name);
  }
  template <class X, class Y>
  void assert_eq_ext(const X& x, const Y& y, std::string_view name = {}) {
    builder_.assert_zero_ext(condition_ * (x - y), name);
  }
  Filtered when(const Expr& c) const { return Filtered(builder_, condition_ * c); }

 private:
  B& builder_;
  Expr condition_;
};

// Shared surface of every builder (CRTP): row-struct views, selectors, assertion helpers and the
// LogUp interactions. Derived builders provide the primitive operations listed in AirBuilder.
template <class Derived>
class BuilderBase {
 public:
  template <template <class> class Cols>
  auto rows() {
    using Var = typename Derived::Var;
    return RowPair<Cols<Var>>{ViewRow<Cols, Var>(self().main_local()),
                              ViewRow<Cols, Var>(self().main_next())};
  }
  template <template <class> class Cols>
  auto preprocessed_rows() {
    using Var = typename Derived::Var;
    return RowPair<Cols<Var>>{ViewRow<Cols, Var>(self().preprocessed_local()),
                              ViewRow<Cols, Var>(self().preprocessed_next())};
  }

  template <class D = Derived>
  auto when(const typename D::Expr& c) {
    return Filtered<Derived>(self(), c);
  }
  auto when_first_row() { return Filtered<Derived>(self(), self().is_first_row()); }
  auto when_last_row() { return Filtered<Derived>(self(), self().is_last_row()); }
  auto when_transition() { return Filtered<Derived>(self(), self().is_transition()); }

  template <class X, class Y>
  void assert_eq(const X& x, const Y& y, std::string_view name = {}) {
    self().assert_zero(x - y, name);
  }
  template <class X>
  void assert_one(const X& x, std::string_view name = {}) {
    self().assert_zero(x - Derived::F::one(), name);
  }
  template <class X>
  void assert_bool(const X& x, std::string_view name = {}) {
    self().assert_zero(x * (x - Derived::F::one()), name);
  }
  template <class X, class Y>
  void assert_eq_ext(const X& x, const Y& y, std::string_view name = {}) {
    self().assert_zero_ext(x - y, name);
  }

  // LogUp bus: this row sends (or receives) the tuple `values` on `bus` with the given
  // multiplicity. Over all tables, sends and receives of each tuple must balance.
  template <class D = Derived>
  void send(uint32_t bus, std::initializer_list<typename D::Expr> values,
            const typename D::Expr& multiplicity, std::string_view name = {}) {
    self().interact(bus, values, multiplicity, Direction::kSend, name);
  }
  template <class D = Derived>
  void receive(uint32_t bus, std::initializer_list<typename D::Expr> values,
               const typename D::Expr& multiplicity, std::string_view name = {}) {
    self().interact(bus, values, multiplicity, Direction::kReceive, name);
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace prova::air
