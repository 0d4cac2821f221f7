// pass_noescape_kept.c — the silent twin of pass_noescape_broken.c, with the
// promise read from the annotation file (interposed/keeper.ini's `noescape =
// yes`, -cgosan-annotations) instead of -cgosan-noescape, under
// retention=full: keeper_sum keeps its promise, so later calls and a
// collection touch nothing watched; keeper_hold is handed a copy in C
// memory, which it may keep; a stack buffer passed to keeper_sum is what
// the promise allows. Nothing needs a pin. Registered at -O0 and -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=keeper_* -mllvm -cgosan-annotations=%S/interposed/keeper.ini
// FOREIGN: interposed/keeper.c
// ENV: CGOSAN_OPTIONS=retention=full
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interposed/keeper.h"

static const cgosan_type kBufType = {"char[16]", 16, 0, NULL, 0};

// STDOUT:sum 436 436 436
// STDOUT-NEXT:on the stack 534
// STDOUT-NEXT:peeked e

static void managed_main(void *arg) {
  (void)arg;
  char *buf = cgosan_new(&kBufType);
  snprintf(buf, 16, "kept");
  long first = keeper_sum(buf, 4);
  long second = keeper_sum(buf, 4);
  cgosan_gc();
  long third = keeper_sum(buf, 4);
  printf("sum %ld %ld %ld\n", first, second, third);
  char local[8] = "stack";  // a G-stack address: what noescape allows
  long on_stack = keeper_sum(local, 5);
  printf("on the stack %ld\n", on_stack);
  char *copy = malloc(16);
  memcpy(copy, buf, 16);
  keeper_hold(copy);  // the fix: C memory, the library's to keep
  int peeked = keeper_peek(1);
  printf("peeked %c\n", peeked);
  free(copy);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
