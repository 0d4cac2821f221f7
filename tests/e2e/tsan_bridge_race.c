// tsan_bridge_race.c — in a program built with -fsanitize=thread, the ranges
// a foreign call receives (here recorded by hand, as the interposer does) go
// to TSan as well: the writer's and the reader's foreign calls are ordered
// only by the C library's own handoff, which neither engine sees, so TSan
// reports the race in its format and cgosan (race=precise) in its own.
// Twin: tsan_bridge_ordered.c.
//
// CFLAGS: -fsanitize=thread
// FOREIGN: tsan_bridge_handoff.c
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// ENV: TSAN_OPTIONS=halt_on_error=0
// EXIT: 66
// TSan's report first (the bridge forwards before cgosan records):
// CHECK:==================
// CHECK-NEXT:WARNING: ThreadSanitizer: data race (pid={{[0-9]+}})
// CHECK-NEXT:  Read of size 8 at 0x[[BUF:[0-9a-f]+]] by thread T1:
// CHECK-NEXT:    #0 reader {{.*}}tsan_bridge_race.c:[[#READ:@LINE+43]]:3 ({{.*}})
// CHECK-EMPTY:
// CHECK-NEXT:  Previous write of size 8 at 0x[[BUF]] by thread T2:
// CHECK-NEXT:    #0 filler {{.*}}tsan_bridge_race.c:[[#WRITE:@LINE+28]]:3 ({{.*}})
// CHECK:SUMMARY: ThreadSanitizer: data race {{.*}}tsan_bridge_race.c:[[#READ]]:3 in reader
// CHECK-NEXT:==================
// then cgosan's, naming the foreign calls:
// CHECK-NEXT:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 16 at 0x[[BUF]] by thread T{{[0-9]+}} (foreign code, in the call to lib_sum):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}tsan_bridge_race.c:[[#READ]]:3
// CHECK:  Previous write of size 16 at 0x[[BUF]] by thread T{{[0-9]+}} (foreign code, in the call to lib_fill):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in filler {{.*}}tsan_bridge_race.c:[[#WRITE]]:3
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}tsan_bridge_race.c:[[#READ]]:3 in reader
// CHECK:done
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ORDERED_HANDOFF
#define ORDERED_HANDOFF 0  // tsan_bridge_ordered.c: 1
#endif

void foreign_signal(void);
void foreign_wait(void);

static char *buf;
static char filled;  // the sync object of the ordered twin

static void *filler(void *arg) {
  (void)arg;
  cgosan_race_write_range(buf, 16, "lib_fill");
  if (ORDERED_HANDOFF)
    cgosan_release(&filled);
  foreign_signal();
  return NULL;
}

static void *reader(void *arg) {
  (void)arg;
  foreign_wait();
  if (ORDERED_HANDOFF)
    cgosan_acquire(&filled);
  cgosan_race_read_range(buf, 16, "lib_sum");
  return NULL;
}

int main(void) {
  buf = malloc(16);
  pthread_t a, b;
  pthread_create(&b, NULL, reader, NULL);
  pthread_create(&a, NULL, filler, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  free(buf);
  fprintf(stderr, "done\n");
  return 0;
}
