// pass_stack_local.c — built with the clang pass plugin: a struct kept in a
// local on the G stack and passed as a plain `&local` is checked with the
// local's own type (the pass gives it, as cmd/cgo follows the argument's
// type into its pointee wherever it lives), so a row whose data is an
// unpinned managed string is reported, naming the frame. The silent twin:
// pass_stack_local_fixed.c. Registered at -O0 and -O2.
//
// EXIT: 66
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=pass_foreign_*
// FOREIGN: pass_foreign.c
#include "pass_foreign.h"

#include <cgosan/cgosan.h>
#include <stdio.h>

struct row { char *data; long n; };
static const cgosan_type kBytes = {"char[32]", 32, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  struct row row = {cgosan_new(&kBytes), 1};
  pass_foreign_first_word(&row);  // BUG: row.data is not pinned
  fprintf(stderr, "not reached\n");
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
// CHECK-NEXT:argument 0 of pass_foreign_first_word has managed pointer to unpinned managed pointer
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_stack_local.c:23:3
// CHECK:  0x{{[0-9a-f]+}} in G {{[0-9]+}}'s stack, frame of managed_main, of type 'struct row' (16 bytes), field at offset 0
// CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'char[32]' (32 bytes), not pinned
// CHECK-NEXT:  0x{{[0-9a-f]+}} was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_stack_local.c:22:21
// CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/pass_stack_local.c:23:3 in managed_main
// CHECK-NOT:{{.}}
