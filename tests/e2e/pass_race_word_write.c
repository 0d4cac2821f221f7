// pass_race_word_write.c — whole-word plain writes (`x += y` on a long, whose
// read the pass drops), the race checker's commonest store: one G adds to
// words[0] and reads words[1]; a second G, on another thread, ordered after
// it only by a pipe the checker cannot see, adds to both. Two reports, each
// made by the second G's whole-word write: against the first G's write of
// words[0] and against its read of words[1], each of size 8. The twin,
// pass_race_word_write_ordered.c, takes a pthread mutex around both: silent.
// clang-19 -fsanitize=thread -O0 on the same logic over a malloc'd array
// reports the same two races and is silent on the twin. At -O0 only: -O2
// merges the two adds into one 16-byte store.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>

#include "pass_race_handoff.h"

#ifndef ORDERED  // pass_race_word_write_ordered.c: 1
#define ORDERED 0
#endif

static const cgosan_type kLongs = {"long[4]", 4 * sizeof(long), 0, NULL, 0};
static long *words;
static volatile long seen;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void first(void *arg) {
  (void)arg;
  if (ORDERED)
    pthread_mutex_lock(&mu);
  words[0] += 1;
  seen = words[1];
  if (ORDERED)
    pthread_mutex_unlock(&mu);
  hand_off();
}

static void second(void *arg) {
  (void)arg;
  wait_for_handoff();
  if (ORDERED)
    pthread_mutex_lock(&mu);
  words[0] += 2;
  words[1] += 3;
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

int main(void) {
  words = cgosan_new(&kLongs);
  cgosan_add_root((void **)&words);
  if (run_handoff(first, second) != 0)
    return 1;
  printf("%ld %ld\n", words[0], words[1]);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 8 at 0x[[OBJ:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in second {{.*}}/pass_race_word_write.c:47:12
// CHECK:  0x[[OBJ]] is object of type 'long[4]' (32 bytes)
// CHECK-NEXT:  Previous write of size 8 at 0x[[OBJ]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in first {{.*}}/pass_race_word_write.c:35:12
// CHECK:  0x[[OBJ]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_word_write.c:54:11
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_word_write.c:47:12 in second
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 8 at 0x[[AT:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in second {{.*}}/pass_race_word_write.c:48:12
// CHECK:  0x[[AT]] is 8 bytes into object 0x[[OBJ]] of type 'long[4]' (32 bytes)
// CHECK-NEXT:  Previous read of size 8 at 0x[[AT]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in first {{.*}}/pass_race_word_write.c:36:10
// CHECK:  0x[[OBJ]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_word_write.c:54:11
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_word_write.c:48:12 in second
// CHECK-NOT:ERROR: CgoSanitizer
