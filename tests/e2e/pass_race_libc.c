// pass_race_libc.c — libc's writes into managed memory are accesses: a C
// library thread (pass_race_libc_writes.c, not built with the pass) fills
// five managed buffers through snprintf, read, strncpy, memcpy and memset;
// a G on the main thread then reads a byte of each, ordered only by a
// relaxed atomic flag (no edge for the race checker, nor for TSan). Each
// read races with the libc call's write, whose size is the bytes it really
// wrote: 7 for snprintf's "row 42" and its NUL, 5 for a read that got 5 of
// 16, 16 for strncpy's padding, 12 and 10 for memcpy and memset. Five
// reports. Twin: pass_race_libc_ordered.c, the same under a pthread mutex.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// FOREIGN: pass_race_libc_writes.c
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "pass_race_libc_writes.h"

#ifndef ORDERED  // pass_race_libc_ordered.c: 1
#define ORDERED 0
#endif

static const cgosan_type kChar = {"char", 1, 0, NULL, 0};
static struct libc_buffers buffers;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int written;  // relaxed: orders nothing for a race checker

static void *writer_thread(void *arg) {
  (void)arg;
  if (ORDERED)
    pthread_mutex_lock(&mu);
  libc_writes(&buffers);
  if (ORDERED)
    pthread_mutex_unlock(&mu);
  __atomic_store_n(&written, 1, __ATOMIC_RELAXED);
  return NULL;
}

static void reader(void *arg) {
  (void)arg;
  while (!__atomic_load_n(&written, __ATOMIC_RELAXED))
    sched_yield();
  if (ORDERED)
    pthread_mutex_lock(&mu);
  printf("%c", buffers.text[2]);
  printf("%c", buffers.bytes[2]);
  printf("%c", buffers.name[2]);
  printf("%c", buffers.copy[2]);
  printf("%c\n", buffers.fill[2]);
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

int main(void) {
  char **all[] = {&buffers.text, &buffers.bytes, &buffers.name, &buffers.copy,
                  &buffers.fill};
  for (int i = 0; i < 5; i++) {
    *all[i] = cgosan_new_array(&kChar, 16);
    cgosan_add_root((void **)all[i]);
  }
  pthread_t writer;
  pthread_create(&writer, NULL, writer_thread, NULL);
  cgosan_run(reader, NULL);
  pthread_join(writer, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT1:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc.c:49:16
// CHECK:  0x[[AT1]] is 2 bytes into object 0x[[BUF1:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 7 at 0x[[BUF1]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_writes {{.*}}/pass_race_libc_writes.c:17:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer_thread {{.*}}/pass_race_libc.c:36:3
// CHECK:  0x[[BUF1]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc.c:62:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc.c:49:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT2:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc.c:50:16
// CHECK:  0x[[AT2]] is 2 bytes into object 0x[[BUF2:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 5 at 0x[[BUF2]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_writes {{.*}}/pass_race_libc_writes.c:18:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer_thread {{.*}}/pass_race_libc.c:36:3
// CHECK:  0x[[BUF2]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc.c:62:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc.c:50:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT3:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc.c:51:16
// CHECK:  0x[[AT3]] is 2 bytes into object 0x[[BUF3:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 16 at 0x[[BUF3]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_writes {{.*}}/pass_race_libc_writes.c:20:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer_thread {{.*}}/pass_race_libc.c:36:3
// CHECK:  0x[[BUF3]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc.c:62:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc.c:51:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT4:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc.c:52:16
// CHECK:  0x[[AT4]] is 2 bytes into object 0x[[BUF4:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 12 at 0x[[BUF4]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_writes {{.*}}/pass_race_libc_writes.c:21:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer_thread {{.*}}/pass_race_libc.c:36:3
// CHECK:  0x[[BUF4]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc.c:62:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc.c:52:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT5:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc.c:53:18
// CHECK:  0x[[AT5]] is 2 bytes into object 0x[[BUF5:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 10 at 0x[[BUF5]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_writes {{.*}}/pass_race_libc_writes.c:22:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in writer_thread {{.*}}/pass_race_libc.c:36:3
// CHECK:  0x[[BUF5]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc.c:62:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc.c:53:18 in reader
// STDOUT:wlo2x
