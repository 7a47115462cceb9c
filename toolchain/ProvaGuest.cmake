# prova_add_guest(<name> SOURCES <files>... [INCLUDES <dirs>...] [LIBS <targets>...])
#
# Builds the guest ELF <name>.elf from C / C++ sources, linked with the Prova guest runtime (start
# code, system glue, C++ runtime) and the SDK linker script. Requires the toolchain file
# toolchain/riscv32-prova.cmake. Plain add_executable() targets can link prova::guest_runtime.
include_guard(GLOBAL)

if(NOT PROVA_GUEST_SDK_DIR OR NOT CMAKE_SYSTEM_PROCESSOR STREQUAL "riscv32")
  message(FATAL_ERROR "ProvaGuest needs -DCMAKE_TOOLCHAIN_FILE=<prova>/toolchain/riscv32-prova.cmake")
endif()

# Unoptimised guests cost several times more cycles to prove: default to Release.
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

enable_language(C)
enable_language(CXX)
enable_language(ASM)

option(PROVA_GUEST_WERROR "Treat warnings in guest code as errors" OFF)

set(_prova_guest_warnings -Wall -Wextra)
if(PROVA_GUEST_WERROR)
  list(APPEND _prova_guest_warnings -Werror)
endif()

add_library(prova_guest_runtime OBJECT
  "${PROVA_GUEST_SDK_DIR}/src/crt0.S"
  "${PROVA_GUEST_SDK_DIR}/src/runtime.c"
  "${PROVA_GUEST_SDK_DIR}/src/atomic.c"
  "${PROVA_GUEST_SDK_DIR}/src/cxx_runtime.cc"
  "${PROVA_GUEST_SDK_DIR}/src/cxx_library.cc")
target_include_directories(prova_guest_runtime PUBLIC "${PROVA_GUEST_SDK_DIR}/include")
target_compile_features(prova_guest_runtime PUBLIC cxx_std_20)
target_compile_options(prova_guest_runtime PRIVATE ${_prova_guest_warnings}
                       $<$<NOT:$<CONFIG:Debug>>:-O2>)
# Object library: every object is linked, so picolibc's references to write/sbrk/stdout resolve
# whatever the link order; --gc-sections drops what the guest does not use.
add_library(prova::guest_runtime ALIAS prova_guest_runtime)

function(prova_add_guest name)
  cmake_parse_arguments(ARG "" "" "SOURCES;INCLUDES;LIBS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "prova_add_guest(${name}): SOURCES is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS "${PROVA_GUEST_LINKER_SCRIPT}")
  target_include_directories(${name} PRIVATE ${ARG_INCLUDES})
  target_compile_options(${name} PRIVATE ${_prova_guest_warnings})
  target_link_libraries(${name} PRIVATE prova::guest_runtime ${ARG_LIBS})
endfunction()
