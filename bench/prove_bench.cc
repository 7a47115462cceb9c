// RV32IM proving throughput, peak memory, seal size and verify time for guests of 2^16 to 2^22
// cycles, printed as a Markdown table:
//   - loop:   the int8 dot-product loop of vm_bench (bench/dot_product_guest.h), sized to just
//             under 2^k cycles;
//   - sha256: examples/sha256 (software SHA-256 of the private input) on pseudo-random input sized
//             to just under 2^k cycles;
//   - mlp:    the Fashion-MNIST MLP inference (examples/fashion, 251,085 cycles).
// Each proof runs in its own child process, so the peak resident set is that proof's alone.
//
//   build/bench/prove_bench [--max-log 20] [--min-log 16] [--examples build/examples]
//                           [--sources examples] [--lde-cache-mb N] [--warm] [--phases [--heap]]
//                           [--tables] [loop] [sha256] [mlp]
// --lde-cache-mb is the prover's LDE cache budget (stark::ProveOptions::lde_cache_bytes; by
// default what the heap holds free when the proof starts beyond what it holds in use, at most
// 768 MiB).
// --warm proves each row a second time in the same process and adds that time as "warm": what a
// proving worker (`prova worker`, `prova serve`) sees once its heap holds the memory of an earlier
// proof. The first proof of a process also pays for the first touch of every page of its peak,
// which on a virtual machine can cost seconds per GB (docs/stark.md, "Cold and warm processes").
// --phases prints each proof's seconds per phase (the phases `prova prove` shows) and the resident
// memory at each phase's end on stderr; with --heap also the most heap in use during each phase
// (glibc's mallinfo2, sampled every 2 ms by a thread of its own: what the peak is made of, where
// the resident set also counts freed memory the heap keeps).
// --tables prints each table's height, main width, rows in use and auxiliary (LogUp) columns on
// stderr.
//
// Targets (issue: RV32IM circuit): >= 100 kHz proving, <= 4 GB peak at 2^20 cycles, seal
// <= 300 KB, verify <= 20 ms, on the 2-core machine.

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bench/dot_product_guest.h"
#include "common/heap.h"
#include "prover/rv32im/prove.h"
#include "verifier/rv32im/circuit.h"
#include "verifier/rv32im/verify.h"
#include "verifier/stark/layout.h"
#include "vm/elf_loader.h"
#include "vm/machine.h"

namespace prova {
namespace {

struct Options {
  int min_log = 16;
  int max_log = 20;
  std::string examples = "build/examples";
  std::string sources = "examples";
  std::optional<size_t> lde_cache_mb;  // the prover's default when absent
  bool warm = false;
  bool phases = false;
  bool heap = false;
  bool tables = false;
  std::vector<std::string> guests;
};

struct Result {
  uint64_t cycles = 0;
  double prove_seconds = 0;
  double warm_seconds = 0;  // the second proof in the same process (--warm)
  uint64_t seal_bytes = 0;
  double verify_ms = 0;
  bool verified = false;
};

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + " (build the examples first)");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

uint64_t Cycles(const vm::ProgramImage& image, std::span<const uint8_t> input) {
  vm::ExecuteOptions options;
  options.input = input;
  options.max_cycles = uint64_t{1} << 23;
  options.on_output = [](int, std::span<const uint8_t>) {};
  return vm::Execute(image, options).cycles;
}

// The guest and input of one row: the largest size below 2^log_cycles (for loop and sha256).
void MakeGuest(const Options& o, const std::string& guest, int log_cycles, vm::ProgramImage* image,
               std::vector<uint8_t>* input) {
  const uint64_t limit = (uint64_t{1} << log_cycles) - 1;
  if (guest == "loop") {
    uint32_t repetitions = std::max<uint32_t>(1, static_cast<uint32_t>(limit / 8200));
    while (Cycles(vm::DotProductProgram(repetitions + 1), {}) <= limit) ++repetitions;
    while (repetitions > 1 && Cycles(vm::DotProductProgram(repetitions), {}) > limit) --repetitions;
    // The longest vector (up to the full length) that `r` repetitions run within the limit; 0 if
    // even one pair per repetition runs over.
    auto longest = [&](uint32_t r) {
      uint32_t fits = 0, over = vm::kVectorLength + 1;
      while (over - fits > 1) {
        const uint32_t mid = (fits + over) / 2;
        (Cycles(vm::DotProductProgram(r, mid), {}) <= limit ? fits : over) = mid;
      }
      return fits;
    };
    // The full-length repetitions that fit, or one repetition more over a shorter vector when
    // that runs longer (below 2^14 cycles: one shorter repetition).
    const uint32_t full = longest(repetitions), extra = longest(repetitions + 1);
    *image = vm::DotProductProgram(repetitions, std::max<uint32_t>(full, 1));
    if (extra > 0) {
      vm::ProgramImage longer = vm::DotProductProgram(repetitions + 1, extra);
      if (Cycles(longer, {}) > Cycles(*image, {})) *image = std::move(longer);
    }
  } else if (guest == "sha256") {
    *image = vm::LoadElf(ReadFile(o.examples + "/sha256/sha256.elf"));
    auto make_input = [](size_t length) {
      std::vector<uint8_t> bytes(length);
      uint64_t state = 0x9e3779b97f4a7c15ull;
      for (uint8_t& byte : bytes) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        byte = static_cast<uint8_t>(state >> 56);
      }
      return bytes;
    };
    // About 62 cycles per byte: start below the limit, then grow in steps of one 64-byte block.
    size_t length = static_cast<size_t>(static_cast<double>(limit) / 64.0) / 64 * 64;
    while (length > 64 && Cycles(*image, make_input(length)) > limit) length -= 64;
    while (Cycles(*image, make_input(length + 64)) <= limit) length += 64;
    *input = make_input(length);
  } else if (guest == "mlp") {
    *image = vm::LoadElf(ReadFile(o.examples + "/fashion/fashion_mlp.elf"));
    *input = ReadFile(o.sources + "/fashion/input_mlp_0.bin");
  } else {
    throw std::runtime_error("unknown guest '" + guest + "' (loop, sha256, mlp)");
  }
}

