// prova-rvgen: writes a random RV32IM test program as a static ELF32 executable.
//
//   prova-rvgen --seed N [--length L] -o prog.elf            random ALU/M/memory/branch program
//   prova-rvgen --seed N --kind read -o prog.elf --input-out input.bin
//   prova-rvgen --seed N --fault misaligned-load -o prog.elf
//
// Prints one line of key=value facts about the program on stdout (instruction count, and for
// fault programs the pc that must fault and the jump target).

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/tools/program_generator.h"

namespace {

bool WriteFile(const std::string& path, const std::vector<uint8_t>& bytes, bool executable) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return false;
  // qemu-user, like the kernel, refuses to run a file without execute permission.
  std::error_code error;
  if (executable) {
    std::filesystem::permissions(path,
                                 std::filesystem::perms::owner_exec |
                                     std::filesystem::perms::group_exec |
                                     std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add, error);
  }
  return !error;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace prova::rvgen;
  CLI::App app{"Random RV32IM test-program generator (static ELF32 executables)"};
  uint64_t seed = 0;
  uint32_t length = 1000;
  std::string kind = "random";
  std::string fault;
  std::string output;
  std::string input_output;
  app.add_option("--seed", seed, "Seed; the same seed gives the same program")->required();
  app.add_option("--length", length, "Approximate instruction count of the random body")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  app.add_option("--kind", kind, "random: ALU/M/memory/control flow; read: echo the input")
      ->check(CLI::IsMember({"random", "read"}))
      ->capture_default_str();
  std::vector<std::string> fault_names;
  for (FaultKind fault_kind : AllFaultKinds()) fault_names.emplace_back(FaultKindName(fault_kind));
  app.add_option("--fault", fault, "Write a program that faults this way instead")
      ->check(CLI::IsMember(fault_names));
  app.add_option("-o,--output", output, "ELF file to write")->required();
  app.add_option("--input-out", input_output,
                 "Write the private input the program is meant to run with (may be empty)");
  CLI11_PARSE(app, argc, argv);

  GuestProgram program;
  if (!fault.empty()) {
    program = GenerateFaultProgram(*ParseFaultKind(fault), seed);
  } else if (kind == "read") {
    program = GenerateReadProgram(seed);
  } else {
    program = GenerateRandomProgram(seed, length);
  }

  if (!WriteFile(output, program.elf, true)) {
    fmt::print(stderr, "prova-rvgen: cannot write {}\n", output);
    return 1;
  }
  if (!input_output.empty() && !WriteFile(input_output, program.input, false)) {
    fmt::print(stderr, "prova-rvgen: cannot write {}\n", input_output);
    return 1;
  }
  fmt::print("instructions={} input_bytes={}", program.instruction_count, program.input.size());
  if (!fault.empty()) {
    fmt::print(" fault_pc=0x{:08x} fault_target=0x{:08x}", program.fault_pc, program.fault_target);
  }
  fmt::print("\n");
  return 0;
}
