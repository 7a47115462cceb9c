/*
 * libstdc++'s riscv64-linux-gnu configuration (bits/os_defines.h) includes glibc's <features.h>
 * and tests glibc versions with __GLIBC_PREREQ. Guests use picolibc, which is no glibc at all.
 */
#ifndef PROVA_SHIM_FEATURES_H_
#define PROVA_SHIM_FEATURES_H_

#include <sys/features.h>

#define __GLIBC_PREREQ(major, minor) 0

#endif
