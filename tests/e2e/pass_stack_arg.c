// pass_stack_arg.c — built with the clang pass plugin: G stacks are managed
// memory, so a C array of rows kept on the G stack and passed by the address
// of its first element is checked with the array's type the pass gives
// (cgo's checkIndex), as a managed array would be. A row whose data is an
// unpinned managed string is reported, naming the frame that holds the
// array; the same rows with the string pinned, or pointing at a buffer in
// this frame (kept by the call), are silent. Registered at -O0 and -O2.
//
// EXIT: 66
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=pass_foreign_*
// FOREIGN: pass_foreign.c
#include "pass_foreign.h"

#include <cgosan/cgosan.h>
#include <stdio.h>

struct row { char *data; };
static const cgosan_type kBytes = {"char[32]", 32, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  char buffer[8] = "stack";
  struct row rows[2] = {{buffer}, {buffer}};
  pass_foreign_first_word(&rows[0]);  // this frame's buffer: kept by the call

  char *name = cgosan_new(&kBytes);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, name);
  rows[1].data = name;
  pass_foreign_first_word(&rows[0]);  // pinned: fine
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  fprintf(stderr, "kept and pinned: silent\n");

  pass_foreign_first_word(&rows[0]);  // BUG: rows[1].data is not pinned
  // CHECK:kept and pinned: silent
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 0 of pass_foreign_first_word has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_stack_arg.c:[[#BAD:@LINE-4]]:3
  // CHECK:  0x{{[0-9a-f]+}} in G {{[0-9]+}}'s stack, frame of managed_main, of type 'struct row[2]' (16 bytes), field at offset 8
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'char[32]' (32 bytes), not pinned
  // CHECK-NEXT:  0x{{[0-9a-f]+}} was allocated at:
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_stack_arg.c:[[#@LINE-17]]:16
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/pass_stack_arg.c:[[#BAD]]:3 in managed_main
  // CHECK-NOT:{{.}}
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
