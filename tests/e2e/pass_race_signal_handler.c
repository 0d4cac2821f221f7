// pass_race_signal_handler.c — a signal handler reads what the signal's
// sender wrote. A library thread (pass_race_lib.c, built with the pass)
// stores into a pinned managed int, then sends SIGUSR1 to the thread that
// made the request with pthread_kill; that thread's handler reads the int.
// kill -> handler is a happens-before edge (the sender releases the
// signal's clock, the handler acquires it before the program's code runs):
// silent.
// Twin: pass_race_signal_handler_early.c, the library sending the signal
// before it stores: a data race, reported inside the handler.
//
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <stdio.h>

#include "pass_race_lib.h"

static const cgosan_type kInt = {"int", sizeof(int), 0, NULL, 0};
static int *slot;  // managed, pinned
static struct race_lib_request *request;
static int seen;

static void read_in_handler(void) {
#ifdef SIGNAL_FIRST
  race_lib_wait_unseen(request);  // the store is done, but came after the kill
#endif
  seen = *slot;
}

static void managed_main(void *arg) {
  (void)arg;
  slot = cgosan_new(&kInt);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, slot);
  race_lib_on_signal(read_in_handler);
#ifdef SIGNAL_FIRST
  request = race_lib_store_async(slot, 42, RACE_LIB_SIGNAL_FIRST);
#else
  request = race_lib_store_async(slot, 42, RACE_LIB_SIGNAL);
#endif
  race_lib_wait(request);  // the handler runs in here
  printf("seen %d\n", seen);
  race_lib_finish(request);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// STDOUT:seen 42
// CHECK-NOT:{{.}}
