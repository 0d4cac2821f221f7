// pass_race_libc_go.c — libc's accesses under race=go, which reports what
// Go's race detector would: a libc call made by managed code (a G calling
// snprintf, as Go code's own fmt.Sprintf is instrumented) is seen; one made
// by a C library thread (memset) is not, as Go never sees C's accesses. A G
// on one thread formats into a managed buffer, a C thread fills another;
// a G on a third thread reads a byte of each, ordered only by relaxed
// flags (no edge): one report, the snprintf.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=go:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// FOREIGN: pass_race_libc_writes.c
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "pass_race_libc_writes.h"

static const cgosan_type kChar = {"char", 1, 0, NULL, 0};
static struct libc_buffers buffers;
static char *formatted;
static int done;  // relaxed: orders nothing for a race checker

static void formatter(void *arg) {
  (void)arg;
  snprintf(formatted, 16, "G %d", 7);
  __atomic_add_fetch(&done, 1, __ATOMIC_RELAXED);
}

static void *run_formatter(void *arg) {
  cgosan_run(formatter, arg);
  return NULL;
}

static void *c_thread(void *arg) {
  (void)arg;
  libc_writes(&buffers);
  __atomic_add_fetch(&done, 1, __ATOMIC_RELAXED);
  return NULL;
}

static void reader(void *arg) {
  (void)arg;
  while (__atomic_load_n(&done, __ATOMIC_RELAXED) < 2)
    sched_yield();
  printf("%c%c\n", formatted[2], buffers.fill[2]);
}

int main(void) {
  char **all[] = {&formatted, &buffers.text, &buffers.bytes, &buffers.name,
                  &buffers.copy, &buffers.fill};
  for (int i = 0; i < 6; i++) {
    *all[i] = cgosan_new_array(&kChar, 16);
    cgosan_add_root((void **)all[i]);
  }
  pthread_t a, b;
  pthread_create(&a, NULL, run_formatter, NULL);
  pthread_create(&b, NULL, c_thread, NULL);
  cgosan_run(reader, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_go.c:48:20
// CHECK:  0x[[AT]] is 2 bytes into object 0x[[BUF:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[BUF]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in formatter {{.*}}/pass_race_libc_go.c:28:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in run_formatter {{.*}}/pass_race_libc_go.c:33:3
// CHECK:  0x[[BUF]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_go.c:55:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_go.c:48:20 in reader
// STDOUT:7x
