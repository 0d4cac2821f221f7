// interposed_generic_callback.c — a callback passed as C's generic function
// pointer, `void (*)(void)`, that the library casts back to its real type
// (interposed/cbreg.h: cbreg_call_generic calls it as `long (*)(long)`, the
// way sqlite3 calls what sqlite3_auto_extension registered, or ffi_call its
// fn). The declared type says nothing true about the callback, so the
// interposer passes it through unwrapped (cgosan-gen warns): the callback
// gets its argument and its result comes back, and it runs as foreign code.
// A closure of the declared type would have called it without its argument
// and dropped its result.
//
// SHARED-LIB: interposed/cbreg.c
// PREP: cgosan-gen %S/interposed/cbreg.h --lib %w/libcbreg.so -o %w/cbreg-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/cbreg-interposer.so --
#include <cgosan/cgosan.h>
#include <cbreg.h>
#include <stdio.h>

static int managed_calls = -1;

static long twice(long x) {
  managed_calls = cgosan_in_managed();
  return 2 * x;
}

static void managed_main(void *arg) {
  (void)arg;
  int64_t calls_before = cgosan_num_cgocall();
  long result = cbreg_call_generic((void (*)(void))twice, 21);
  printf("cbreg_call_generic: %ld, callback in managed code: %d, checked calls: %lld\n",
         result, managed_calls, (long long)(cgosan_num_cgocall() - calls_before));
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:cbreg_call_generic: 42, callback in managed code: 0, checked calls: 1
// CHECK-NOT:{{.}}
