// asan_leak_roots.c — in a program built with -fsanitize=address, ASan's
// LeakSanitizer looks for leaks at exit from the globals and the thread
// stacks; cgosan registers the managed heap as a root too
// (rtl/sanitizer_heap.cpp). C memory that a live managed object points to is
// not leaked, whereas C memory nothing points to still is: one report, of
// the 7 bytes, not of the 100.
//
// CFLAGS: -fsanitize=address
// EXIT: 1
// CHECK:==[[PID:[0-9]+]]==ERROR: LeakSanitizer: detected memory leaks
// CHECK-EMPTY:
// CHECK-NEXT:Direct leak of 7 byte(s) in 1 object(s) allocated from:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in malloc {{.*}}
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}asan_leak_roots.c:[[#@LINE+17]]:3
// CHECK-NOT:leak of 100
// CHECK:SUMMARY: AddressSanitizer: 7 byte(s) leaked in 1 allocation(s).
#include <cgosan/cgosan.h>
#include <stdint.h>
#include <stdlib.h>

static const uint8_t kHolderMask[] = {0};  // its one word holds C memory
static const cgosan_type kHolder = {"struct holder", 8, 0, kHolderMask, 0};
static void *root;  // a root slot: keeps the holder alive

static void managed_main(void *arg) {
  (void)arg;
  void **holder = cgosan_new(&kHolder);
  holder[0] = malloc(100);  // C memory only the managed object points to
  root = holder;
  cgosan_add_root(&root);
  malloc(7);  // nothing points to it: a leak
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
