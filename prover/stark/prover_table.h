#pragma once

// The prover's view of a table: the verifier's Table plus the packed builders (the folder and
// the interaction collector).
//
//   ProverAirTable<FibonacciAir> fib{FibonacciAir{}};
//   const ProverTable* tables[] = {&fib};

#include "prover/stark/prover_folder.h"
#include "verifier/stark/table.h"

namespace prova::stark {

class ProverTable : public Table {
 public:
  using Table::Eval;
  virtual void Eval(ProverFolder& b) const = 0;
  virtual void Eval(PackedInteractionCollector& b) const = 0;

  template <class B>
  void eval(B& b) const {
    Eval(b);
  }
};

template <class A>
class ProverAirTable : public AirTable<A, ProverTable> {
 public:
  using AirTable<A, ProverTable>::AirTable;
  using AirTable<A, ProverTable>::Eval;
  void Eval(ProverFolder& b) const override { this->air_.eval(b); }
  void Eval(PackedInteractionCollector& b) const override { this->air_.eval(b); }
};

}  // namespace prova::stark
