// stack_overflow.c — unbounded recursion inside a G runs into the guard page
// below the G's stack: reported as stack-overflow (from the SIGSEGV handler,
// on the signal stack) with the overflowing G's stack, and the process ends 66.
// A small stack (the minimum, 16 KiB) keeps the whole stack within the 64
// frames a report shows: the recursion, then the managed function that
// started it, cgosan_run and main on the system stack.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=stack_size=16384
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>

static volatile int never;  // keeps the recursion formally bounded

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: stack-overflow
// CHECK-NEXT:G [[G:[0-9]+]] overflowed its 16384-byte stack: access to 0x{{[0-9a-f]+}} hit the guard page
static int recurse(int n) {
  volatile char buf[512];
  if (never)
    return 0;
  memset((char *)buf, n, sizeof buf);
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow.c:[[#FAULT:@LINE-1]]:3
  return recurse(n + 1) + buf[n % 512];
  // CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow.c:[[#CALL:@LINE-1]]:10
  // CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow.c:[[#CALL]]:10
  // CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in recurse {{.*}}/stack_overflow.c:[[#CALL]]:10
}
// ... more recursion (how many depends on the frame size), nothing else:
// CHECK-NOT:{{ in [^r][^ ]* }}
// then:

static void managed(void *arg) {
  printf("%d\n", recurse(0));
  // CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in managed {{.*}}/stack_overflow.c:[[@LINE-1]]:18
  // CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("start\n");
  return cgosan_run(managed, NULL);
  // CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in main {{.*}}/stack_overflow.c:[[@LINE-1]]:10
  // CHECK:  G [[G]] stack is [0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}), guard page [0x{{[0-9a-f]+}}, 0x{{[0-9a-f]+}}); if the depth is intended, raise CGOSAN_OPTIONS=stack_size
  // CHECK-NEXT:SUMMARY: CgoSanitizer: stack-overflow {{.*}}/stack_overflow.c:[[#FAULT]]:3 in recurse
  // CHECK-NOT:{{.}}
}
// STDOUT:start
// STDOUT-NOT:{{.}}
