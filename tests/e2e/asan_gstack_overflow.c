// asan_gstack_overflow.c — in a program built with -fsanitize=address, a
// managed callback overflows a local array on its G stack. ASan reports it
// as it would on a thread's own stack: the stack crosses both switches (the
// callback, the foreign function that called back, cgosan_cgocall, the
// managed function, cgosan_run, main), and the address is described as a
// stack of the thread, in the callback's frame. With the use-after-return
// detector on, the array lives in a fake frame: the same report.
//
// CFLAGS: -fsanitize=address
// ENV: ASAN_OPTIONS=detect_stack_use_after_return=1
// EXIT: 1
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>

static volatile int index_past_end = 8;

static void managed_callback(void *arg) {
  char buf[8];
  memset(buf, 0, sizeof buf);
  buf[index_past_end] = 1;
  // CHECK:==[[PID:[0-9]+]]==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x{{[0-9a-f]+}} at pc 0x{{[0-9a-f]+}} bp 0x{{[0-9a-f]+}} sp 0x{{[0-9a-f]+}}
  // CHECK-NEXT:WRITE of size 1 at 0x{{[0-9a-f]+}} thread T0
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_callback {{.*}}asan_gstack_overflow.c:[[#@LINE-3]]:23
  // CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in cgosan_cgocallback {{.*}}
  printf("%d\n", buf[0]);
}

static void foreign_fn(void *arg) {
  cgosan_cgocallback(managed_callback, arg);
  // CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in foreign_fn {{.*}}asan_gstack_overflow.c:[[#@LINE-1]]:3
  // CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
}

static void managed_fn(void *arg) {
  cgosan_cgocall(foreign_fn, arg);
  // CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in managed_fn {{.*}}asan_gstack_overflow.c:[[#@LINE-1]]:3
  // CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
}

int main(void) {
  cgosan_run(managed_fn, NULL);
  // CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in main {{.*}}asan_gstack_overflow.c:[[#@LINE-1]]:3
  // CHECK:Address 0x{{[0-9a-f]+}} is located in stack of thread T0 at offset {{[0-9]+}} in frame
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_callback {{.*}}asan_gstack_overflow.c:18
  // CHECK:    [{{[0-9]+}}, {{[0-9]+}}) 'buf' (line 19) <== Memory access at offset {{[0-9]+}} overflows this variable
  // CHECK:SUMMARY: AddressSanitizer: stack-buffer-overflow {{.*}}asan_gstack_overflow.c:21:23 in managed_callback
  return 0;
}
