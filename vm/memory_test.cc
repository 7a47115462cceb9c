#include "vm/memory.h"

#include <gtest/gtest.h>

#include "vm/assembler.h"
#include "vm/machine.h"

namespace prova::vm {
namespace {

TEST(MemoryTest, PermissionsArePerPage) {
  Memory m;
  EXPECT_FALSE(m.RangeHas(0x1000, 1, kRead));
  m.Map(0x1ff0, 0x20, kRead | kWrite);  // straddles two pages
  EXPECT_EQ(m.PagePermissions(0x1000), kRead | kWrite);
  EXPECT_EQ(m.PagePermissions(0x2fff), kRead | kWrite);
  EXPECT_EQ(m.PagePermissions(0x3000), 0);
  EXPECT_TRUE(m.RangeHas(0x1000, 0x2000, kRead | kWrite));
  EXPECT_FALSE(m.RangeHas(0x1000, 0x2001, kRead));
  EXPECT_TRUE(m.RangeHas(0x5000, 0, kWrite));  // empty ranges need nothing
  m.Map(0x2000, 1, kExecute);                  // union
  EXPECT_EQ(m.PagePermissions(0x2000), kRead | kWrite | kExecute);
  m.Unmap(0x2000, 1);
  EXPECT_EQ(m.PagePermissions(0x2000), 0);
  EXPECT_EQ(m.PagePermissions(0x1000), kRead | kWrite);
}

TEST(MemoryTest, RangesDoNotWrapAroundTheAddressSpace) {
  Memory m;
  m.Map(0xfffff000u, 0x1000, kRead);
  m.Map(0, 0x1000, kRead);
  EXPECT_TRUE(m.RangeHas(0xfffff000u, 0x1000, kRead));
  EXPECT_FALSE(m.RangeHas(0xfffffffcu, 8, kRead));
}

TEST(MemoryTest, TheWholeAddressSpaceIsAddressable) {
  Memory m;
  m.WriteWord(0xfffffffcu, 0xdeadbeefu);
  m.WriteWord(0, 1);
  EXPECT_EQ(m.ReadWord(0xfffffffcu), 0xdeadbeefu);
  EXPECT_EQ(m.ReadWord(0x80000000u), 0u);
}

TEST(MemoryTest, SnapshotListsNonzeroPagesInOrder) {
  Memory m;
  EXPECT_TRUE(m.Snapshot().empty());
  m.WriteWord(0xfffffffcu, 7);
  m.WriteWord(0x12344, 9);
  m.WriteWord(0x50000, 0);  // touched but zero: not listed
  const MemoryImage image = m.Snapshot();
  ASSERT_EQ(image.size(), 2u);
  EXPECT_EQ(image[0].address, 0x12000u);
  EXPECT_EQ(image[0].bytes[0x344], 9);
  EXPECT_EQ(image[1].address, 0xfffff000u);
  EXPECT_EQ(image[1].bytes[0xffc], 7);
}

TEST(MemoryTest, InitialImageHoldsSegmentsAndStack) {
  using namespace rv32;
  const ProgramImage program = MakeImage({Addi(a7, zero, 93), Ecall()}, {1, 2, 3}, 0x3000);
  const MemoryImage image = InitialMemoryImage(program);
  ASSERT_EQ(image.size(), 3u);  // code page, first data page, stack top page (bss is zero)
  EXPECT_EQ(image[0].address, kDefaultCodeAddress);
  EXPECT_EQ(image[1].address, kDefaultDataAddress);
  EXPECT_EQ(image[1].bytes[2], 3);
  EXPECT_EQ(image[2].address, kStackTop - kPageSize);
  EXPECT_EQ(image[2].bytes[kPageSize - 32 + 12], 6);  // AT_PAGESZ
}

}  // namespace
}  // namespace prova::vm
