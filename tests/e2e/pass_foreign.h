/* pass_foreign.h — a tiny C library for the clang pass tests (pass_*.c). It
 * is built WITHOUT the plugin (a `// FOREIGN:` file): foreign code, whose
 * calls from a managed translation unit the pass must route through
 * cgosan_cgocall. Every function records what it saw in pass_foreign_seen. */
#ifndef CGOSAN_TESTS_PASS_FOREIGN_H
#define CGOSAN_TESTS_PASS_FOREIGN_H

#include <stddef.h>

struct pass_foreign_seen {
  int calls;          /* calls of any pass_foreign_* function              */
  int in_managed;     /* cgosan_in_managed() inside the last call          */
  size_t stack_gap;   /* |own frame - caller_local|, bytes, last probe     */
};
extern struct pass_foreign_seen pass_foreign_seen;

/* Sees where it runs; caller_local: the address of a local of the caller. */
long pass_foreign_probe(const void *caller_local, long x);
/* Reads the first word of the struct it is given (a row: {char *data}). */
void *pass_foreign_first_word(void *row);
/* Sets errno to e and returns -1, the way C libraries report failure. */
int pass_foreign_fail(int e);

#endif
