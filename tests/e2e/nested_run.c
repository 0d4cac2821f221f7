// nested_run.c — cgosan_run from managed code (a G already runs on this
// thread) is api-misuse: the inner function is not run, the process ends 66.
//
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>

static void inner(void *arg) {
  (void)arg;
  printf("not reached: inner ran\n");
}

static void outer(void *arg) {
  printf("outer: in_managed=%d\n", cgosan_in_managed());
  fflush(stdout);
  cgosan_run(inner, arg);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: api-misuse
  // CHECK-NEXT:cgosan_run called from managed code: G {{[0-9]+}} is already running on this thread (a thread runs one G at a time; call the function directly)
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in outer {{.*}}/nested_run.c:[[@LINE-3]]:3
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/nested_run.c:[[@LINE+6]]:10
  // CHECK:SUMMARY: CgoSanitizer: api-misuse {{.*}}/nested_run.c:[[@LINE-6]]:3 in outer
  // CHECK-NOT:{{.}}
}

int main(void) {
  return cgosan_run(outer, NULL);
}
// STDOUT:outer: in_managed=1
// STDOUT-NOT:{{.}}
