// pass_race_interleaved.c — a race whose later access is a loop the
// vectorizer interleaved: at -O2 fill's body stores two <4 x i32> an
// iteration, at p and p + 16, each stepping by 32 (n is not known at
// compile time, so the loop stays a loop). Neither store walks by its own
// size, but together they tile each iteration's 32 bytes, and
// RaceAccesses.cpp with RaceLoops.cpp puts one write of all the loop's
// bytes in its preheader instead of a call per store. A G reads the first
// int of a managed array; then, ordered only by a pipe the checker cannot
// see, a G on another thread fills the whole array. The report is the
// fill's: one write of the 256 bytes, at the store's own line. Recorded per
// iteration instead, the fill's first record (16 or 32 bytes) would race
// with the read at once and be reported alone (the runtime's merged run
// names its whole range only when the race is found at the run's end).
// Registered at -O2 (at -O0 nothing is vectorized).
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include "pass_race_handoff.h"

enum { kInts = 64 };
static const cgosan_type kInt = {"int", sizeof(int), 0, NULL, 0};
static int *ints;  // a root

// Not static: n stays unknown inside (no constant from the one caller), so
// the vectorized loop is not unrolled away.
__attribute__((noinline)) void fill(int *to, int seed, int n) {
  for (int i = 0; i < n; i++)
    to[i] = seed + i;
}

static void reader(void *arg) {
  (void)arg;
  printf("int %d\n", ints[0]);
  hand_off();
}

static void writer(void *arg) {
  (void)arg;
  wait_for_handoff();
  fill(ints, 7, kInts);
  puts("filled");  // after the fill: not a tail call, writer keeps its frame
}

int main(void) {
  cgosan_add_root((void **)&ints);
  ints = cgosan_new_array(&kInt, kInts);
  return run_handoff(reader, writer);
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 256 at 0x[[INTS:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in fill {{.*}}/pass_race_interleaved.c:30:11
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer {{.*}}/pass_race_interleaved.c:42:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_handoff.h:30:3
// CHECK:  0x[[INTS]] is object of type 'int[64]' (256 bytes)
// CHECK-NEXT:  Previous read of size 4 at 0x[[INTS]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_interleaved.c:35:22
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_g {{.*}}/pass_race_handoff.h:30:3
// CHECK:  0x[[INTS]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_interleaved.c:48:10
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_interleaved.c:30:11 in fill
