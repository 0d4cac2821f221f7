// bdwgc_hidden_pointer.c — Boehm GC's "hidden pointer" bug, on an unmodified
// program linking the real libgc, under `cgosan-run --heap bdwgc`: the only
// reference to a GC_MALLOC object is stored in a malloc'd struct, which
// bdwgc does not scan. Built with the clang pass and -cgosan-check-stores
// and run with cgocheck=2, the store is reported (unpinned-pointer-store);
// then GC_gcollect frees the object while the struct still points to it,
// reported (retained-pointer) with the store's stack, before the stale
// pointer is read. halt_on_error=0 shows both. The silent twins:
// bdwgc_hidden_pointer_uncollectable.c (GC_MALLOC_UNCOLLECTABLE) and
// bdwgc_hidden_pointer_gc_struct.c (the struct from GC_MALLOC).
//
// RUN-UNDER: cgosan-run --heap bdwgc --
// LIBS: -lgc
// EXIT: 66
// ENV: CGOSAN_OPTIONS=cgocheck=2:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-check-stores
#include <gc/gc.h>
#include <stdio.h>
#include <stdlib.h>

struct node { long value; };
struct holder { struct node *node; };

// Allocates the node in a frame of its own, so that no stack slot of main
// keeps a copy bdwgc would find.
__attribute__((noinline)) static void hide_node(struct holder *h) {
  struct node *n = GC_MALLOC(sizeof *n);
  n->value = 42;
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-store
// CHECK-NEXT:stored pointer 0x[[NODE:[0-9a-f]+]] to an object of heap 'bdwgc' into memory that heap does not scan, at 0x[[SLOT:[0-9a-f]+]] (a hidden pointer)
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in hide_node {{.*}}/bdwgc_hidden_pointer.c:[[#@LINE+6]]:11
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_hidden_pointer.c:[[#@LINE+24]]:3
// CHECK-NEXT:    #{{.*}}
// CHECK:  0x[[NODE]] is object of heap 'bdwgc' ({{[0-9]+}} bytes), which foreign code may not hold
// CHECK-NEXT:  the collector does not scan 0x[[SLOT]]: it may free the object while the pointer stays there; make the object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or keep a reference where the collector looks
// CHECK-NEXT:SUMMARY: CgoSanitizer: unpinned-pointer-store {{.*}}/bdwgc_hidden_pointer.c:[[#@LINE+1]]:11 in hide_node
  h->node = n;
}

// The collection frees the node; its end, which finds the long link the
// adapter put on the node at the store cleared, reports it while the struct
// still points there.
// CHECK:==[[PID]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:object 0x[[NODE]] of heap 'bdwgc' freed by collection {{[0-9]+}} while memory that heap does not scan still points to it, at 0x[[SLOT]]
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in GC_gcollect {{.*}}
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_hidden_pointer.c:[[#@LINE+11]]:3
// CHECK:  0x[[SLOT]] holds 0x[[NODE]]
// CHECK-NEXT:  the pointer was stored into 0x[[SLOT]] at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in hide_node {{.*}}/bdwgc_hidden_pointer.c:[[#@LINE-12]]:11
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_hidden_pointer.c:[[#@LINE+6]]:3
// CHECK-NEXT:    #{{.*}}
// CHECK:SUMMARY: CgoSanitizer: retained-pointer ({{.*}}/libgc.so{{.*}}
int main(void) {
  GC_INIT();
  struct holder *h = malloc(sizeof *h);
  hide_node(h);
  GC_gcollect();
  // The read a sanitizer-free run would make of freed (soon reused) memory.
  printf("read %ld\n", h->node->value);
  free(h);
  return 0;
}
