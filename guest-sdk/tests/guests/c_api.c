/*
 * The C API: the input is a little-endian uint32 count n followed by n bytes; the guest commits n,
 * the bytes reversed and their sum, and exits with n % 7. An input shorter than announced makes
 * prova_read_exact stop the guest with PROVA_EXIT_INPUT_SHORT.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "prova/guest.h"

int main(void) {
  uint32_t count;
  prova_read_exact(&count, sizeof(count));
  uint8_t* bytes = malloc(count ? count : 1);
  if (bytes == NULL) return 99;
  prova_read_exact(bytes, count);
  uint8_t extra;
  if (prova_read(&extra, 1) != 0) {
    prova_eprint("c_api: trailing input\n");
    prova_exit(98);
  }

  uint32_t sum = 0;
  for (uint32_t i = 0; i < count; ++i) sum += bytes[i];
  for (uint32_t i = 0; i < count / 2; ++i) {
    uint8_t t = bytes[i];
    bytes[i] = bytes[count - 1 - i];
    bytes[count - 1 - i] = t;
  }
  prova_commit(&count, sizeof(count));
  prova_commit(bytes, count);
  prova_commit(&sum, sizeof(sum));
  free(bytes);

  prova_print("c_api: ");
  printf("count %u sum %u\n", (unsigned)count, (unsigned)sum);
  return (int)(count % 7);
}
