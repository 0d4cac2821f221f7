// pass_store_check.c — built with the clang pass plugin and
// -cgosan-check-stores, and run with CGOSAN_OPTIONS=cgocheck=2: plain C
// assignments are checked. Storing an unpinned managed pointer into malloc'd
// memory, or copying a managed struct that holds one there, is reported as
// unpinned-pointer-store at the line of the assignment; the same stores into
// managed memory, or of a pinned pointer, are silent. halt_on_error=0 shows
// both reports; the exit status is still 66. Registered at -O0 and -O2.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=cgocheck=2:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-check-stores
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <stdlib.h>

struct row { char *data; };
static const uint8_t kRowPtrmask[] = {1};
static const cgosan_type kRow = {"struct row", sizeof(struct row), sizeof(char *),
                                 kRowPtrmask, 0};
static const cgosan_type kBytes = {"char[32]", 32, 0, NULL, 0};

// Foreign memory the program keeps: the collector does not scan it.
struct row *volatile foreign_row;

static void managed_main(void *arg) {
  (void)arg;
  struct row *row = cgosan_new(&kRow);
  char *bytes = cgosan_new(&kBytes);
  foreign_row = malloc(sizeof *foreign_row);

  row->data = bytes;  // into managed memory: fine
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, bytes);
  foreign_row->data = bytes;  // pinned: fine
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  fprintf(stderr, "managed and pinned stores: silent\n");

  foreign_row->data = bytes;  // BUG: unpinned, into malloc'd memory
  // CHECK:managed and pinned stores: silent
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-store
  // CHECK-NEXT:managed code stored unpinned managed pointer 0x{{[0-9a-f]+}} into non-managed memory at 0x{{[0-9a-f]+}}
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_store_check.c:[[#STORE:@LINE-4]]:21
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-store {{.*}}/pass_store_check.c:[[#STORE]]:21 in managed_main

  *foreign_row = *row;  // BUG: copies row->data, unpinned, into malloc'd memory
  // CHECK:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-store
  // CHECK-NEXT:managed code copied unpinned managed pointer 0x{{[0-9a-f]+}} into non-managed memory at 0x{{[0-9a-f]+}} (a 8-byte copy from 0x{{[0-9a-f]+}})
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_store_check.c:[[#COPY:@LINE-3]]:18
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-store {{.*}}/pass_store_check.c:[[#COPY]]:18 in managed_main
  // CHECK-NOT:{{.}}
  free(foreign_row);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
