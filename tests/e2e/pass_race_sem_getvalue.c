// pass_race_sem_getvalue.c — polling sem_getvalue until a sem_post shows
// orders the poster's past before the poller (sem_getvalue acquires, as
// TSan's does). A worker writes a managed counter, posts, and here writes
// it again after the post; main polls the count, waits for a relaxed flag
// (no edge) and reads the counter: the read races with the second write
// only. Twin: pass_race_sem_getvalue_ordered.c, without the write after
// the post: silent.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#include "pass_race_counter.h"

#ifndef ORDERED  // pass_race_sem_getvalue_ordered.c: 1
#define ORDERED 0
#endif

static sem_t posted;

static void *worker(void *arg) {
  (void)arg;
  shared->count = 1;
  sem_post(&posted);
  if (!ORDERED)
    shared->count = 2;
  raise_flag();
  return NULL;
}

int main(void) {
  new_shared();
  sem_init(&posted, 0, 0);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  int value = 0;
  while (sem_getvalue(&posted, &value) != 0 || value == 0)
    sched_yield();
  wait_for_flag();
  printf("count %d\n", shared->count);
  pthread_join(t, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 4 at 0x[[OBJ:[0-9a-f]+]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_sem_getvalue.c:44:32
// CHECK:  0x[[OBJ]] is object of type 'struct shared' (4 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[OBJ]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in worker {{.*}}/pass_race_sem_getvalue.c:30:19
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in start_thread {{.*}}
// CHECK-NEXT:  0x[[OBJ]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_shared {{.*}}/pass_race_counter.h:18:12
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_sem_getvalue.c:44:32 in main
// STDOUT:count 2
