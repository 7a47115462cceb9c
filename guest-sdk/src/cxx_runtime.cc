// The parts of libstdc++ / libsupc++ that header-only C++ needs at link time. Guests are built
// with -fno-exceptions -fno-rtti, so every "throw" becomes a message on stderr and an exit.
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "prova/guest.h"

namespace {

[[noreturn]] void Fail(int code, const char* what, const char* detail) {
  std::fflush(stdout);
  std::fprintf(stderr, "guest: %s%s%s\n", what, detail != nullptr ? ": " : "",
               detail != nullptr ? detail : "");
  std::fflush(stderr);
  prova_halt(code);
}

void* Allocate(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) Fail(PROVA_EXIT_OUT_OF_MEMORY, "out of memory in operator new", nullptr);
  return p;
}

void* AllocateAligned(std::size_t size, std::align_val_t alignment) {
  auto align = static_cast<std::size_t>(alignment);
  if (align < sizeof(void*)) align = sizeof(void*);
  // aligned_alloc wants a size that is a multiple of the alignment.
  std::size_t rounded = (size + align - 1) & ~(align - 1);
  if (rounded < size) Fail(PROVA_EXIT_OUT_OF_MEMORY, "out of memory in operator new", nullptr);
  void* p = std::aligned_alloc(align, rounded == 0 ? align : rounded);
  if (p == nullptr) Fail(PROVA_EXIT_OUT_OF_MEMORY, "out of memory in operator new", nullptr);
  return p;
}

}  // namespace

// ---- operator new / delete over malloc ----

void* operator new(std::size_t size) { return Allocate(size); }
void* operator new[](std::size_t size) { return Allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return AllocateAligned(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return AllocateAligned(size, alignment);
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

// ---- the library's error paths (bits/functexcept.h) ----

namespace std {

#define PROVA_THROW_WITH_MESSAGE(name, what) \
  void name(const char* message) { Fail(PROVA_EXIT_CXX_ERROR, what, message); }
#define PROVA_THROW(name, what) \
  void name() { Fail(PROVA_EXIT_CXX_ERROR, what, nullptr); }

PROVA_THROW(__throw_bad_exception, "std::bad_exception")
PROVA_THROW(__throw_bad_cast, "std::bad_cast")
PROVA_THROW(__throw_bad_typeid, "std::bad_typeid")
PROVA_THROW(__throw_bad_function_call, "std::bad_function_call")
PROVA_THROW_WITH_MESSAGE(__throw_logic_error, "std::logic_error")
PROVA_THROW_WITH_MESSAGE(__throw_domain_error, "std::domain_error")
PROVA_THROW_WITH_MESSAGE(__throw_invalid_argument, "std::invalid_argument")
PROVA_THROW_WITH_MESSAGE(__throw_length_error, "std::length_error")
PROVA_THROW_WITH_MESSAGE(__throw_out_of_range, "std::out_of_range")
PROVA_THROW_WITH_MESSAGE(__throw_runtime_error, "std::runtime_error")
PROVA_THROW_WITH_MESSAGE(__throw_range_error, "std::range_error")
PROVA_THROW_WITH_MESSAGE(__throw_overflow_error, "std::overflow_error")
PROVA_THROW_WITH_MESSAGE(__throw_underflow_error, "std::underflow_error")

#undef PROVA_THROW
#undef PROVA_THROW_WITH_MESSAGE

void __throw_bad_alloc() { Fail(PROVA_EXIT_OUT_OF_MEMORY, "std::bad_alloc", nullptr); }
void __throw_bad_array_new_length() {
  Fail(PROVA_EXIT_OUT_OF_MEMORY, "std::bad_array_new_length", nullptr);
}

void __throw_out_of_range_fmt(const char* format, ...) {
  // The library's format only uses %zu / %lu / %s; vsnprintf handles those.
  char message[256];
  std::va_list args;
  va_start(args, format);
  std::vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  Fail(PROVA_EXIT_CXX_ERROR, "std::out_of_range", message);
}

void __throw_system_error(int error) {
  char message[32];
  std::snprintf(message, sizeof(message), "error %d", error);
  Fail(PROVA_EXIT_CXX_ERROR, "std::system_error", message);
}

[[noreturn]] void terminate() noexcept { Fail(PROVA_EXIT_ABORT, "std::terminate", nullptr); }

}  // namespace std

// ---- the C++ ABI (libsupc++) ----

extern "C" {

// One module, no shared objects: every atexit registration belongs to this handle.
void* __dso_handle = &__dso_handle;

void __cxa_pure_virtual() { Fail(PROVA_EXIT_ABORT, "pure virtual function called", nullptr); }
void __cxa_deleted_virtual() { Fail(PROVA_EXIT_ABORT, "deleted virtual function called", nullptr); }

// Function-local statics: single-threaded, so the guard's first byte is the only state needed
// (the guests build with -fno-threadsafe-statics; these cover code that does not).
int __cxa_guard_acquire(std::uint64_t* guard) { return *reinterpret_cast<char*>(guard) == 0; }
void __cxa_guard_release(std::uint64_t* guard) { *reinterpret_cast<char*>(guard) = 1; }
void __cxa_guard_abort(std::uint64_t*) {}

}  // extern "C"
