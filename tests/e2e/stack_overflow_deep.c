// stack_overflow_deep.c — a stack overflow with the default 64 KiB G stack:
// far more frames than a report keeps. The report shows the innermost 48
// frames (the recursion, from the faulting frame), says how many frames it
// left out, and ends with the outermost ones, which show where the recursion
// started and the crossing: the managed function, cgosan_run, main.
//
// EXIT: 66
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>

static volatile int never;  // keeps the recursion formally bounded

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: stack-overflow
// CHECK-NEXT:G [[G:[0-9]+]] overflowed its 65536-byte stack: access to 0x{{[0-9a-f]+}} hit the guard page
static int recurse(int n) {
  volatile char buf[64];
  if (never)
    return 0;
  memset((char *)buf, n, sizeof buf);
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow_deep.c:[[#FAULT:@LINE-1]]:3
  return recurse(n + 1) + buf[n % 64];
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow_deep.c:[[#CALL:@LINE-1]]:10
  // CHECK:    #47 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow_deep.c:[[#CALL]]:10
  // CHECK-NEXT:    ... [[#ELIDED:]] frames elided ...
  // CHECK-NEXT:    #[[#48+ELIDED]] 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow_deep.c:[[#CALL]]:10
}
// Only the recursion until the managed function that started it:
// CHECK-NOT:{{ in [^r][^ ]* }}

static void managed(void *arg) {
  printf("%d\n", recurse(0));
  // CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in managed {{.*}}/stack_overflow_deep.c:[[@LINE-1]]:18
  // CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
}

int main(void) {
  return cgosan_run(managed, NULL);
  // CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in main {{.*}}/stack_overflow_deep.c:[[@LINE-1]]:10
  // CHECK:  G [[G]] stack is [0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}), guard page [0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}); if the depth is intended, raise CGOSAN_OPTIONS=stack_size
  // CHECK-NEXT:SUMMARY: CgoSanitizer: stack-overflow {{.*}}/stack_overflow_deep.c:[[#FAULT]]:3 in recurse
  // CHECK-NOT:{{.}}
}
