// Runs a guest ELF under qemu-riscv32 with the Prova guest ABI's file descriptors: the input on
// fd 0, stdout / stderr captured from fds 1 / 2 and the journal from fd 3. Host-side test support
// for the guest SDK and the examples.
#ifndef PROVA_GUEST_SDK_TESTING_QEMU_RUNNER_H_
#define PROVA_GUEST_SDK_TESTING_QEMU_RUNNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prova::guest_testing {

struct GuestRun {
  bool exited = false;  // false: killed by a signal (a crash inside qemu)
  int exit_code = -1;   // valid when exited
  std::string stdout_text;
  std::string stderr_text;
  std::vector<uint8_t> journal;
};

// The qemu-riscv32 binary configured at build time, or nullopt when there is none.
std::optional<std::string> QemuPath();

// Runs `elf` to completion. Throws std::runtime_error if the process cannot be started.
GuestRun RunUnderQemu(const std::string& elf, const std::vector<uint8_t>& input);

// Reads a whole file. Throws std::runtime_error if it cannot be read.
std::vector<uint8_t> ReadFile(const std::string& path);

}  // namespace prova::guest_testing

#endif  // PROVA_GUEST_SDK_TESTING_QEMU_RUNNER_H_
