#pragma once

// Debug checking of whole traces: one table (CheckTable) or several tables sharing a LogUp bus
// (CheckTables, which also checks that the bus balances). Shape problems are reported as errors,
// never aborts, so a caller can print the whole report.

#include <algorithm>
#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "verifier/air/air.h"
#include "verifier/air/debug_builder.h"
#include "verifier/air/logup_trace.h"
#include "verifier/air/matrix.h"
#include "verifier/air/symbolic_builder.h"

namespace prova::air {

// What every AIR provides besides eval(): the widths and the number of public values. An AIR
// with preprocessed columns also provides `RowMajorMatrix<BabyBear> preprocessed_trace() const`.
template <class A>
concept Air = requires(const A& a) {
  { a.name() } -> std::convertible_to<std::string_view>;
  { a.main_width() } -> std::convertible_to<size_t>;
  { a.preprocessed_width() } -> std::convertible_to<size_t>;
  { a.num_public_values() } -> std::convertible_to<size_t>;
};

// The traces of one table, borrowed.
template <class F, class EF>
struct TableTraces {
  const RowMajorMatrix<F>* preprocessed = nullptr;  // null when the AIR has none
  const RowMajorMatrix<F>* main = nullptr;
  const RowMajorMatrix<EF>* aux = nullptr;  // null when the AIR has no interactions
  std::span<const F> public_values;
};

template <Air A>
SymbolicBuilder RunSymbolic(const A& air, size_t num_challenges = kLogUpChallenges) {
  SymbolicBuilder b(air.preprocessed_width(), air.main_width(), air.num_public_values(),
                    num_challenges);
  air.eval(b);
  b.finish_interactions();
  return b;
}

// Runs body(0), ..., body(count - 1) one after the other. CheckTable's default; a prover passes a
// parallel loop with the same signature.
struct SequentialForEach {
  template <class Body>
  void operator()(size_t count, const Body& body) const {
    for (size_t i = 0; i < count; ++i) body(i);
  }
};

// Checks every constraint of `air` on every row (the next row of the last row is row 0, as on
// the cyclic domain). Reports all failures. Blocks of rows are checked through `for_each`, each
// into its own report; the reports are then merged in row order.
template <class F, class EF, Air A, class ForEach = SequentialForEach>
DebugReport CheckTable(const A& air, const TableTraces<F, EF>& traces,
                       std::span<const EF> challenges = {}, EF cumulative_sum = EF::zero(),
                       const ForEach& for_each = {}) {
  DebugReport report;
  const auto* main = traces.main;
  if (main == nullptr || main->width != air.main_width()) {
    report.errors.push_back(std::string(air.name()) + ": main trace width does not match the AIR");
    return report;
  }
  const size_t height = main->height();
  if (height == 0 || (height & (height - 1)) != 0) {
    report.errors.push_back(std::string(air.name()) + ": height is not a power of two");
    return report;
  }
  if (traces.public_values.size() != air.num_public_values()) {
    report.errors.push_back(std::string(air.name()) + ": wrong number of public values");
    return report;
  }
  if (air.preprocessed_width() > 0 &&
      (traces.preprocessed == nullptr || traces.preprocessed->width != air.preprocessed_width() ||
       traces.preprocessed->height() != height)) {
    report.errors.push_back(std::string(air.name()) + ": preprocessed trace has the wrong shape");
    return report;
  }
  SymbolicBuilder symbolic = RunSymbolic(air, challenges.size());
  const size_t aux_width = LogUpAuxWidth(symbolic.logup_plan());
  if (aux_width > 0 && (traces.aux == nullptr || traces.aux->width != aux_width ||
                        traces.aux->height() != height || challenges.size() < kLogUpChallenges)) {
    report.errors.push_back(std::string(air.name()) + ": auxiliary trace has the wrong shape");
    return report;
  }
  constexpr size_t kBlock = 4096;
  const size_t blocks = (height + kBlock - 1) / kBlock;
  std::vector<DebugReport> reports(blocks);
  const EF cumulative_sum_per_row = CumulativeSumPerRow(cumulative_sum, height);
  for_each(blocks, [&](size_t block) {
    DebugBuilder<F, EF> b(traces.public_values, challenges, cumulative_sum_per_row, &reports[block],
                          symbolic.logup_plan());
    for (size_t r = block * kBlock; r < std::min(height, (block + 1) * kBlock); ++r) {
      const size_t n = (r + 1) % height;
      typename DebugBuilder<F, EF>::Row row;
      row.index = r;
      row.height = height;
      row.main_local = main->row(r);
      row.main_next = main->row(n);
      if (air.preprocessed_width() > 0) {
        row.preprocessed_local = traces.preprocessed->row(r);
        row.preprocessed_next = traces.preprocessed->row(n);
      }
      if (aux_width > 0) {
        row.aux_local = traces.aux->row(r);
        row.aux_next = traces.aux->row(n);
      }
      b.set_row(row);
      air.eval(b);
      b.finish_interactions();
    }
  });
  for (DebugReport& part : reports) {
    report.total_failures += part.total_failures;
    for (ConstraintFailure& f : part.failures) {
      if (report.failures.size() == DebugReport::kMaxRecorded) break;
      report.failures.push_back(std::move(f));
    }
  }
  return report;
}

// Runs eval() under the collector `c` on rows [begin, end) (the next row of the last is row 0), so
// that it records their interactions. The prover calls it on blocks of rows in parallel.
template <class F, class EF, Air A>
void CollectInteractions(const A& air, const RowMajorMatrix<F>* preprocessed,
                         const RowMajorMatrix<F>& main, size_t begin, size_t end,
                         InteractionCollector<F, EF>& c) {
  const size_t height = main.height();
  for (size_t r = begin; r < end; ++r) {
    const size_t n = (r + 1) % height;
    std::span<const F> pl, pn;
    if (preprocessed != nullptr && preprocessed->width > 0) {
      pl = preprocessed->row(r);
      pn = preprocessed->row(n);
    }
    c.set_row(pl, pn, main.row(r), main.row(n), r, height);
    air.eval(c);
  }
}

// Generates a table's LogUp auxiliary trace for the given challenges (empty matrix when the AIR
// has no interactions).
template <class F, class EF, Air A>
RowMajorMatrix<EF> GenerateAuxTrace(const A& air, const RowMajorMatrix<F>* preprocessed,
                                    const RowMajorMatrix<F>& main, std::span<const F> public_values,
                                    std::span<const EF> challenges, EF* cumulative_sum) {
  const size_t height = main.height();
  InteractionCollector<F, EF> c(public_values, challenges);
  CollectInteractions(air, preprocessed, main, 0, height, c);
  return BuildLogUpTrace<F, EF>(height, RunSymbolic(air, challenges.size()).logup_plan(),
                                c.denominators, c.multiplicities, c.offsets, cumulative_sum);
}

// Net multiplicity of every (bus, tuple) over a set of tables: sends minus receives. A balanced
// bus has every net multiplicity zero. Call Add for each table, then Unbalanced().
template <class F>
class BusBalance {
 public:
  template <class EF, Air A>
  void Add(const A& air, const RowMajorMatrix<F>* preprocessed, const RowMajorMatrix<F>& main,
           std::span<const F> public_values) {
    const size_t height = main.height();
    InteractionCollector<F, EF> c(public_values, {}, /*record=*/true);
    for (size_t r = 0; r < height; ++r) {
      const size_t n = (r + 1) % height;
      std::span<const F> pl, pn;
      if (preprocessed != nullptr && preprocessed->width > 0) {
        pl = preprocessed->row(r);
        pn = preprocessed->row(n);
      }
      c.set_row(pl, pn, main.row(r), main.row(n), r, height);
      air.eval(c);
    }
    for (auto& t : c.tuples) {
      std::vector<uint32_t> key = {t.bus};
      for (const F& v : t.values) key.push_back(v.as_canonical());
      auto [it, inserted] = net_.try_emplace(std::move(key), F::zero());
      it->second += t.multiplicity;
      if (inserted) sender_[it->first] = std::string(air.name());
    }
  }

  // "bus 1 tuple (300): net multiplicity 1 (first seen in 'byte user')" lines, at most `limit`.
  std::vector<std::string> Unbalanced(size_t limit = 10) const {
    std::vector<std::string> out;
    for (const auto& [key, net] : net_) {
      if (net == F::zero()) continue;
      if (out.size() == limit) {
        out.push_back("...");
        break;
      }
      std::string line = "bus " + std::to_string(key[0]) + " tuple (";
      for (size_t i = 1; i < key.size(); ++i) line += (i > 1 ? ", " : "") + std::to_string(key[i]);
      line += "): net multiplicity " + std::to_string(net.as_canonical()) + " (first seen in '" +
              sender_.at(key) + "')";
      out.push_back(std::move(line));
    }
    return out;
  }

 private:
  std::map<std::vector<uint32_t>, F> net_;
  std::map<std::vector<uint32_t>, std::string> sender_;
};

}  // namespace prova::air
