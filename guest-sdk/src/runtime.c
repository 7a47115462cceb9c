/*
 * The guest runtime: start-up after crt0, the Prova API, and the system interface picolibc expects
 * from its host (read/write/_exit/sbrk, the stdin/stdout/stderr streams, signals).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "prova/guest.h"

int main(int argc, char** argv, char** envp);
void __libc_init_array(void);

/* picolibc's __libc_init_array / __libc_fini_array also call these (the ELF .init/.fini era). */
void _init(void) {}
void _fini(void) {}

__attribute__((noreturn, used)) void __prova_start(int argc, char** argv, char** envp) {
  __libc_init_array();
  exit(main(argc, argv, envp));
}

/* ---- raw system interface ---- */

__attribute__((noreturn)) void prova_halt(int code) {
  for (;;) prova_syscall3(PROVA_SYS_EXIT, code, 0, 0);
}

void _exit(int code) { prova_halt(code); }

ssize_t read(int fd, void* buf, size_t len) {
  long result = prova_syscall3(PROVA_SYS_READ, fd, (long)buf, (long)len);
  if (result < 0) {
    errno = (int)-result;
    return -1;
  }
  return result;
}

ssize_t write(int fd, const void* buf, size_t len) {
  long result = prova_syscall3(PROVA_SYS_WRITE, fd, (long)buf, (long)len);
  if (result < 0) {
    errno = (int)-result;
    return -1;
  }
  return result;
}

/* sbrk over brk(2): the kernel (or the zkVM) answers every brk call with the current break. */
void* sbrk(ptrdiff_t increment) {
  static uintptr_t current_break;
  if (current_break == 0) current_break = (uintptr_t)prova_syscall3(PROVA_SYS_BRK, 0, 0, 0);
  uintptr_t old_break = current_break;
  uintptr_t new_break = old_break + (uintptr_t)increment;
  if ((increment > 0 && new_break < old_break) || (increment < 0 && new_break > old_break)) {
    errno = ENOMEM;
    return (void*)-1;
  }
  if (increment != 0) {
    uintptr_t result = (uintptr_t)prova_syscall3(PROVA_SYS_BRK, (long)new_break, 0, 0);
    if (result != new_break) {
      errno = ENOMEM;
      return (void*)-1;
    }
    current_break = new_break;
  }
  return (void*)old_break;
}

/* raise() delivers default actions through kill(getpid(), sig): there is one process. */
pid_t getpid(void) { return 1; }

int kill(pid_t pid, int sig) {
  if (pid != 1) {
    errno = ESRCH;
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  prova_halt(128 + sig);
}

__attribute__((noreturn)) void abort(void) {
  static const char kMessage[] = "guest: abort()\n";
  fflush(stdout);
  fflush(stderr);
  write(PROVA_FD_STDERR, kMessage, sizeof(kMessage) - 1);
  prova_halt(PROVA_EXIT_ABORT);
}

/* ---- stdio streams ---- */

/* Line-buffered streams over write(2); the buffer cuts the number of syscalls per printf. */
struct prova_stream {
  FILE file; /* first member: picolibc passes &file back to the callbacks */
  int fd;
  size_t length;
  char buffer[256];
};

static int stream_flush(FILE* file) {
  struct prova_stream* stream = (struct prova_stream*)file;
  size_t done = 0;
  while (done < stream->length) {
    ssize_t n = write(stream->fd, stream->buffer + done, stream->length - done);
    if (n <= 0) {
      stream->length = 0;
      return EOF;
    }
    done += (size_t)n;
  }
  stream->length = 0;
  return 0;
}

static int stream_put(char c, FILE* file) {
  struct prova_stream* stream = (struct prova_stream*)file;
  stream->buffer[stream->length++] = c;
  if (c == '\n' || stream->length == sizeof(stream->buffer)) return stream_flush(file);
  return 0;
}

/* stdin is the private input, one byte per read(2): use prova_read for bulk input. */
static int stream_get(FILE* file) {
  (void)file;
  unsigned char c;
  ssize_t n = read(PROVA_FD_INPUT, &c, 1);
  if (n == 1) return c;
  return n == 0 ? _FDEV_EOF : _FDEV_ERR;
}

static struct prova_stream stdout_stream = {
    .file = FDEV_SETUP_STREAM(stream_put, NULL, stream_flush, _FDEV_SETUP_WRITE),
    .fd = PROVA_FD_STDOUT,
};
static struct prova_stream stderr_stream = {
    .file = FDEV_SETUP_STREAM(stream_put, NULL, stream_flush, _FDEV_SETUP_WRITE),
    .fd = PROVA_FD_STDERR,
};
static FILE stdin_stream = FDEV_SETUP_STREAM(NULL, stream_get, NULL, _FDEV_SETUP_READ);

FILE* const stdin = &stdin_stream;
FILE* const stdout = &stdout_stream.file;
FILE* const stderr = &stderr_stream.file;

/* Runs from exit() (via __libc_fini_array) so that output without a final newline is not lost. */
__attribute__((destructor(101))) static void flush_standard_streams(void) {
  stream_flush(stdout);
  stream_flush(stderr);
}

/* ---- Prova API ---- */

size_t prova_read(void* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = read(PROVA_FD_INPUT, (char*)buf + done, len - done);
    if (n < 0) {
      prova_eprint("guest: reading the input failed\n");
      prova_exit(PROVA_EXIT_IO_ERROR);
    }
    if (n == 0) break;
    done += (size_t)n;
  }
  return done;
}

void prova_read_exact(void* buf, size_t len) {
  if (prova_read(buf, len) != len) {
    prova_eprint("guest: the input ended before the expected number of bytes\n");
    prova_exit(PROVA_EXIT_INPUT_SHORT);
  }
}

void prova_write(int fd, const void* data, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, (const char*)data + done, len - done);
    if (n <= 0) {
      /* Not prova_eprint: a failing stderr would recurse. */
      prova_halt(PROVA_EXIT_IO_ERROR);
    }
    done += (size_t)n;
  }
}

void prova_commit(const void* data, size_t len) { prova_write(PROVA_FD_JOURNAL, data, len); }

void prova_print_n(const char* text, size_t len) {
  fflush(stdout);
  prova_write(PROVA_FD_STDOUT, text, len);
}

void prova_eprint_n(const char* text, size_t len) {
  fflush(stderr);
  prova_write(PROVA_FD_STDERR, text, len);
}

void prova_print(const char* text) { prova_print_n(text, strlen(text)); }

void prova_eprint(const char* text) { prova_eprint_n(text, strlen(text)); }

void prova_exit(int code) { exit(code); }
