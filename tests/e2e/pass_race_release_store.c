// pass_race_release_store.c — C11 release sequences. G A writes a field and
// release-stores flag = 1; G B, on another thread, waits for 1 with relaxed
// loads and release-stores flag = 2; the main G acquire-loads 2 and reads
// the field. B's store is not in the release sequence A's store heads (only
// A's later stores and read-modify-writes by anyone are), so the acquire
// synchronises with B alone and the read races with A's write: TSan's
// verdict, since a release store replaces the flag's clock (ReleaseStore)
// where a read-modify-write joins it. Twin: pass_race_release_rmw.c, B
// publishes with an atomic exchange instead (in A's release sequence):
// silent. Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#ifndef B_EXCHANGES  // pass_race_release_rmw.c: 1
#define B_EXCHANGES 0
#endif

struct shared {
  int data;
};
static const cgosan_type kShared = {"struct shared", sizeof(struct shared), 0, NULL, 0};
static struct shared *shared;
static int flag;

static void wait_relaxed(int value) {
  while (__atomic_load_n(&flag, __ATOMIC_RELAXED) != value)
    sched_yield();
}

static void a_main(void *arg) {
  (void)arg;
  shared->data = 42;
  __atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
}

static void b_main(void *arg) {
  (void)arg;
  wait_relaxed(1);
  if (B_EXCHANGES)
    __atomic_exchange_n(&flag, 2, __ATOMIC_RELEASE);
  else
    __atomic_store_n(&flag, 2, __ATOMIC_RELEASE);
}

static void *run_g(void *fn) {
  cgosan_run((cgosan_fn)fn, NULL);
  return NULL;
}

// Waits for 2 without acquiring (an acquire that read A's 1 would order
// A's write before the read), then acquires the 2 of B's store.
static void main_g(void *arg) {
  (void)arg;
  wait_relaxed(2);
  if (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) == 2)
    printf("data %d\n", shared->data);
}

int main(void) {
  cgosan_add_root((void **)&shared);
  shared = cgosan_new(&kShared);
  pthread_t a, b;
  pthread_create(&b, NULL, run_g, (void *)b_main);
  pthread_create(&a, NULL, run_g, (void *)a_main);
  cgosan_run(main_g, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 4 at 0x[[DATA:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main_g {{.*}}/pass_race_release_store.c:63:33
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_release_store.c:72:3
// CHECK:  0x[[DATA]] is object of type 'struct shared' (4 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[DATA]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in a_main {{.*}}/pass_race_release_store.c:39:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_release_store.c:53:3
// CHECK:  0x[[DATA]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_release_store.c:68:12
// CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_release_store.c:63:33 in main_g
// CHECK-NOT:{{.}}
