#pragma once

// Guest memory: the whole 32-bit address space as one 4 GiB virtual reservation of the host, so a
// guest address is host_base + addr (the OS touches pages lazily), plus one permission byte per
// 4 KiB page that every guest access checks. A page with permission 0 is unmapped.
//
// Memory map (that of a static Linux binary):
//   ELF segments      as loaded; a page shared by two segments gets the union of permissions
//   heap              from the page-aligned end of the highest segment, grown with brk
//   stack             [kStackBottom, kStackTop): the 8 MiB below 0x80000000, read/write

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace prova::vm {

inline constexpr uint32_t kPageShift = 12;
inline constexpr uint32_t kPageSize = uint32_t{1} << kPageShift;
inline constexpr uint32_t kPageCount = uint32_t{1} << (32 - kPageShift);
inline constexpr uint32_t kStackTop = 0x80000000u;
inline constexpr uint32_t kStackSize = 8u << 20;
inline constexpr uint32_t kStackBottom = kStackTop - kStackSize;

// One page of a memory image. Pages absent from an image are all zero.
struct MemoryPage {
  uint32_t address = 0;  // page-aligned
  std::array<uint8_t, kPageSize> bytes{};

  bool operator==(const MemoryPage&) const = default;
};

// Every page with a nonzero byte, sorted by address: canonical, so two equal memories give equal
// images.
using MemoryImage = std::vector<MemoryPage>;

// An anonymous, lazily backed, zero-filled virtual mapping of the host.
class VirtualReservation {
 public:
  explicit VirtualReservation(uint64_t size);
  ~VirtualReservation();
  VirtualReservation(const VirtualReservation&) = delete;
  VirtualReservation& operator=(const VirtualReservation&) = delete;

  uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

class Memory {
 public:
  Memory();

  uint8_t* base() const { return space_.data(); }
  const uint8_t* permissions() const { return permissions_.data(); }
  uint8_t PagePermissions(uint32_t addr) const { return permissions_.data()[addr >> kPageShift]; }

  // Adds `permissions` to every page overlapping [addr, addr + size).
  void Map(uint32_t addr, uint64_t size, uint8_t permissions);
  // Removes all permissions of the pages overlapping [addr, addr + size). Contents are kept.
  void Unmap(uint32_t addr, uint64_t size);
  // True if every byte of [addr, addr + size) lies on a page with all of `needed` (size may be 0).
  bool RangeHas(uint32_t addr, uint64_t size, uint8_t needed) const;

  // Host-side access, no permission checks (loading, stack setup, replay).
  void WriteBytes(uint32_t addr, std::span<const uint8_t> bytes) {
    if (!bytes.empty()) std::memcpy(base() + addr, bytes.data(), bytes.size());
  }
  uint32_t ReadWord(uint32_t addr) const {  // addr must be 4-byte aligned
    uint32_t value;
    std::memcpy(&value, base() + addr, 4);
    return value;
  }
  void WriteWord(uint32_t addr, uint32_t value) { std::memcpy(base() + addr, &value, 4); }

  // Every nonzero page of the whole address space, whatever its permissions.
  MemoryImage Snapshot() const;

 private:
  VirtualReservation space_;
  VirtualReservation permissions_;  // one byte per page; lazily zero, so setup costs nothing
};

}  // namespace prova::vm
