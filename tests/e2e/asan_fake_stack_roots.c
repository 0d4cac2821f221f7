// asan_fake_stack_roots.c — in a program built with -fsanitize=address and
// run with detect_stack_use_after_return=1, ASan moves a managed function's
// address-taken locals to a fake frame, off the G stack. Objects held only
// there are still roots: the collector follows the G stack's words into
// the fake frames they point to. Without that, both collections would free
// (and poison with 0xca) every object below.
//
// CFLAGS: -fsanitize=address
// ENV: ASAN_OPTIONS=detect_stack_use_after_return=1
// EXIT: 0
// STDOUT:intact 64/64
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>

#define N 64
static const cgosan_type kCell = {"struct cell", 16, 0, NULL, 0};

static __attribute__((noinline)) void fill(void **objs) {
  for (int i = 0; i < N; i++) {
    objs[i] = cgosan_new(&kCell);
    memset(objs[i], 0x11, 16);
  }
}

static void managed_main(void *arg) {
  (void)arg;
  void *objs[N];  // its address is taken: a fake frame
  fill(objs);
  cgosan_gc();
  cgosan_gc();
  int intact = 0;
  for (int i = 0; i < N; i++)
    intact += ((unsigned char *)objs[i])[0] == 0x11;
  printf("intact %d/%d\n", intact, N);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
