/* pass_race_libc_writes.h — C code NOT built with the pass that fills
 * buffers through libc (pass_race_libc.c): only the runtime's libc
 * interceptors can see these writes. */
#ifndef CGOSAN_TESTS_E2E_PASS_RACE_LIBC_WRITES_H
#define CGOSAN_TESTS_E2E_PASS_RACE_LIBC_WRITES_H

#include <stddef.h>

struct libc_buffers {
  char *text, *bytes, *name, *copy, *fill; /* 16 bytes each */
};

/* snprintf "row 42" into text (7 bytes with the NUL), read 5 bytes from a
 * pipe into bytes, strncpy "cgo" into name padded to 16, memcpy 12 bytes
 * into copy, memset 10 bytes of fill. */
void libc_writes(struct libc_buffers *b);

#endif
