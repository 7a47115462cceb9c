/*
 * The libatomic calls GCC emits for std::atomic / __atomic builtins on RV32IM, which has no A
 * extension. A guest runs on one hart with no interrupts, so plain loads and stores are atomic.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PROVA_ATOMIC_FUNCTIONS(N, T)                                                         \
  T __atomic_load_##N(const volatile void* p, int order) {                                   \
    (void)order;                                                                             \
    return *(const volatile T*)p;                                                            \
  }                                                                                          \
  void __atomic_store_##N(volatile void* p, T value, int order) {                            \
    (void)order;                                                                             \
    *(volatile T*)p = value;                                                                 \
  }                                                                                          \
  T __atomic_exchange_##N(volatile void* p, T value, int order) {                            \
    (void)order;                                                                             \
    T old = *(volatile T*)p;                                                                 \
    *(volatile T*)p = value;                                                                 \
    return old;                                                                              \
  }                                                                                          \
  bool __atomic_compare_exchange_##N(volatile void* p, void* expected, T desired, bool weak, \
                                     int success, int failure) {                             \
    (void)weak;                                                                              \
    (void)success;                                                                           \
    (void)failure;                                                                           \
    T current = *(volatile T*)p;                                                             \
    if (current == *(T*)expected) {                                                          \
      *(volatile T*)p = desired;                                                             \
      return true;                                                                           \
    }                                                                                        \
    *(T*)expected = current;                                                                 \
    return false;                                                                            \
  }                                                                                          \
  PROVA_ATOMIC_OP(N, T, add, old + value)                                                    \
  PROVA_ATOMIC_OP(N, T, sub, old - value)                                                    \
  PROVA_ATOMIC_OP(N, T, and, old& value)                                                     \
  PROVA_ATOMIC_OP(N, T, or, old | value)                                                     \
  PROVA_ATOMIC_OP(N, T, xor, old ^ value)                                                    \
  PROVA_ATOMIC_OP(N, T, nand, ~(old & value))

#define PROVA_ATOMIC_OP(N, T, NAME, EXPRESSION)                         \
  T __atomic_fetch_##NAME##_##N(volatile void* p, T value, int order) { \
    (void)order;                                                        \
    T old = *(volatile T*)p;                                            \
    *(volatile T*)p = (T)(EXPRESSION);                                  \
    return old;                                                         \
  }                                                                     \
  T __atomic_##NAME##_fetch_##N(volatile void* p, T value, int order) { \
    (void)order;                                                        \
    T old = *(volatile T*)p;                                            \
    T result = (T)(EXPRESSION);                                         \
    *(volatile T*)p = result;                                           \
    return result;                                                      \
  }

PROVA_ATOMIC_FUNCTIONS(1, uint8_t)
PROVA_ATOMIC_FUNCTIONS(2, uint16_t)
PROVA_ATOMIC_FUNCTIONS(4, uint32_t)
PROVA_ATOMIC_FUNCTIONS(8, uint64_t)

/* Objects of any other size (std::atomic<SomeStruct>). */
void __atomic_load(size_t size, const volatile void* p, void* out, int order) {
  (void)order;
  memcpy(out, (const void*)p, size);
}

void __atomic_store(size_t size, volatile void* p, void* value, int order) {
  (void)order;
  memcpy((void*)p, value, size);
}

void __atomic_exchange(size_t size, volatile void* p, void* value, void* old, int order) {
  (void)order;
  memcpy(old, (const void*)p, size);
  memcpy((void*)p, value, size);
}

bool __atomic_compare_exchange(size_t size, volatile void* p, void* expected, void* desired,
                               int success, int failure) {
  (void)success;
  (void)failure;
  if (memcmp((const void*)p, expected, size) == 0) {
    memcpy((void*)p, desired, size);
    return true;
  }
  memcpy(expected, (const void*)p, size);
  return false;
}
