// bdwgc_hidden_pointer_uncollectable.c — the silent twin of
// bdwgc_hidden_pointer.c: the node is GC_MALLOC_UNCOLLECTABLE, an object
// foreign code may hold, so its only reference may live in a malloc'd
// struct: no report at the store, and no collection frees it. Built with the
// clang pass and -cgosan-check-stores, run with cgocheck=2.
//
// RUN-UNDER: cgosan-run --heap bdwgc --
// LIBS: -lgc
// ENV: CGOSAN_OPTIONS=cgocheck=2:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-check-stores
#include <gc/gc.h>
#include <stdio.h>
#include <stdlib.h>

struct node { long value; };
struct holder { struct node *node; };

__attribute__((noinline)) static void keep_node(struct holder *h) {
  struct node *n = GC_MALLOC_UNCOLLECTABLE(sizeof *n);
  n->value = 42;
  h->node = n;
}

// CHECK-NOT:{{.}}
// STDOUT:read 42
int main(void) {
  GC_INIT();
  struct holder *h = malloc(sizeof *h);
  keep_node(h);
  GC_gcollect();
  printf("read %ld\n", h->node->value);
  GC_FREE(h->node);
  free(h);
  return 0;
}
