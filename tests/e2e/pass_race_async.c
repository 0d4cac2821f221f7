// pass_race_async.c — rule 5 with both sides compiled by the clang pass and
// -cgosan-race: this managed program, and pass_race_lib.c, a C library that
// completes requests on threads of its own (an asynchronous call). The
// program hands the library two managed objects, pinned as rule 2 wants:
// a struct whose int field a library thread stores into (a plain 4-byte
// store in C), and a buffer a library thread fills (a 64-byte memset). Each
// library thread then signals completion (here through a pipe), but the
// program does not take the signal: it only waits until the work is done in
// time (race_lib_wait_unseen, an ordering the checker cannot see) and reads
// the field and the first byte. With race=precise: two data races, each
// between a real managed load (this file's line) and a real foreign store
// (the library's line), not calls. halt_on_error=0 shows both; the exit
// status is still 66.
// Registered at -O0 and -O2, and with -DCOMPLETION= each other way the
// library can signal (socketpair, eventfd, epoll, signal, cond): the same
// two reports, since the program never takes the signal.
// Twin: pass_race_async_signalled.c, the same program taking the signal
// before it reads (read, recv, eventfd_read, epoll_wait + read, the signal
// handler, the condition variable): silent.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=race_lib_*
// FOREIGN: pass_race_lib.c
// FOREIGN-CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// FOREIGN-CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <stdio.h>

#include "pass_race_lib.h"

#ifndef COMPLETION
#define COMPLETION RACE_LIB_PIPE
#endif
#ifndef WAIT  // pass_race_async_signalled.c takes the signal
#define WAIT race_lib_wait_unseen
#endif

struct counter {
  long id;
  int count;
};
static const cgosan_type kCounter = {"struct counter", sizeof(struct counter), 0, NULL, 0};
enum { kBufSize = 64 };
static const cgosan_type kByte = {"char", 1, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  struct counter *counter = cgosan_new(&kCounter);
  char *buf = cgosan_new_array(&kByte, kBufSize);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, counter);
  cgosan_pin(pinner, buf);

  struct race_lib_request *store = race_lib_store_async(&counter->count, 42, COMPLETION);
  WAIT(store);
  printf("count %d\n", counter->count);  // BUG: nothing orders the store before this
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
  // CHECK-NEXT:Read of size 4 at 0x[[COUNT:[0-9a-f]+]] by thread T[[MAIN:[0-9]+]] on G [[G:[0-9]+]] (managed code):
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_async.c:[[#COUNT_READ:@LINE-3]]:33
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_async.c:[[#COUNT_READ+37]]:3
  // CHECK:  0x[[COUNT]] is 8 bytes into object 0x[[COUNTER:[0-9a-f]+]] of type 'struct counter' (16 bytes)
  // CHECK-NEXT:  Previous write of size 4 at 0x[[COUNT]] by thread T{{[0-9]+}} (foreign code):
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in store_int {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in request_thread {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
  // CHECK:  0x[[COUNTER]] was allocated at:
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_async.c:[[#COUNT_READ-8]]:29
  // CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_async.c:[[#COUNT_READ]]:33 in managed_main

  struct race_lib_request *fill = race_lib_fill_async(buf, kBufSize, 'x', COMPLETION);
  WAIT(fill);
  printf("first byte %c\n", buf[0]);  // BUG: nothing orders the fill before this
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: data-race
  // CHECK-NEXT:Read of size 1 at 0x[[BUF:[0-9a-f]+]] by thread T[[MAIN]] on G [[G]] (managed code):
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_async.c:[[#BYTE_READ:@LINE-3]]:29
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_async.c:[[#COUNT_READ+37]]:3
  // CHECK:  0x[[BUF]] is object of type 'char[64]' (64 bytes)
  // CHECK-NEXT:  Previous write of size 64 at 0x[[BUF]] by thread T{{[0-9]+}} (foreign code):
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in fill_bytes {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in request_thread {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
  // CHECK:  0x[[BUF]] was allocated at:
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_async.c:[[#BYTE_READ-23]]:15
  // CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_async.c:[[#BYTE_READ]]:29 in managed_main
  // CHECK-NOT:{{.}}
  race_lib_finish(store);
  race_lib_finish(fill);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// STDOUT:count 42
// STDOUT-NEXT:first byte x
