// `prova image-id`: the image ID of a guest ELF (docs/image-id.md), lowercase hex on stdout.

#include <fmt/core.h>

#include <memory>
#include <string>

#include "cli/commands.h"
#include "common/file_io.h"
#include "prover/rv32im/image_id.h"
#include "vm/elf_loader.h"

namespace prova::cli {

void RegisterImageIdCommand(CLI::App& app, int* exit_status) {
  auto elf_path = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "image-id", "Print the image ID of a guest ELF (what `prova verify --image-id` expects)");
  command->add_option("guest", *elf_path, "Guest ELF (RV32IM)")->required();
  command->callback([elf_path, exit_status] {
    vm::ProgramImage image = vm::LoadElf(ReadFileBytes(*elf_path));
    fmt::print("{}\n", ToHex(rv32im::ComputeImageId(image)));
    *exit_status = 0;
  });
}

}  // namespace prova::cli
