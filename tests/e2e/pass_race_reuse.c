// pass_race_reuse.c — an object's death leaves nothing behind that hides a
// race on the next object at its address. A worker G writes object A; A
// dies (two collections: one to find it dead, one to end its quarantine);
// the main G allocates B, which lands at A's address, writes it, and hands
// it over with a relaxed store; the worker, which has made no release since
// it wrote A, writes B. Nothing orders the two writes of B: a race, found
// although the worker recorded the very same range, in the same epoch,
// before A died. The steps in between are relaxed atomics (an order in
// time, no edge), waited for in foreign calls so a waiting G is parked.
// Twin: pass_race_reuse_ordered.c hands B over with a release store and
// an acquire load: silent. Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pass_race_lib.h"

#ifndef ORDERED  // pass_race_reuse_ordered.c: 1
#define ORDERED 0
#endif
#define HANDOFF_STORE (ORDERED ? __ATOMIC_RELEASE : __ATOMIC_RELAXED)
#define HANDOFF_LOAD (ORDERED ? __ATOMIC_ACQUIRE : __ATOMIC_RELAXED)

struct obj {
  long value;
};
static const cgosan_type kObj = {"struct obj", sizeof(struct obj), 0, NULL, 0};
static struct obj *slot;  // a root: the object handed over
static int step;          // relaxed steps

// The worker's writes, each in a frame of its own that is gone when the
// worker waits, so no stale copy of A's address on its stack keeps A alive.
__attribute__((noinline)) static void write_a(void) {
  __atomic_load_n(&slot, __ATOMIC_RELAXED)->value = 1;
}

__attribute__((noinline)) static void write_b(void) {
  __atomic_load_n(&slot, HANDOFF_LOAD)->value = 2;
}

static void worker_main(void *arg) {
  (void)arg;
  race_lib_wait_for(&step, 1);
  write_a();
  race_lib_set(&step, 2);
  race_lib_wait_for(&step, 3);
  write_b();
}

static void *worker_thread(void *arg) {
  cgosan_run(worker_main, arg);
  return NULL;
}

// Hands A to the worker and takes it back; returns its address, hidden
// from the collector.
__attribute__((noinline)) static uintptr_t lend_a(void) {
  __atomic_store_n(&slot, cgosan_new(&kObj), __ATOMIC_RELAXED);
  race_lib_set(&step, 1);
  race_lib_wait_for(&step, 2);
  uintptr_t a = (uintptr_t)__atomic_exchange_n(&slot, NULL, __ATOMIC_RELAXED);
  return ~a;
}

static void managed_main(void *arg) {
  (void)arg;
  uintptr_t hidden_a = lend_a();
  cgosan_gc();
  cgosan_gc();
  struct obj *b = cgosan_new(&kObj);
  if ((uintptr_t)b != ~hidden_a)
    abort();  // the test needs B at A's address
  b->value = 3;
  __atomic_store_n(&slot, b, HANDOFF_STORE);
  race_lib_set(&step, 3);
}

int main(void) {
  cgosan_add_root((void **)&slot);
  pthread_t worker;
  pthread_create(&worker, NULL, worker_thread, NULL);
  cgosan_run(managed_main, NULL);
  pthread_join(worker, NULL);
  printf("value %ld\n", slot->value);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 8 at 0x[[B:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in write_b {{.*}}/pass_race_reuse.c:48:47
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in worker_main {{.*}}/pass_race_reuse.c:57:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in worker_thread {{.*}}/pass_race_reuse.c:61:3
// CHECK:  0x[[B]] is object of type 'struct obj' (8 bytes)
// CHECK-NEXT:  Previous write of size 8 at 0x[[B]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_reuse.c:83:12
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_reuse.c:92:3
// CHECK:  0x[[B]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_reuse.c:80:19
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_reuse.c:48:47 in write_b
// CHECK-NOT:{{.}}
