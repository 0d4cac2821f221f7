// halt_on_error_0.c — with CGOSAN_OPTIONS=halt_on_error=0 a report does not
// end the process: cgosan_run(NULL) is reported, returns EINVAL and calls
// nothing, the program goes on (twice), and still ends with exitcode 66 at
// exit, after its own output (stdout included) has been written.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=halt_on_error=0
#include <cgosan/cgosan.h>
#include <errno.h>
#include <stdio.h>

static void managed(void *arg) { ++*(int *)arg; }

int main(void) {
  int err = cgosan_run(NULL, NULL);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: api-misuse
  // CHECK-NEXT:cgosan_run called with a NULL function
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/halt_on_error_0.c:[[#FIRST:@LINE-3]]:13
  // CHECK:SUMMARY: CgoSanitizer: api-misuse {{.*}}/halt_on_error_0.c:[[#FIRST]]:13 in main
  fprintf(stderr, "continued: err=%s\n", err == EINVAL ? "EINVAL" : "?");
  // CHECK-NEXT:continued: err=EINVAL
  printf("stdout: first cgosan_run returned %d (EINVAL=%d)\n", err, EINVAL);

  int ran = 0;
  err = cgosan_run(managed, &ran);
  printf("stdout: a valid cgosan_run returned %d, ran %d time(s)\n", err, ran);

  err = cgosan_cgocall(NULL, NULL);
  // CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: api-misuse
  // CHECK-NEXT:cgosan_cgocall called with a NULL function
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/halt_on_error_0.c:[[#SECOND:@LINE-3]]:9
  // CHECK:SUMMARY: CgoSanitizer: api-misuse {{.*}}/halt_on_error_0.c:[[#SECOND]]:9 in main
  printf("stdout: cgosan_cgocall(NULL) returned %s\n", err == EINVAL ? "EINVAL" : "?");
  fprintf(stderr, "main returns 0\n");
  // CHECK-NEXT:main returns 0
  // CHECK-NOT:{{.}}
  return 0;
}
// STDOUT:stdout: first cgosan_run returned 22 (EINVAL=22)
// STDOUT-NEXT:stdout: a valid cgosan_run returned 0, ran 1 time(s)
// STDOUT-NEXT:stdout: cgosan_cgocall(NULL) returned EINVAL
// STDOUT-NOT:{{.}}
