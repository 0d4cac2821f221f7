// tsan_callback_race.c — in a program built with -fsanitize=thread, a
// managed callback on a thread a C library made (an extra M, a fresh G)
// writes C memory that managed code on the main thread's G wrote, with
// nothing ordering the two: TSan reports the race. Each G is a TSan fiber
// (rtl/fiber_switch.h), named after the G, created where the program
// entered managed code; the crossings themselves are program order.
// A relaxed flag (no happens-before for TSan) makes the order of the two
// writes the same on every run.
//
// CFLAGS: -fsanitize=thread
// ENV: TSAN_OPTIONS=halt_on_error=1
// EXIT: 66
// CHECK:==================
// CHECK-NEXT:WARNING: ThreadSanitizer: data race (pid={{[0-9]+}})
// CHECK-NEXT:  Write of size 4 at 0x[[ADDR:[0-9a-f]+]] by thread T[[CB:[0-9]+]]:
// CHECK-NEXT:    #0 managed_callback {{.*}}tsan_callback_race.c:[[#CB_LINE:@LINE+24]]:13 ({{.*}})
// CHECK:  Previous write of size 4 at 0x[[ADDR]] by thread T[[MAIN:[0-9]+]]:
// CHECK-NEXT:    #0 managed_main {{.*}}tsan_callback_race.c:[[#@LINE+42]]:13 ({{.*}})
// CHECK:  Thread T[[CB]] 'cgosan G {{[0-9]+}}' (tid=0, {{running|finished}}) created by thread T{{[0-9]+}} at:
// CHECK:    #{{[0-9]+}} lib_thread_main {{.*}}tsan_callback_race.c:[[#@LINE+24]]:3 ({{.*}})
// CHECK:  Thread T[[MAIN]] 'cgosan G {{[0-9]+}}' (tid=0, running) created by main thread at:
// CHECK:    #{{[0-9]+}} main {{.*}}tsan_callback_race.c:[[#@LINE+45]]:3 ({{.*}})
// CHECK:SUMMARY: ThreadSanitizer: data race {{.*}}tsan_callback_race.c:[[#CB_LINE]]:13 in managed_callback
// CHECK-NEXT:==================
// CHECK-NOT:done
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static int *shared;  // C memory
static int written;  // relaxed: orders the run, not the memory
static pthread_t lib_thread;

static void managed_callback(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000000 && !__atomic_load_n(&written, __ATOMIC_RELAXED); i++)
    sched_yield();
  shared[0] = 1;
}

static void *lib_thread_main(void *arg) {
  cgosan_cgocallback(managed_callback, arg);
  return NULL;
}

static void lib_start(void *arg) {
  pthread_create(&lib_thread, NULL, lib_thread_main, arg);
}

static void lib_wait(void *arg) {
  (void)arg;
  pthread_join(lib_thread, NULL);
}

static void managed_main(void *arg) {
  (void)arg;
  cgosan_cgocall(lib_start, NULL);
  shared[0] = 2;
  __atomic_store_n(&written, 1, __ATOMIC_RELAXED);
  cgosan_cgocall(lib_wait, NULL);
}

int main(void) {
  shared = malloc(sizeof *shared);
  cgosan_run(managed_main, NULL);
  free(shared);
  fprintf(stderr, "done\n");
  return 0;
}
