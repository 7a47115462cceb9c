// Generic inference guest: runs any compiled model (.pvm, prova/nn/format.h) and commits what it
// computed. Built twice over (see CMakeLists.txt):
//   - weights in the image (PROVA_NN_EMBEDDED): the model file is linked into .rodata and its
//     SHA-256, computed at build time, is a constant; the image ID identifies the model;
//   - weights as private input: the model arrives through `read`, the guest hashes it and commits
//     the digest.
//
// Private input, little-endian:
//   uint32 flags                      bit 0: commit the input itself instead of its SHA-256
//                                     bit 1: print the cycles of the inference alone to stderr
//   uint32 model_size, model bytes    (private-weights build only)
//   model input                       exactly the model's input size
// Journal (docs/inference.md):
//   uint32 version (1), uint32 mode (0 embedded, 1 private), uint32 flags, model sha256[32],
//   input sha256[32] or (uint32 size, input bytes), uint32 output count, int8 output[count],
//   uint32 argmax (first index of the largest output).
// Exit codes: 0 ok, 2 malformed input (sizes, trailing bytes), 3 invalid model, 100 short input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "prova/guest.h"
#include "prova/nn/model.h"
#include "prova/sha256.h"

namespace {

constexpr uint32_t kFlagRevealInput = 1;
constexpr uint32_t kFlagReportCycles = 2;
[[noreturn]] void Stop(int code, const char* message) {
  prova::guest::eprint(message);
  prova::guest::exit(code);
}

// Every buffer comes from an arena on the stack, not from the heap: the circuit does not prove
// brk, and stack memory costs a proof only the words the guest touches. The stack is 8 MiB.
constexpr size_t kArenaBytes = 6u << 20;
constexpr uint32_t kMaxModelBytes = 4u << 20;

class Arena {
 public:
  Arena(uint8_t* base, size_t size) : base_(base), size_(size) {}
  // `count` elements of T, 4-byte aligned (the interpreter reads the model's tables in place).
  template <class T>
  T* Take(size_t count) {
    const size_t bytes = (count * sizeof(T) + 3) & ~size_t{3};
    if (bytes > size_ - used_) Stop(2, "infer: the model needs more memory than the arena has\n");
    T* p = reinterpret_cast<T*>(base_ + used_);
    used_ += bytes;
    return p;
  }

 private:
  uint8_t* base_;
  size_t size_;
  size_t used_ = 0;
};

#ifdef PROVA_NN_EMBEDDED
extern "C" const uint8_t prova_nn_model_start[];
extern "C" const uint8_t prova_nn_model_end[];

constexpr uint8_t HexValue(char c) {
  return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
}

// The digest CMake computed from the same file, so the guest never hashes its own weights.
constexpr std::array<uint8_t, 32> ParseDigest(const char* hex) {
  std::array<uint8_t, 32> digest{};
  for (int i = 0; i < 32; ++i) {
    digest[i] = static_cast<uint8_t>(HexValue(hex[2 * i]) << 4 | HexValue(hex[2 * i + 1]));
  }
  return digest;
}
constexpr std::array<uint8_t, 32> kModelDigest = ParseDigest(PROVA_NN_MODEL_SHA256);
static_assert(sizeof(PROVA_NN_MODEL_SHA256) == 65, "PROVA_NN_MODEL_SHA256: 64 hex digits");
#endif

}  // namespace

int main() {
  alignas(8) uint8_t arena_bytes[kArenaBytes];
  Arena arena(arena_bytes, sizeof(arena_bytes));
  const uint32_t flags = prova::guest::read<uint32_t>();
  if (flags & ~(kFlagRevealInput | kFlagReportCycles)) Stop(2, "infer: unknown flags\n");

#ifdef PROVA_NN_EMBEDDED
  const uint32_t mode = 0;
  const uint8_t* model_bytes = prova_nn_model_start;
  const size_t model_size = static_cast<size_t>(prova_nn_model_end - prova_nn_model_start);
  const std::array<uint8_t, 32> model_digest = kModelDigest;
#else
  const uint32_t mode = 1;
  const uint32_t model_size = prova::guest::read<uint32_t>();
  if (model_size > kMaxModelBytes) Stop(2, "infer: model too large\n");
  uint8_t* storage = arena.Take<uint8_t>(model_size);
  const uint8_t* model_bytes = storage;
  prova_read_exact(storage, model_size);
  const std::array<uint8_t, 32> model_digest = prova::Sha256::Digest(model_bytes, model_size);
#endif

  prova::nn::Model model;
  const prova::nn::Status status = model.Load(model_bytes, model_size);
  if (status != prova::nn::Status::kOk) {
    prova::guest::eprint("infer: ");
    Stop(3, prova::nn::StatusMessage(status));
  }

  const std::span<uint8_t> input(arena.Take<uint8_t>(model.input_size()), model.input_size());
  prova_read_exact(input.data(), input.size());
  uint8_t extra;
  if (prova_read(&extra, 1) != 0) Stop(2, "infer: input longer than the model's input\n");

  int8_t* working = arena.Take<int8_t>(model.working_size());
  // The cycle counter only when asked: the readings cost two ecall-table rows (a debugging aid).
  const uint64_t start = (flags & kFlagReportCycles) ? prova::guest::cycles() : 0;
  model.Run(input.data(), input.size(), working);
  if (flags & kFlagReportCycles) {
    char line[64];
    std::snprintf(line, sizeof(line), "inference cycles %llu\n",
                  static_cast<unsigned long long>(prova::guest::cycles() - start));
    prova::guest::eprint(line);
  }
  const int8_t* output = model.Output(working);
  const uint32_t output_size = model.output_size();

  prova::guest::commit(uint32_t{1});
  prova::guest::commit(mode);
  prova::guest::commit(flags);
  prova::guest::commit(model_digest);
  if (flags & kFlagRevealInput) {
    prova::guest::commit(static_cast<uint32_t>(input.size()));
    prova::guest::commit(input);
  } else {
    prova::guest::commit(prova::Sha256::Digest(input.data(), input.size()));
  }
  prova::guest::commit(output_size);
  prova::guest::commit_bytes(output, output_size);
  uint32_t best = 0;
  for (uint32_t i = 1; i < output_size; ++i) {
    if (output[i] > output[best]) best = i;
  }
  prova::guest::commit(best);
  return 0;
}
