#include "vm/memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace prova::vm {

VirtualReservation::VirtualReservation(uint64_t size) : size_(size) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) {
    throw Error(std::string("cannot reserve guest address space: ") + std::strerror(errno));
  }
  data_ = static_cast<uint8_t*>(p);
}

VirtualReservation::~VirtualReservation() {
  if (data_ != nullptr) munmap(data_, size_);
}

Memory::Memory() : space_(uint64_t{1} << 32), permissions_(kPageCount) {}

void Memory::Map(uint32_t addr, uint64_t size, uint8_t permissions) {
  if (size == 0) return;
  const uint64_t first = addr >> kPageShift;
  const uint64_t last = (addr + size - 1) >> kPageShift;
  PROVA_CHECK(last < kPageCount, "mapping past the 32-bit address space");
  for (uint64_t page = first; page <= last; ++page) permissions_.data()[page] |= permissions;
}

void Memory::Unmap(uint32_t addr, uint64_t size) {
  if (size == 0) return;
  const uint64_t first = addr >> kPageShift;
  const uint64_t last = (addr + size - 1) >> kPageShift;
  PROVA_CHECK(last < kPageCount, "unmapping past the 32-bit address space");
  for (uint64_t page = first; page <= last; ++page) permissions_.data()[page] = 0;
}

bool Memory::RangeHas(uint32_t addr, uint64_t size, uint8_t needed) const {
  if (size == 0) return true;
  if (addr + size > (uint64_t{1} << 32)) return false;
  const uint64_t last = (addr + size - 1) >> kPageShift;
  for (uint64_t page = addr >> kPageShift; page <= last; ++page) {
    if ((permissions_.data()[page] & needed) != needed) return false;
  }
  return true;
}

MemoryImage Memory::Snapshot() const {
  // mincore tells which host pages were ever touched, so untouched guest pages cost nothing.
  const uint64_t host_page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  PROVA_CHECK(host_page <= kPageSize && kPageSize % host_page == 0, "unexpected host page size");
  const uint64_t per_guest_page = kPageSize / host_page;
  std::vector<unsigned char> resident(space_.size() / host_page);
  PROVA_CHECK(mincore(space_.data(), space_.size(), resident.data()) == 0, "mincore failed");
  MemoryImage image;
  static const std::array<uint8_t, kPageSize> kZero{};
  for (uint64_t page = 0; page < kPageCount; ++page) {
    const unsigned char* r = &resident[page * per_guest_page];
    if (std::none_of(r, r + per_guest_page, [](unsigned char c) { return (c & 1) != 0; })) continue;
    const uint8_t* bytes = space_.data() + (page << kPageShift);
    if (std::memcmp(bytes, kZero.data(), kPageSize) == 0) continue;
    MemoryPage& out = image.emplace_back();
    out.address = static_cast<uint32_t>(page << kPageShift);
    std::memcpy(out.bytes.data(), bytes, kPageSize);
  }
  return image;
}

}  // namespace prova::vm
