// pass_race_cancel.c — a cancelled thread's end orders its past before its
// joiner, as a returning one does: a worker writes a managed counter, then
// waits in pause() until main cancels it; main reads the counter after
// pthread_join (ordered) and, here, once before the cancel as well, ordered
// only by a relaxed flag: that read races with the worker's write, one
// report. Twin: pass_race_cancel_ordered.c, with the read after the join
// only: silent (the join used to give no edge for a cancelled thread).
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "pass_race_counter.h"

#ifndef ORDERED  // pass_race_cancel_ordered.c: 1
#define ORDERED 0
#endif

static void *worker(void *arg) {
  (void)arg;
  shared->count++;
  raise_flag();
  for (;;)
    pause();  // a cancellation point
}

int main(void) {
  new_shared();
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  wait_for_flag();
  if (!ORDERED)
    printf("before the join: %d\n", shared->count);
  pthread_cancel(t);
  pthread_join(t, NULL);
  printf("after the join: %d\n", shared->count);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 4 at 0x[[OBJ:[0-9a-f]+]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_cancel.c:37:45
// CHECK:  0x[[OBJ]] is object of type 'struct shared' (4 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[OBJ]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in worker {{.*}}/pass_race_cancel.c:25:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK-NEXT:  0x[[OBJ]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_shared {{.*}}/pass_race_counter.h:18:12
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_cancel.c:37:45 in main
// STDOUT:before the join: 1
// STDOUT-NEXT:after the join: 1
