// pass_race_run.c — a managed loop filling a buffer (one store per byte at
// -O0, 16 bytes per store at -O2) is one access to the race checker: the
// stores merge into a run, recorded as a single 256-byte write with the
// first store's stack. A G on another thread then reads one byte from the
// middle of it, ordered only by a pipe the checker cannot see: the read
// races with the run, which is reported whole. The writer's next access
// (a counter, not adjacent) ends the run before it signals.
// Twin: pass_race_run_ordered.c, the same handoff under a pthread mutex.
// Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

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
static int handoff[2];
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
  char token = 1;
  if (write(handoff[1], &token, 1) != 1)
    perror("write");
}

static void reader(void *arg) {
  (void)arg;
  char token;
  if (read(handoff[0], &token, 1) != 1)
    perror("read");
  if (ORDERED)
    pthread_mutex_lock(&mu);
  printf("byte %d\n", shared->buf[200]);
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

static void *run_g(void *fn) {
  cgosan_run((cgosan_fn)fn, NULL);
  return NULL;
}

int main(void) {
  if (pipe(handoff) != 0)
    return 1;
  cgosan_add_root((void **)&shared);
  shared = cgosan_new(&kShared);
  shared->buf = cgosan_new_array(&kBuf, kBufSize);
  pthread_t w, r;
  pthread_create(&r, NULL, run_g, (void *)reader);
  pthread_create(&w, NULL, run_g, (void *)writer);
  pthread_join(w, NULL);
  pthread_join(r, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_run.c:62:23
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_run.c:68:3
// CHECK:  0x[[AT]] is 200 bytes into object 0x[[BUF:[0-9a-f]+]] of type 'char[256]' (256 bytes)
// CHECK-NEXT:  Previous write of size 256 at 0x[[BUF]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in fill {{.*}}/pass_race_run.c:39:12
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer {{.*}}/pass_race_run.c:46:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_run.c:68:3
// CHECK:  0x[[BUF]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_run.c:77:17
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_run.c:62:23 in reader
