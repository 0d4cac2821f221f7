// pass_race_loop.c — a race whose later access is a loop the pass records
// before it runs: fill's stores walk the buffer (16 bytes at a time, n not
// known at compile time, so the loop stays a loop), and RaceAccesses.cpp
// with RaceLoops.cpp puts one write of all its bytes in the loop's
// preheader instead of a call per store. A G reads one byte of a managed
// buffer; then, ordered only by a pipe the checker cannot see, a G on
// another thread fills the whole buffer. The report is the fill's: one
// write of the 256 bytes, at the store's own line. At -O0 each byte is its
// own store and the runtime merges them into one run, whose first byte does
// not race: the race is found when the run ends (when the G does), and the
// report still names the fill, with the stack recorded at the run's start.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include "pass_race_handoff.h"

enum { kBufSize = 256 };
static const cgosan_type kBuf = {"char", 1, 0, NULL, 0};
static char *buf;  // a root

// Not static: n stays unknown inside (no constant from the one caller), so
// the vectorized loop is not unrolled away.
__attribute__((noinline)) void fill(char *to, int seed, int n) {
  for (int i = 0; i < n; i++)
    to[i] = (char)(seed + i);
}

static void reader(void *arg) {
  (void)arg;
  printf("byte %d\n", buf[200]);
  hand_off();
}

static void writer(void *arg) {
  (void)arg;
  wait_for_handoff();
  fill(buf, 'a', kBufSize);
  puts("filled");  // after the fill: not a tail call, writer keeps its frame
}

int main(void) {
  cgosan_add_root((void **)&buf);
  buf = cgosan_new_array(&kBuf, kBufSize);
  return run_handoff(reader, writer);
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 256 at 0x[[BUF:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in fill {{.*}}/pass_race_loop.c:27:11
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer {{.*}}/pass_race_loop.c:39:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_handoff.h:30:3
// CHECK:  0x[[BUF]] is object of type 'char[256]' (256 bytes)
// CHECK-NEXT:  Previous read of size 1 at 0x{{[0-9a-f]+}} by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_loop.c:32:23
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_handoff.h:30:3
// CHECK:  0x[[BUF]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_loop.c:45:9
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_loop.c:27:11 in fill
