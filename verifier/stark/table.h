#pragma once

// A table: one AIR behind a virtual interface, so that a proof can hold several tables of
// different AIR types. AirTable<A> adapts any AIR (verifier/air/check.h's Air concept) by
// instantiating its eval() under each builder. The prover extends the interface with its packed
// folder (prover/stark/prover_table.h).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "verifier/air/check.h"
#include "verifier/air/debug_builder.h"
#include "verifier/air/logup_trace.h"
#include "verifier/air/matrix.h"
#include "verifier/air/symbolic_builder.h"
#include "verifier/air/verifier_folder.h"
#include "verifier/field/extension.h"

namespace prova::stark {

using DebugBuilder = air::DebugBuilder<BabyBear, BabyBear4>;
using InteractionCollector = air::InteractionCollector<BabyBear, BabyBear4>;

class Table {
 public:
  virtual ~Table() = default;

  virtual std::string_view name() const = 0;
  virtual size_t main_width() const = 0;
  virtual size_t preprocessed_width() const = 0;
  virtual size_t num_public_values() const = 0;
  // The fixed columns (empty matrix when preprocessed_width() == 0); their height is the table's.
  virtual air::RowMajorMatrix<BabyBear> preprocessed_trace() const = 0;

  virtual void Eval(air::SymbolicBuilder& b) const = 0;
  virtual void Eval(air::VerifierFolder& b) const = 0;
  virtual void Eval(DebugBuilder& b) const = 0;
  virtual void Eval(InteractionCollector& b) const = 0;

  // So that a Table satisfies air::Air and works with CheckTable / GenerateAuxTrace.
  template <class B>
  void eval(B& b) const {
    Eval(b);
  }
};

template <class A, class Base = Table>
class AirTable : public Base {
 public:
  explicit AirTable(A air) : air_(std::move(air)) {}

  std::string_view name() const override { return air_.name(); }
  size_t main_width() const override { return air_.main_width(); }
  size_t preprocessed_width() const override { return air_.preprocessed_width(); }
  size_t num_public_values() const override { return air_.num_public_values(); }
  air::RowMajorMatrix<BabyBear> preprocessed_trace() const override {
    if constexpr (requires { air_.preprocessed_trace(); }) {
      return air_.preprocessed_trace();
    } else {
      return {};
    }
  }
  void Eval(air::SymbolicBuilder& b) const override { air_.eval(b); }
  void Eval(air::VerifierFolder& b) const override { air_.eval(b); }
  void Eval(DebugBuilder& b) const override { air_.eval(b); }
  void Eval(InteractionCollector& b) const override { air_.eval(b); }

  const A& air() const { return air_; }

 protected:
  A air_;
};

static_assert(air::Air<Table>);

}  // namespace prova::stark
