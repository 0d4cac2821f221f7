// pass_race_c11_threads.c — C11 <threads.h> synchronisation is seen: glibc
// builds thrd_* and mtx_* on its pthread functions but calls them
// internally, so they need interceptors of their own. Main writes a managed
// counter, starts a worker with thrd_create (ordered), the worker bumps it,
// main waits for a relaxed flag (no edge) and reads it, then joins with
// thrd_join (ordered) and writes it again. Without the mutex the read races
// with the worker's write: one report; the writes around thrd_create and
// thrd_join stay ordered. Twin: pass_race_c11_threads_ordered.c, where the
// worker's update and main's read hold one mtx_t: silent.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <stdio.h>
#include <threads.h>

#include "pass_race_counter.h"

#ifndef ORDERED  // pass_race_c11_threads_ordered.c: 1
#define ORDERED 0
#endif

static mtx_t mu;

static int worker(void *arg) {
  (void)arg;
  if (ORDERED)
    mtx_lock(&mu);
  shared->count++;
  if (ORDERED)
    mtx_unlock(&mu);
  raise_flag();
  return 0;
}

int main(void) {
  new_shared();
  mtx_init(&mu, mtx_plain);
  shared->count = 41;
  thrd_t t;
  if (thrd_create(&t, worker, NULL) != thrd_success)
    return 1;
  wait_for_flag();
  if (ORDERED)
    mtx_lock(&mu);
  printf("count %d\n", shared->count);
  if (ORDERED)
    mtx_unlock(&mu);
  thrd_join(t, NULL);
  shared->count = 0;
  mtx_destroy(&mu);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 4 at 0x[[OBJ:[0-9a-f]+]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_c11_threads.c:47:32
// CHECK:  0x[[OBJ]] is object of type 'struct shared' (4 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[OBJ]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in worker {{.*}}/pass_race_c11_threads.c:30:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK-NEXT:  0x[[OBJ]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_shared {{.*}}/pass_race_counter.h:18:12
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_c11_threads.c:47:32 in main
// STDOUT:count 42
