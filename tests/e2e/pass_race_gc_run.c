// pass_race_gc_run.c — a collection does not lose another thread's pending
// stores. A library thread (pass_race_lib.c, built with the pass at -O0)
// stores four adjacent ints into a pinned managed array: one run of stores
// to the race checker, whose first store is in the shadow and whose rest is
// recorded when the run ends. Before it ends, a G collects (cgosan_gc) and
// then reads the third int, ordered with the stores only by relaxed atomics
// (no edge); the library thread's run ends when the thread does, and the
// race is found then, against the whole run. A run is dropped only when its
// object died (the memory may be a new object's); this one is pinned.
// Twin: pass_race_gc_run_ordered.c, the same handoff through a mutex and
// condition variable: silent. Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <stdio.h>

#include "pass_race_lib.h"

#ifndef COMPLETION  // pass_race_gc_run_ordered.c: RACE_LIB_COND
#define COMPLETION RACE_LIB_RELAXED
#endif

static const cgosan_type kInt = {"int", sizeof(int), 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  int *ints = cgosan_new_array(&kInt, 4);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, ints);
  struct race_lib_request *store = race_lib_store_ints_async(ints, 4, 7, COMPLETION);
  race_lib_wait(store);
  cgosan_gc();
  printf("third %d\n", ints[2]);
  if (COMPLETION == RACE_LIB_RELAXED)
    race_lib_let_go(store);
  race_lib_finish(store);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 16 at 0x[[INTS:[0-9a-f]+]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in store_ints {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in request_thread {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK:  0x[[INTS]] is object of type 'int[4]' (16 bytes)
// CHECK-NEXT:  Previous read of size 4 at 0x{{[0-9a-f]+}} by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_gc_run.c:39:24
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_gc_run.c:48:3
// CHECK:  0x[[INTS]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_gc_run.c:33:15
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}} in store_ints
// CHECK-NOT:{{.}}
