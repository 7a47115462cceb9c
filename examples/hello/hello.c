/*
 * The smallest guest: prints a line to stdout (debug output, not proven) and commits a fixed
 * journal. Journal: the 24 ASCII bytes "hello from a Prova guest" followed by the little-endian
 * uint32 42 (28 bytes).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "prova/guest.h"

int main(void) {
  static const char kGreeting[] = "hello from a Prova guest";
  const uint32_t answer = 42;
  printf("%s\n", kGreeting);
  prova_commit(kGreeting, strlen(kGreeting));
  prova_commit(&answer, sizeof(answer));
  return 0;
}
