// bad_callback.c — cgosan_cgocallback from managed code that is not inside a
// cgocall is bad-callback (Go's badcgocallback): fn is not run, the process
// ends 66.
//
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>

static void callback(void *arg) {
  (void)arg;
  printf("not reached: callback ran\n");
}

static void managed(void *arg) {
  cgosan_cgocallback(callback, arg);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: bad-callback
  // CHECK-NEXT:cgosan_cgocallback called from managed code: G {{[0-9]+}} is running, not parked in a cgocall (a callback must come from foreign code)
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed {{.*}}/bad_callback.c:[[@LINE-3]]:3
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/bad_callback.c:[[@LINE+6]]:10
  // CHECK:SUMMARY: CgoSanitizer: bad-callback {{.*}}/bad_callback.c:[[@LINE-6]]:3 in managed
  // CHECK-NOT:{{.}}
}

int main(void) {
  return cgosan_run(managed, NULL);
}
// STDOUT-NOT:not reached
