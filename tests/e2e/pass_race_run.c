// pass_race_run.c — a managed loop filling a buffer is one access to the
// race checker, a single 256-byte write with the first store's stack: at
// -O0 (one store per byte) the runtime merges the stores into a run, which
// the writer's next access (a counter, not adjacent) ends before it
// signals; at -O2 the loop is unrolled into 16 stores on one line, which
// the pass records as one range (RaceRuns.cpp). A G on another thread then
// reads one byte from the middle of it, ordered only by a pipe the checker
// cannot see: the read races with the write, which is reported whole.
// Twin: pass_race_run_ordered.c, the same handoff under a pthread mutex.
// Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <stdint.h>

#include "pass_race_handoff.h"

#ifndef ORDERED  // pass_race_run_ordered.c: 1
#define ORDERED 0
#endif

enum { kBufSize = 256 };
static const cgosan_type kBuf = {"char", 1, 0, NULL, 0};
struct shared {
  char *buf;
  long fills;
};
static const uint8_t kBufSlot[1] = {1};
static const cgosan_type kShared = {"struct shared", sizeof(struct shared), 8, kBufSlot, 0};
static struct shared *shared;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void fill(char *buf, int seed) {
  for (int i = 0; i < kBufSize; i++)
    buf[i] = (char)(seed + i);
}

static void writer(void *arg) {
  (void)arg;
  if (ORDERED)
    pthread_mutex_lock(&mu);
  fill(shared->buf, 'a');
  shared->fills++;
  if (ORDERED)
    pthread_mutex_unlock(&mu);
  hand_off();
}

static void reader(void *arg) {
  (void)arg;
  wait_for_handoff();
  if (ORDERED)
    pthread_mutex_lock(&mu);
  printf("byte %d\n", shared->buf[200]);
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

int main(void) {
  cgosan_add_root((void **)&shared);
  shared = cgosan_new(&kShared);
  shared->buf = cgosan_new_array(&kBuf, kBufSize);
  return run_handoff(writer, reader);
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_run.c:56:23
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_handoff.h:30:3
// CHECK:  0x[[AT]] is 200 bytes into object 0x[[BUF:[0-9a-f]+]] of type 'char[256]' (256 bytes)
// CHECK-NEXT:  Previous write of size 256 at 0x[[BUF]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in fill {{.*}}/pass_race_run.c:37:12
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer {{.*}}/pass_race_run.c:44:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_handoff.h:30:3
// CHECK:  0x[[BUF]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_run.c:64:17
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_run.c:56:23 in reader
