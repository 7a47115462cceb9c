# CMake toolchain file for Prova guests: RV32IM, ilp32 soft float, static, non-PIE ELF.
#
#   cmake -S my-guest -B build-guest -DCMAKE_TOOLCHAIN_FILE=<prova>/toolchain/riscv32-prova.cmake
#
# Code generation uses Debian's riscv64-linux-gnu cross compiler in rv32im/ilp32 mode. Nothing of
# glibc is used: the C library is picolibc's rv32im build, the support library the rv32im libgcc
# of gcc-riscv64-unknown-elf, libstdc++ is used header-only, and the Prova guest SDK provides the
# start code, linker script and system glue (include(ProvaGuest) for prova_add_guest()).

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

get_filename_component(PROVA_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(PROVA_TOOLCHAIN_DIR "${PROVA_SOURCE_ROOT}/toolchain")
set(PROVA_GUEST_SDK_DIR "${PROVA_SOURCE_ROOT}/guest-sdk")
list(APPEND CMAKE_MODULE_PATH "${PROVA_TOOLCHAIN_DIR}")

set(PROVA_CROSS_PREFIX "riscv64-linux-gnu-" CACHE STRING "Prefix of the cross compiler binaries")
set(PROVA_PICOLIBC_DIR "/usr/lib/picolibc/riscv64-unknown-elf" CACHE PATH "picolibc install")
set(PROVA_LIBSTDCXX_INCLUDE_DIR "/usr/riscv64-linux-gnu/include/c++/12" CACHE PATH
    "libstdc++ headers (used header-only)")
set(PROVA_LIBSTDCXX_TARGET "riscv64-linux-gnu" CACHE STRING
    "Subdirectory of the libstdc++ headers with the target configuration")
if(NOT PROVA_RV32_LIBGCC)
  file(GLOB _prova_libgcc_candidates "/usr/lib/gcc/riscv64-unknown-elf/*/rv32im/ilp32/libgcc.a")
  if(NOT _prova_libgcc_candidates)
    message(FATAL_ERROR "No rv32im/ilp32 libgcc.a under /usr/lib/gcc/riscv64-unknown-elf: install "
                        "gcc-riscv64-unknown-elf or set PROVA_RV32_LIBGCC")
  endif()
  list(SORT _prova_libgcc_candidates COMPARE NATURAL ORDER DESCENDING)
  list(GET _prova_libgcc_candidates 0 _prova_libgcc)
  set(PROVA_RV32_LIBGCC "${_prova_libgcc}" CACHE FILEPATH "libgcc.a built for rv32im/ilp32")
endif()
if(NOT EXISTS "${PROVA_PICOLIBC_DIR}/lib/release/rv32im/ilp32/libc.a")
  message(FATAL_ERROR "No rv32im/ilp32 picolibc under ${PROVA_PICOLIBC_DIR}: install "
                      "picolibc-riscv64-unknown-elf or set PROVA_PICOLIBC_DIR")
endif()
if(NOT EXISTS "${PROVA_LIBSTDCXX_INCLUDE_DIR}/${PROVA_LIBSTDCXX_TARGET}/bits/c++config.h")
  message(FATAL_ERROR "No libstdc++ headers under ${PROVA_LIBSTDCXX_INCLUDE_DIR}: install "
                      "g++-riscv64-linux-gnu or set PROVA_LIBSTDCXX_INCLUDE_DIR")
endif()
# try_compile projects see only these variables from the cache.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PROVA_CROSS_PREFIX PROVA_PICOLIBC_DIR
     PROVA_LIBSTDCXX_INCLUDE_DIR PROVA_LIBSTDCXX_TARGET PROVA_RV32_LIBGCC)

