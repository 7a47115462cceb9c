#include "prover/rv32im/prove.h"

#include "common/error.h"

namespace prova::rv32im {

ExecutionProof ProveExecution(const vm::ProgramImage&, std::span<const uint8_t>,
                              const ProveExecutionOptions&) {
  throw Error("not implemented");
}

}  // namespace prova::rv32im
