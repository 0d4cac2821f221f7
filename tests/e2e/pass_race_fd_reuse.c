// pass_race_fd_reuse.c — an fd number reused by a new file carries no edge
// from the file that had it before. A library thread (pass_race_lib.c)
// stores into a pinned managed int and writes a byte to its pipe, which
// nobody reads: the program closes that pipe. A second request makes a new
// pipe, which gets the same numbers, and its thread fills a buffer and
// writes its byte; the program reads it, which orders the fill (silent)
// but not the store, which only the closed pipe carried: reading the int is
// a data race, reported. A sync object keyed by the fd number would have
// handed the old pipe's clock to the new pipe's reader and hidden it.
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

enum { kBufSize = 64 };
static const cgosan_type kInt = {"int", sizeof(int), 0, NULL, 0};
static const cgosan_type kByte = {"char", 1, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  int *count = cgosan_new(&kInt);
  char *buf = cgosan_new_array(&kByte, kBufSize);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, count);
  cgosan_pin(pinner, buf);

  struct race_lib_request *store = race_lib_store_async(count, 42, RACE_LIB_PIPE);
  race_lib_wait_unseen(store);  // stored, and its byte written
  int old_fd = race_lib_fd(store);
  race_lib_close(store);  // unread: the pipe goes, its numbers are free

  struct race_lib_request *fill = race_lib_fill_async(buf, kBufSize, 'x', RACE_LIB_PIPE);
  printf("same fd %d\n", race_lib_fd(fill) == old_fd);
  race_lib_wait(fill);  // the new pipe: orders the fill only
  printf("first byte %c\n", buf[0]);
  printf("count %d\n", *count);  // BUG: nothing orders the store before this
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
  // CHECK-NEXT:Read of size 4 at 0x[[COUNT:[0-9a-f]+]] by thread T[[MAIN:[0-9]+]] on G [[G:[0-9]+]] (managed code):
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_fd_reuse.c:[[#COUNT_READ:@LINE-3]]:24
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_fd_reuse.c:[[#COUNT_READ+21]]:3
  // CHECK:  0x[[COUNT]] is object of type 'int' (4 bytes)
  // CHECK-NEXT:  Previous write of size 4 at 0x[[COUNT]] by thread T{{[0-9]+}} (foreign code):
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in store_int {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in request_thread {{.*}}/pass_race_lib.c:{{[0-9]+}}:{{[0-9]+}}
  // CHECK:  0x[[COUNT]] was allocated at:
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_race_fd_reuse.c:[[#COUNT_READ-15]]:16
  // CHECK:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_fd_reuse.c:[[#COUNT_READ]]:24 in managed_main
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
// STDOUT:same fd 1
// STDOUT-NEXT:first byte x
// STDOUT-NEXT:count 42