find_program(PROVA_GUEST_CC "${PROVA_CROSS_PREFIX}gcc" REQUIRED)
find_program(PROVA_GUEST_CXX "${PROVA_CROSS_PREFIX}g++" REQUIRED)
set(CMAKE_C_COMPILER "${PROVA_GUEST_CC}")
set(CMAKE_CXX_COMPILER "${PROVA_GUEST_CXX}")
set(CMAKE_ASM_COMPILER "${PROVA_GUEST_CC}")
# The compiler checks cannot link a program before the SDK runtime exists.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

execute_process(COMMAND "${PROVA_GUEST_CC}" -print-file-name=include
                OUTPUT_VARIABLE PROVA_GCC_INCLUDE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
set(PROVA_PICOLIBC_LIB_DIR "${PROVA_PICOLIBC_DIR}/lib/release/rv32im/ilp32")
set(PROVA_GUEST_LINKER_SCRIPT "${PROVA_GUEST_SDK_DIR}/link/prova.ld")

# Code generation. -mstrict-align: misaligned accesses fault in the zkVM, never emit them.
set(_prova_arch "-march=rv32im -mabi=ilp32 -mcmodel=medlow -mstrict-align")
set(_prova_codegen "-fno-pic -fno-pie -fno-plt -ffunction-sections -fdata-sections \
-ftls-model=local-exec -fno-stack-protector -fno-asynchronous-unwind-tables -U_FORTIFY_SOURCE")
# picolibc replaces glibc; the shim directory adapts libstdc++'s linux configuration to it.
set(_prova_c_includes "-nostdinc -isystem ${PROVA_GUEST_SDK_DIR}/shim \
-isystem ${PROVA_GCC_INCLUDE_DIR} -isystem ${PROVA_PICOLIBC_DIR}/include")
set(_prova_cxx_includes "-nostdinc -nostdinc++ -isystem ${PROVA_GUEST_SDK_DIR}/shim \
-isystem ${PROVA_LIBSTDCXX_INCLUDE_DIR} \
-isystem ${PROVA_LIBSTDCXX_INCLUDE_DIR}/${PROVA_LIBSTDCXX_TARGET} \
-isystem ${PROVA_LIBSTDCXX_INCLUDE_DIR}/backward \
-isystem ${PROVA_GCC_INCLUDE_DIR} -isystem ${PROVA_PICOLIBC_DIR}/include")

set(CMAKE_C_FLAGS_INIT "${_prova_arch} ${_prova_codegen} ${_prova_c_includes}")
set(CMAKE_CXX_FLAGS_INIT "${_prova_arch} ${_prova_codegen} ${_prova_cxx_includes} \
-fno-exceptions -fno-rtti -fno-threadsafe-statics")
set(CMAKE_ASM_FLAGS_INIT "${_prova_arch} ${_prova_c_includes}")

# Linking: the SDK linker script, no crt files or libraries from the compiler driver.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_prova_arch} -nostdlib -nostartfiles -static -no-pie \
-Wl,-m,elf32lriscv -Wl,-T,${PROVA_GUEST_LINKER_SCRIPT} -Wl,--gc-sections \
-Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096 -Wl,--build-id=none -Wl,-z,noexecstack")
set(_prova_libraries "-Wl,--start-group ${PROVA_PICOLIBC_LIB_DIR}/libc.a \
${PROVA_PICOLIBC_LIB_DIR}/libm.a ${PROVA_RV32_LIBGCC} -Wl,--end-group")
set(CMAKE_C_STANDARD_LIBRARIES "${_prova_libraries}" CACHE STRING "" FORCE)
set(CMAKE_CXX_STANDARD_LIBRARIES "${_prova_libraries}" CACHE STRING "" FORCE)

set(CMAKE_FIND_ROOT_PATH "${PROVA_PICOLIBC_DIR}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Run guests under qemu-user (for try_run and for `ctest` in guest projects).
find_program(PROVA_QEMU_RISCV32 qemu-riscv32)
if(PROVA_QEMU_RISCV32)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${PROVA_QEMU_RISCV32}")
endif()
