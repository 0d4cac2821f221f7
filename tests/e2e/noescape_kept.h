/* noescape_kept.h — the program of interposed_noescape_kept.c and
 * pass_noescape_kept.c (included, so the pass compiles it with the test's
 * flags): keeper_sum keeps its noescape promise on a managed buffer, called
 * around a collection, and on a G-stack buffer (what the promise allows);
 * keeper_hold is handed a copy in C memory, which it may keep. Nothing needs
 * a pin, and retention=full stays silent. */
#ifndef CGOSAN_TESTS_E2E_NOESCAPE_KEPT_H
#define CGOSAN_TESTS_E2E_NOESCAPE_KEPT_H

#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interposed/keeper.h"

static const cgosan_type kBufType = {"char[16]", 16, 0, NULL, 0};

static void noescape_kept_main(void *arg) {
  (void)arg;
  char *buf = cgosan_new(&kBufType);
  snprintf(buf, 16, "kept");
  long first = keeper_sum(buf, 4);
  long second = keeper_sum(buf, 4);
  cgosan_gc();
  long third = keeper_sum(buf, 4);
  printf("sum %ld %ld %ld\n", first, second, third);
  char local[8] = "stack";
  long on_stack = keeper_sum(local, 5);
  printf("on the stack %ld\n", on_stack);
  char *copy = malloc(16);
  memcpy(copy, buf, 16);
  keeper_hold(copy);  /* the fix: C memory, the library's to keep */
  int peeked = keeper_peek(1);
  printf("peeked %c\n", peeked);
  free(copy);
}

#endif /* CGOSAN_TESTS_E2E_NOESCAPE_KEPT_H */
