// pass_race_c_atomics.c — Go's TestNoRaceCgoSync (runtime/race/testdata/
// cgo_test_main.go) with the C side compiled by the clang pass and
// -cgosan-race: one goroutine writes a managed field and calls C's Notify
// (an atomic store-release of a C flag, pass_race_lib.c); another, on
// another thread, calls C's Wait (a spin on the flag's load-acquire) and
// then updates the field. The only order between the two is the C atomics:
// the pass turns them into cgosan_release / cgosan_acquire, so race=precise
// is silent (without the pass on the C side it reports the field). Twin:
// pass_race_c_atomics_go.c, the same program under race=go (silent there
// through racecgosync's fence as well). Registered at -O0 and -O2.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>

#include "pass_race_lib.h"

struct shared {
  int data;
};
static const cgosan_type kShared = {"struct shared", sizeof(struct shared), 0, NULL, 0};

static void notifier_main(void *arg) {
  struct shared *s = arg;
  s->data = 1;
  race_lib_notify();
}

static void *notifier_thread(void *arg) {
  cgosan_run(notifier_main, arg);
  return NULL;
}

static void waiter_main(void *arg) {
  struct shared *s = arg;
  race_lib_wait_notified();
  s->data++;
  printf("data %d\n", s->data);
}

int main(void) {
  struct shared *s = cgosan_new(&kShared);
  pthread_t notifier;
  pthread_create(&notifier, NULL, notifier_thread, s);
  cgosan_run(waiter_main, s);
  pthread_join(notifier, NULL);
  return 0;
}
// STDOUT:data 2
// CHECK-NOT:{{.}}
