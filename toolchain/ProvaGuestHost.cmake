# Host-side build of guest projects: each one is a separate CMake project configured with the guest
# toolchain file (ExternalProject), so host and guest flags never mix.
#
#   prova_add_guest_project(<target> SOURCE_DIR <dir> BINARY_DIR <dir> GUESTS <name>...)
#
# Building <target> builds <BINARY_DIR>/<name>.elf for every listed guest. The guest build runs on
# every host build (it is incremental, so this is cheap) so that edits to guest sources are seen.
include_guard(GLOBAL)
include(ExternalProject)

set(PROVA_GUEST_TOOLCHAIN_FILE "${CMAKE_CURRENT_LIST_DIR}/riscv32-prova.cmake" CACHE INTERNAL
    "Toolchain file for guest projects")
find_program(PROVA_QEMU_RISCV32 qemu-riscv32)
find_program(PROVA_GUEST_CROSS_GCC riscv64-linux-gnu-gcc)
if(NOT PROVA_GUEST_CROSS_GCC)
  message(FATAL_ERROR "Building the guests needs riscv64-linux-gnu-gcc (Debian: "
                      "g++-riscv64-linux-gnu); install it or configure with -DPROVA_BUILD_GUESTS=OFF")
endif()

function(prova_add_guest_project target)
  cmake_parse_arguments(ARG "" "SOURCE_DIR;BINARY_DIR" "GUESTS" ${ARGN})
  set(elves "")
  foreach(guest IN LISTS ARG_GUESTS)
    list(APPEND elves "${ARG_BINARY_DIR}/${guest}.elf")
  endforeach()
  if(PROVA_WERROR)
    set(werror ON)
  else()
    set(werror OFF)
  endif()
  ExternalProject_Add(${target}
    SOURCE_DIR "${ARG_SOURCE_DIR}"
    BINARY_DIR "${ARG_BINARY_DIR}"
    CMAKE_ARGS
      "-DCMAKE_TOOLCHAIN_FILE=${PROVA_GUEST_TOOLCHAIN_FILE}"
      -DCMAKE_BUILD_TYPE=Release
      -DPROVA_GUEST_WERROR=${werror}
    BUILD_ALWAYS ON
    INSTALL_COMMAND ""
    BUILD_BYPRODUCTS ${elves})
endfunction()
