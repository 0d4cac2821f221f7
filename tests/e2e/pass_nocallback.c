// pass_nocallback.c — built with the clang pass plugin and
// -cgosan-nocallback=pass_nc_*: calls of those functions go through
// cgosan_cgocall_nocallback, with no -cgosan-foreign. pass_nc_sum keeps the
// promise (counted, run as foreign code, result and errno back);
// pass_nc_visit breaks it: its callback is a bad-callback report naming the
// function and the promise, not run, and the process ends 66. Registered at
// -O0 and -O2.
//
// EXIT: 66
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-nocallback=pass_nc_*
// FOREIGN: pass_nocallback_lib.c
#include <cgosan/cgosan.h>
#include <errno.h>
#include <stdio.h>

extern int pass_nc_in_managed;
long pass_nc_sum(const long *values, int n);
void pass_nc_visit(cgosan_fn visit, void *arg);

static void visited(void *arg) {
  (void)arg;
  printf("not reached: callback ran\n");
}

static void managed_main(void *arg) {
  (void)arg;
  static const long values[] = {1, 2, 39};
  int64_t before = cgosan_num_cgocall();
  long sum = pass_nc_sum(values, 3);
  int sum_errno = errno;
  printf("sum %ld, errno EDOM %d, in managed %d, counted %lld\n", sum, sum_errno == EDOM,
         pass_nc_in_managed, (long long)(cgosan_num_cgocall() - before));
  fflush(stdout);
  pass_nc_visit(visited, NULL);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:sum 42, errno EDOM 1, in managed 0, counted 1
// STDOUT-NOT:not reached
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: bad-callback
// CHECK-NEXT:pass_nc_visit called back into managed code (callback 0x{{[0-9a-f]+}}, G {{[0-9]+}}), but it was called as nocallback: it promised never to call back; the callback was not run
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in pass_nc_visit {{.*}}pass_nocallback_lib.c:19:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}pass_nocallback.c:35:3
// CHECK:SUMMARY: CgoSanitizer: bad-callback {{.*}}pass_nocallback_lib.c:19:3 in pass_nc_visit
