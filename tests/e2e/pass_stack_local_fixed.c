// pass_stack_local_fixed.c — the silent twin of pass_stack_local.c, built
// the same way: the local row's string pinned, a C string, or a buffer in
// this frame (kept by the call) all pass; and an out-parameter nothing has
// written yet, whose stack slot was just filled with an unpinned managed
// pointer by an earlier frame, is not checked (its words are not the
// program's values). Registered at -O0 and -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=pass_foreign_*
// FOREIGN: pass_foreign.c
#include "pass_foreign.h"

#include <cgosan/cgosan.h>
#include <stdio.h>

struct row { char *data; long n; };
static const cgosan_type kBytes = {"char[32]", 32, 0, NULL, 0};

// Leaves an unpinned managed pointer in the stack words the next call's
// frame will use.
static __attribute__((noinline)) void dirty_the_stack(void) {
  void *volatile words[16];
  for (int i = 0; i < 16; i++) words[i] = cgosan_new(&kBytes);
}

static __attribute__((noinline)) void out_parameter(void) {
  struct row out;  // written by the callee, not before
  pass_foreign_first_word(&out);
}

static void managed_main(void *arg) {
  (void)arg;
  char *name = cgosan_new(&kBytes);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, name);
  struct row row = {name, 1};
  pass_foreign_first_word(&row);  // pinned: fine
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  struct row c_row = {"foreign", 2};
  pass_foreign_first_word(&c_row);  // a C string
  char buffer[8] = "stack";
  struct row stack_row = {buffer, 3};
  pass_foreign_first_word(&stack_row);  // this frame's buffer: kept by the call
  dirty_the_stack();
  out_parameter();
  fprintf(stderr, "silent\n");
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// CHECK:silent
// CHECK-NOT:{{.}}
