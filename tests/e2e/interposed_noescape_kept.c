// interposed_noescape_kept.c — the silent twin of
// interposed_noescape_broken.c, under retention=full: keeper_sum keeps its
// noescape promise (it reads its managed buffer during the call only), so
// later calls and collections touch nothing watched; keeper_hold is handed a
// copy in C memory, which it may keep; a stack buffer passed to keeper_sum
// is what the promise allows. Nothing needs a pin.
//
// SHARED-LIB: interposed/keeper.c
// PREP: cgosan-gen %S/interposed/keeper.h --lib %w/libkeeper.so --annotations %S/interposed/keeper.ini -o %w/keeper-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/keeper-interposer.so --
// ENV: CGOSAN_OPTIONS=retention=full
#include <cgosan/cgosan.h>
#include <keeper.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  printf("sum %ld %ld %ld\n", first, second, keeper_sum(buf, 4));
  char local[8] = "stack";  // a G-stack address: what noescape allows
  long on_stack = keeper_sum(local, 5);
  printf("on the stack %ld\n", on_stack);
  char *copy = malloc(16);
  memcpy(copy, buf, 16);
  keeper_hold(copy);  // the fix: C memory, the library's to keep
  printf("peeked %c\n", keeper_peek(1));
  free(copy);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