// The resident set now (VmRSS), in GiB; 0 where /proc is missing.
double ResidentGib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / (1 << 20);
  }
  return 0;
}

// The most heap in use since the last Take, sampled on a thread of its own while it lives.
class HeapSampler {
 public:
  HeapSampler()
      : thread_([this] {
          while (!stop_) {
            size_t seen = max_.load();
            const size_t now = UsedHeapBytes();
            while (now > seen && !max_.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
          }
        }) {}
  ~HeapSampler() {
    stop_ = true;
    thread_.join();
  }
  double TakeGib() { return static_cast<double>(max_.exchange(UsedHeapBytes())) / (1 << 30); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<size_t> max_{0};
  std::thread thread_;
};

Result ProveAndVerify(const Options& o, const vm::ProgramImage& image,
                      const std::vector<uint8_t>& input) {
  Result r;
  const auto start = std::chrono::steady_clock::now();
  rv32im::ProveExecutionOptions options;
  if (o.lde_cache_mb) options.lde_cache_bytes = *o.lde_cache_mb << 20;
  // Seconds per phase (a phase ends when the next one is reported) and the resident memory when
  // it ended.
  struct PhaseFigures {
    std::string name;
    double seconds = 0, resident_gib = 0, heap_gib = 0;
  };
  std::vector<PhaseFigures> phase_seconds;
  auto phase_start = start;
  std::optional<HeapSampler> heap;
  if (o.phases && o.heap) heap.emplace();
  if (o.phases) {
    options.on_progress = [&](std::string_view phase, double) {
      if (!phase_seconds.empty() && phase_seconds.back().name == phase) return;
      const auto now = std::chrono::steady_clock::now();
      if (!phase_seconds.empty()) {
        phase_seconds.back().seconds = std::chrono::duration<double>(now - phase_start).count();
        phase_seconds.back().resident_gib = ResidentGib();
        if (heap) phase_seconds.back().heap_gib = heap->TakeGib();
      }
      phase_seconds.push_back({std::string(phase)});
      phase_start = now;
    };
  }
  if (o.tables) {
    // Read only: where the committed cells of this execution go. "used" counts the rows whose
    // first column (is_real or the multiplicity in most tables) is non-zero.
    options.tamper = [&options](rv32im::WitnessView view) {
      // The auxiliary (LogUp) columns from each table's layout, as the verifier derives it.
      const rv32im::CircuitTables<rv32im::VerifierTable, stark::Table> circuit(
          rv32im::ProgramAir{}, rv32im::MemoryInitAir{});
      const std::vector<const stark::Table*> tables = circuit.List();
      std::string line =
          "  tables (rows x main columns, used; auxiliary extension columns / interactions):";
      for (size_t t = 0; t < view.witnesses.size(); ++t) {
        const auto& main = view.witnesses[t].main;
        size_t used = 0;
        for (size_t r = 0; r < main.height(); ++r) {
          used += main.values[r * main.width] != BabyBear::zero() ? 1 : 0;
        }
        const stark::TableLayout layout = stark::MakeLayout(
            *tables[t], static_cast<size_t>(std::countr_zero(main.height())), options.config);
        line += fmt::format(" {} {}x{} {}, aux {}/{};", view.table_names[t], main.height(),
                            main.width, used, layout.aux_width, layout.logup_plan.size());
      }
      std::fprintf(stderr, "%s\n", line.c_str());
    };
  }
  const rv32im::ExecutionProof proof = rv32im::ProveExecution(image, input, options);
  r.prove_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.phases) {
    std::string line = "  " + std::to_string(proof.cycles) + " cycles:";
    for (const auto& [phase, seconds, resident_gib, heap_gib] : phase_seconds) {
      if (phase == "done") continue;
      line += fmt::format(" {} {:.2f} ({:.2f} GiB", phase, seconds, resident_gib);
      line += o.heap ? fmt::format(", heap in use <= {:.2f});", heap_gib) : std::string(");");
    }
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  r.cycles = proof.cycles;
  r.seal_bytes = proof.seal.size();
  const auto verify_start = std::chrono::steady_clock::now();
  r.verified = static_cast<bool>(
      rv32im::VerifyExecution(proof.seal, proof.image_id, proof.journal, proof.exit_code));
  r.verify_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - verify_start)
          .count();
  return r;
}

// Runs one row in a child process (which alone starts the prover's threads) and prints it.
void RunRow(const Options& o, const std::string& guest, int log_cycles) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    close(fds[0]);
    Result r;
    try {
      vm::ProgramImage image;
      std::vector<uint8_t> input;
      MakeGuest(o, guest, log_cycles, &image, &input);
      r = ProveAndVerify(o, image, input);
      if (o.warm) r.warm_seconds = ProveAndVerify(o, image, input).prove_seconds;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", guest.c_str(), e.what());
      _exit(1);
    }
    const ssize_t written = write(fds[1], &r, sizeof(r));
    _exit(written == static_cast<ssize_t>(sizeof(r)) ? 0 : 1);
  }
  close(fds[1]);
  Result r;
  const ssize_t got = read(fds[0], &r, sizeof(r));
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  if (got != static_cast<ssize_t>(sizeof(r)) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    // A child killed by a signal (SIGKILL from the out-of-memory killer) or one that reported an
    // error on stderr.
    std::printf("| %s | failed (%s %d) | | | | | |%s\n", guest.c_str(),
                WIFSIGNALED(status) ? "signal" : "exit status",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), o.warm ? " | |" : "");
    return;
  }
  std::printf("| %s | %llu | %.1f | %.1f | %.2f | %.0f | %.1f%s |", guest.c_str(),
              static_cast<unsigned long long>(r.cycles), r.prove_seconds,
              static_cast<double>(r.cycles) / r.prove_seconds / 1000.0,
              static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0),
              static_cast<double>(r.seal_bytes) / 1000.0, r.verify_ms,
              r.verified ? "" : " (REJECTED)");
  if (o.warm) {
    std::printf(" %.1f | %.1f |", r.warm_seconds,
                static_cast<double>(r.cycles) / r.warm_seconds / 1000.0);
  }
  std::printf("\n");
  std::fflush(stdout);
}

}  // namespace
}  // namespace prova

