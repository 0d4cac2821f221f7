// bdwgc_hidden_pointer_gc_struct.c — the silent twin of
// bdwgc_hidden_pointer.c: the struct holding the only reference comes from
// GC_MALLOC, memory bdwgc scans, so the node stays reachable through it and
// nothing is hidden: no report at the store, and the collection keeps the
// node. Built with the clang pass and -cgosan-check-stores, run with
// cgocheck=2.
//
// RUN-UNDER: cgosan-run --heap bdwgc --
// LIBS: -lgc
// ENV: CGOSAN_OPTIONS=cgocheck=2:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-check-stores
#include <gc/gc.h>
#include <stdio.h>

struct node { long value; };
struct holder { struct node *node; };

__attribute__((noinline)) static void link_node(struct holder *h) {
  struct node *n = GC_MALLOC(sizeof *n);
  n->value = 42;
  h->node = n;
}

// CHECK-NOT:{{.}}
// STDOUT:read 42
int main(void) {
  GC_INIT();
  struct holder *h = GC_MALLOC(sizeof *h);
  link_node(h);
  GC_gcollect();
  printf("read %ld\n", h->node->value);
  return 0;
}
