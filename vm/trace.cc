#include "vm/trace.h"

#include <sys/mman.h>

#include <cstdint>
#include <new>

#include "common/error.h"

namespace prova::vm {

void* AllocatePages(size_t bytes) {
  if (bytes == 0) return nullptr;
  // No swap is reserved up front (MAP_NORESERVE): most of a reservation is never touched.
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  // A trace is written once front to back: 2 MiB pages cut its page faults 512x.
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  return p;
}

void FreePages(void* data, size_t bytes) {
  if (data != nullptr) munmap(data, bytes);
}

TraceRecorder::TraceRecorder(Trace* trace)
    : trace_(trace),
      timestamp_space_(uint64_t{1} << 32),  // 2^30 words x 4 bytes
      timestamps_(reinterpret_cast<uint32_t*>(timestamp_space_.data())) {
  PROVA_CHECK(trace != nullptr, "TraceRecorder needs a trace");
  access_begin_ = static_cast<uint32_t>(trace->syscall_accesses.size());
}

void TraceRecorder::SyscallMemoryAccess(uint32_t word_addr, uint32_t prev_word, uint32_t new_word,
                                        bool is_write) {
  uint32_t& last = timestamps_[word_addr >> 2];
  trace_->syscall_accesses.push_back(MemoryAccessRecord{step_.timestamp, word_addr, new_word,
                                                        prev_word, last, is_write ? 1u : 0u});
  last = step_.timestamp;
}

void TraceRecorder::Syscall(uint32_t number, const uint32_t (&args)[3], uint32_t result,
                            std::span<const uint8_t> data) {
  SyscallRecord r{};
  r.timestamp = step_.timestamp;
  r.number = number;
  r.args[0] = args[0];
  r.args[1] = args[1];
  r.args[2] = args[2];
  r.result = result;
  r.data_offset = static_cast<uint32_t>(trace_->syscall_data.size());
  r.data_size = static_cast<uint32_t>(data.size());
  trace_->syscall_data.insert(trace_->syscall_data.end(), data.begin(), data.end());
  r.access_offset = access_begin_;
  r.access_count = static_cast<uint32_t>(trace_->syscall_accesses.size()) - access_begin_;
  access_begin_ = static_cast<uint32_t>(trace_->syscall_accesses.size());
  trace_->syscalls.push_back(r);
  step_.flags |= kTraceSyscall;
}

}  // namespace prova::vm