int main(int argc, char** argv) {
  prova::UseHugePageHeap(argv);  // as `prova prove` does
  prova::KeepFreedMemoryForReuse();
  prova::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--max-log") {
        o.max_log = std::stoi(value());
      } else if (arg == "--min-log") {
        o.min_log = std::stoi(value());
      } else if (arg == "--examples") {
        o.examples = value();
      } else if (arg == "--sources") {
        o.sources = value();
      } else if (arg == "--lde-cache-mb") {
        o.lde_cache_mb = std::stoul(value());
      } else if (arg == "--warm") {
        o.warm = true;
      } else if (arg == "--tables") {
        o.tables = true;
      } else if (arg == "--phases") {
        o.phases = true;
      } else if (arg == "--heap") {
        o.heap = true;
      } else if (arg == "loop" || arg == "sha256" || arg == "mlp") {
        o.guests.push_back(arg);
      } else {
        throw std::runtime_error(
            "unknown argument '" + arg +
            "'\nusage: prove_bench [--min-log 16] [--max-log 20] [--examples build/examples] "
            "[--sources examples] [--lde-cache-mb N] [--warm] [--phases [--heap]] [--tables] "
            "[loop] [sha256] [mlp]");
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "prove_bench: %s\n", e.what());
      return 2;
    }
  }
  if (o.guests.empty()) o.guests = {"loop", "sha256", "mlp"};
  if (o.min_log < 10 || o.max_log > 22 || o.min_log > o.max_log) {
    std::fprintf(stderr, "prove_bench: sizes must satisfy 10 <= min-log <= max-log <= 22\n");
    return 2;
  }
  std::printf("| guest | cycles | prove (s) | kHz | peak RSS (GiB) | seal (KB) | verify (ms) |%s\n",
              o.warm ? " warm prove (s) | warm kHz |" : "");
  std::printf("| --- | --- | --- | --- | --- | --- | --- |%s\n", o.warm ? " --- | --- |" : "");
  std::fflush(stdout);
  try {
    for (const std::string& guest : o.guests) {
      if (guest == "mlp") {
        prova::RunRow(o, guest, 0);
        continue;
      }
      for (int log = o.min_log; log <= o.max_log; log += 2) prova::RunRow(o, guest, log);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "prove_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
