/* pass_race_libc_writes.c — see pass_race_libc_writes.h. Plain C, built
 * without the pass; the lengths are computed at run time so that each is a
 * call into libc. */
#include "pass_race_libc_writes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t length(const char *s) { return strlen(s); }

void libc_writes(struct libc_buffers *b) {
  int fds[2];
  if (pipe(fds) != 0 || write(fds[1], "hello", 5) != 5)
    abort();
  snprintf(b->text, 16, "row %d", 42);
  if (read(fds[0], b->bytes, 16) != 5)
    abort();
  strncpy(b->name, "cgo", length("sixteen bytes..."));
  memcpy(b->copy, "0123456789ab", length("twelve bytes"));
  memset(b->fill, 'x', length("ten bytes."));
  close(fds[0]);
  close(fds[1]);
}
