// api_misuse.c — cgosan_run(NULL, ...) is api-misuse: reported, never called,
// and (halt_on_error=1, the default) the process ends with exitcode 66 at the
// report.
//
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>

int main(void) {
  printf("before\n");
  fflush(stdout);
  int err = cgosan_run(NULL, NULL);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: api-misuse
  // CHECK-NEXT:cgosan_run called with a NULL function
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/api_misuse.c:[[@LINE-3]]:13
  // CHECK:SUMMARY: CgoSanitizer: api-misuse {{.*}}/api_misuse.c:[[@LINE-4]]:13 in main
  // CHECK-NOT:{{.}}
  printf("not reached: cgosan_run returned %d\n", err);
  return 0;
}
// The report is the last thing the process does.
// STDOUT:before
// STDOUT-NOT:{{.}}
