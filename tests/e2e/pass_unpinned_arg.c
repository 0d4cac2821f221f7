// pass_unpinned_arg.c — built with the clang pass plugin, a plain call that
// hands a C library a managed struct holding an unpinned managed pointer is
// reported as unpinned-pointer-in-argument, and frame #0 of the report is the
// line of that call in this file; the same call with the pointer pinned,
// just before, is silent. Registered at -O0 and -O2.
//
// EXIT: 66
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=pass_foreign_*
// FOREIGN: pass_foreign.c
#include "pass_foreign.h"

#include <cgosan/cgosan.h>
#include <stdio.h>

struct row { char *data; };
static const uint8_t kRowPtrmask[] = {1};
static const cgosan_type kRow = {"struct row", sizeof(struct row), sizeof(char *),
                                 kRowPtrmask, 0};
static const cgosan_type kBytes = {"char[32]", 32, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  struct row *row = cgosan_new(&kRow);
  row->data = cgosan_new(&kBytes);

  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, row->data);
  pass_foreign_first_word(row);  // pinned: fine
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  fprintf(stderr, "pinned twin: silent\n");

  pass_foreign_first_word(row);  // BUG: row->data is not pinned
  // CHECK:pinned twin: silent
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of pass_foreign_first_word has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_unpinned_arg.c:[[#BAD:@LINE-4]]:3
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/pass_unpinned_arg.c:{{[0-9]+}}:3
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'struct row' (8 bytes), field at offset 0
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'char[32]' (32 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/pass_unpinned_arg.c:[[#BAD]]:3 in managed_main
  // CHECK-NOT:{{.}}
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
