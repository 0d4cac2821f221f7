// interposed_nocallback.c — an interposer made by cgosan-gen with
// `nocallback = yes` and `blocks = no` (interposed/foo_nocallback.ini): the
// wrapper crosses with cgosan_cgocall_nocallback. foo_parse keeps the
// promise: it is counted, runs as foreign code and hands back its result and
// errno. foo_each breaks it: its callback is a bad-callback report naming
// the function and the promise, the callback is not run, the process ends 66.
//
// EXIT: 66
// SHARED-LIB: ../../examples/libfoo/foo.c
// PREP: cgosan-gen %S/../../examples/libfoo/foo.h --lib %w/libfoo.so --annotations %S/interposed/foo_nocallback.ini -o %w/foo-interposer.so
// RUN-UNDER: cgosan-run --interpose %w/foo-interposer.so --
#include <cgosan/cgosan.h>
#include <errno.h>
#include <foo.h>
#include <stdio.h>

static void on_item(int item, void *ud) {
  (void)ud;
  printf("not reached: callback ran for %d\n", item);
}

static void managed_main(void *arg) {
  (void)arg;
  int64_t before = cgosan_num_cgocall();
  long parsed = foo_parse("99999999999999999999");
  int parse_errno = errno;
  printf("foo_parse: %s, errno ERANGE %d, counted %lld\n", parsed > 0 ? "max" : "?",
         parse_errno == ERANGE, (long long)(cgosan_num_cgocall() - before));
  fflush(stdout);
  static const int items[] = {1};
  foo_each(items, 1, on_item, NULL);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:foo_parse: max, errno ERANGE 1, counted 1
// STDOUT-NOT:not reached
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: bad-callback
// CHECK-NEXT:foo_each called back into managed code (callback 0x{{[0-9a-f]+}}, G {{[0-9]+}}), but it was called as nocallback: it promised never to call back; the callback was not run
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in foo_each {{.*}}foo.c:11:5
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}interposed_nocallback.c:31:3
// CHECK:SUMMARY: CgoSanitizer: bad-callback {{.*}}
