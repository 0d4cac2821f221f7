// pass_race_atomic_plain.c — atomics are accesses as well as edges. A
// library thread (pass_race_lib.c, built with the pass) stores into a
// pinned managed int with a relaxed atomic store; the G then stores into it
// with a plain store, ordered only by relaxed atomics (no edge): a data race
// in C11, and TSan's verdict (an atomic and a plain access of the same
// bytes, unordered). Two atomics never race: the twin,
// pass_race_atomic_both.c, makes the G's store atomic too, and is silent.
// Registered at -O0 and -O2.
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

#ifndef ATOMIC_STORE  // pass_race_atomic_both.c: 1
#define ATOMIC_STORE 0
#endif

static const cgosan_type kInt = {"int", sizeof(int), 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  int *slot = cgosan_new(&kInt);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, slot);
  struct race_lib_request *store = race_lib_atomic_store_async(slot, 1, RACE_LIB_RELAXED);
  race_lib_wait(store);
  if (ATOMIC_STORE)
    __atomic_store_n(slot, 2, __ATOMIC_RELAXED);
  else
    *slot = 2;
  race_lib_let_go(store);
  race_lib_finish(store);
  printf("slot %d\n", __atomic_load_n(slot, __ATOMIC_RELAXED));
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 4 at 0x[[SLOT:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_atomic_plain.c:38:11
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_atomic_plain.c:47:3
// CHECK:  0x[[SLOT]] is object of type 'int' (4 bytes)
// CHECK-NEXT:  Previous atomic write of size 4 at 0x[[SLOT]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in store_int_atomic {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in request_thread {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK:  0x[[SLOT]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_atomic_plain.c:30:15
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_atomic_plain.c:38:11 in managed_main
// CHECK-NOT:{{.}}
