/*
 * Prova guest API for C and C++ programs running in the Prova zkVM (RV32IM).
 *
 * The guest ABI is a subset of Linux's, so a guest also runs unchanged under qemu-riscv32:
 *   - the private input is fd 0 (qemu: `<input.bin`),
 *   - guest stdout / stderr are fds 1 / 2 (debug output, not part of any proof),
 *   - the journal, the public output a proof commits to, is fd 3 (qemu: `3>journal.bin`).
 * Values are committed and read as their little-endian in-memory bytes, with no framing: the
 * journal is exactly the concatenation of everything committed.
 */
#ifndef PROVA_GUEST_H_
#define PROVA_GUEST_H_

#include <stddef.h>
#include <stdint.h>

/* Linux syscall numbers implemented by the zkVM (a7 = number, a0..a2 = arguments). */
#define PROVA_SYS_READ 63
#define PROVA_SYS_WRITE 64
#define PROVA_SYS_EXIT 93
#define PROVA_SYS_EXIT_GROUP 94
#define PROVA_SYS_BRK 214

#define PROVA_FD_INPUT 0
#define PROVA_FD_STDOUT 1
#define PROVA_FD_STDERR 2
#define PROVA_FD_JOURNAL 3

/* Exit codes used by the SDK itself when it has to stop a guest. */
#define PROVA_EXIT_INPUT_SHORT 100   /* prova_read_exact: the input ended early */
#define PROVA_EXIT_IO_ERROR 101      /* a read or write syscall reported an error */
#define PROVA_EXIT_OUT_OF_MEMORY 102 /* operator new could not allocate */
#define PROVA_EXIT_CXX_ERROR 103     /* a C++ library error that would have thrown an exception */
#define PROVA_EXIT_ABORT 134         /* abort() or a failed assert(): 128 + SIGABRT, as a shell */

#ifdef __cplusplus
extern "C" {
#endif

/* A raw Linux-style system call. Returns a0 (negative errno on failure). */
static inline long prova_syscall3(long number, long arg0, long arg1, long arg2) {
  register long a0 __asm__("a0") = arg0;
  register long a1 __asm__("a1") = arg1;
  register long a2 __asm__("a2") = arg2;
  register long a7 __asm__("a7") = number;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

/* Reads up to `len` bytes of private input; returns fewer only at the end of the input. */
size_t prova_read(void* buf, size_t len);

/* Reads exactly `len` bytes of private input, or exits with PROVA_EXIT_INPUT_SHORT. */
void prova_read_exact(void* buf, size_t len);

/* Appends `len` bytes to the journal. */
void prova_commit(const void* data, size_t len);

/* Writes all of `data` to a file descriptor (1 = stdout, 2 = stderr, 3 = journal). */
void prova_write(int fd, const void* data, size_t len);

/*
 * Debug output to guest stdout / stderr, unbuffered (pending printf output is flushed first, so the
 * order is kept): a NUL-terminated string, or `len` bytes.
 */
void prova_print(const char* text);
void prova_eprint(const char* text);
void prova_print_n(const char* text, size_t len);
void prova_eprint_n(const char* text, size_t len);

/* Flushes stdio buffers, runs atexit handlers and destructors, then ends the guest. */
__attribute__((noreturn)) void prova_exit(int code);

/* Ends the guest immediately (no flushing, no destructors). */
__attribute__((noreturn)) void prova_halt(int code);

/*
 * The cycle counter (rdcycle / rdcycleh). In the zkVM it counts executed instructions, so the
 * difference of two readings measures proving cost; under qemu it returns host ticks.
 */
static inline uint64_t prova_cycles(void) {
  uint32_t high, low, high_again;
  do {
    __asm__ volatile("rdcycleh %0" : "=r"(high));
    __asm__ volatile("rdcycle %0" : "=r"(low));
    __asm__ volatile("rdcycleh %0" : "=r"(high_again));
  } while (high != high_again);
  return ((uint64_t)high << 32) | low;
}

/* The low 32 bits of the retired-instruction counter (rdinstret). */
static inline uint32_t prova_instret(void) {
  uint32_t count;
  __asm__ volatile("rdinstret %0" : "=r"(count));
  return count;
}

#ifdef __cplusplus
} /* extern "C" */

#include <array>
#include <cstring>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>

namespace prova::guest {

// Types that can be read from the input or committed to the journal as raw bytes.
template <typename T>
concept Plain = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T>;

// Contiguous containers of Plain elements: std::array, std::vector, std::span, std::string, C
// arrays. They are read and committed element by element, never as the container object itself.
template <typename R>
concept PlainRange = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    Plain<std::ranges::range_value_t<R>>;

// Single values: Plain types that are not ranges (a std::span is trivially copyable, and
// committing its pointer and size would be a silent mistake).
template <typename T>
concept PlainValue = Plain<T> && !std::ranges::range<T>;

// Reads up to out.size() bytes of input into `out`; returns the number of bytes read (0 only at
// the end of the input).
inline size_t read_some(std::span<std::byte> out) { return prova_read(out.data(), out.size()); }

template <typename R>
concept WritablePlainRange =
    PlainRange<R> && !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

// Fills every element of `out` from the input, or exits with PROVA_EXIT_INPUT_SHORT.
template <WritablePlainRange R>
void read_into(R&& out) {
  prova_read_exact(std::ranges::data(out),
                   std::ranges::size(out) * sizeof(std::ranges::range_value_t<R>));
}

// Reads one value (sizeof(T) bytes, little-endian), or exits with PROVA_EXIT_INPUT_SHORT.
template <Plain T>
T read() {
  T value;
  prova_read_exact(&value, sizeof(T));
  return value;
}

// Reads N values, or exits with PROVA_EXIT_INPUT_SHORT.
template <Plain T, size_t N>
std::array<T, N> read_array() {
  std::array<T, N> values;
  prova_read_exact(values.data(), sizeof(T) * N);
  return values;
}

// Appends the bytes of `value` to the journal.
template <PlainValue T>
void commit(const T& value) {
  prova_commit(&value, sizeof(T));
}

// Appends the bytes of every element of `values` to the journal.
template <PlainRange R>
void commit(const R& values) {
  prova_commit(std::ranges::data(values),
               std::ranges::size(values) * sizeof(std::ranges::range_value_t<R>));
}

inline void commit_bytes(const void* data, size_t len) { prova_commit(data, len); }

inline void print(std::string_view text) { prova_print_n(text.data(), text.size()); }
inline void eprint(std::string_view text) { prova_eprint_n(text.data(), text.size()); }

[[noreturn]] inline void exit(int code) { prova_exit(code); }
[[noreturn]] inline void halt(int code) { prova_halt(code); }

inline uint64_t cycles() { return prova_cycles(); }

}  // namespace prova::guest

#endif /* __cplusplus */

#endif /* PROVA_GUEST_H_ */
