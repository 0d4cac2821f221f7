// log_path.c — CGOSAN_OPTIONS=log_path=DIR/rep sends the report to
// DIR/rep.<pid> instead of stderr. The driver (// LOG: rep) checks that
// exactly one such file exists, that <pid> is the program's pid, and matches
// CHECK against the file and STDERR against stderr, which stays free of it.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=log_path=%t/rep
// LOG: rep
#include <cgosan/cgosan.h>
#include <stdio.h>

static void foreign_fn(void *arg) {
  (void)arg;
  fprintf(stderr, "foreign_fn runs\n");
  cgosan_cgocallback(NULL, NULL);
}
// CHECK:==[[RUNPID]]==ERROR: CgoSanitizer: api-misuse
// CHECK-NEXT:cgosan_cgocallback called with a NULL function
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in foreign_fn {{.*}}/log_path.c:[[#CALL:@LINE-4]]:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}

static void managed_fn(void *arg) { cgosan_cgocall(foreign_fn, arg); }
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in managed_fn {{.*}}/log_path.c:[[@LINE-1]]:37
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in cgosan_run {{.*}}

int main(void) { return cgosan_run(managed_fn, NULL); }
// CHECK-NEXT:    #4 0x{{[0-9a-f]+}} in main {{.*}}/log_path.c:[[@LINE-1]]:25
// CHECK:SUMMARY: CgoSanitizer: api-misuse {{.*}}/log_path.c:[[#CALL]]:3 in foreign_fn
// CHECK-NOT:{{.}}

// STDERR:foreign_fn runs
// STDERR-NOT:{{.}}
