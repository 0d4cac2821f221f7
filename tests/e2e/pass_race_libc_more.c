// pass_race_libc_more.c — more of libc's accesses of managed memory: a C
// library thread (pass_race_libc_more_calls.c, not built with the pass)
// fills three managed buffers through fread_unlocked, getline, getdelim,
// searches three with strstr, strspn, strpbrk, and moves bytes of four
// through readv, writev, sendmsg, recvmsg; a G on the main thread then reads
// a byte of each written buffer and writes one of each read one, ordered
// only by a relaxed atomic flag (no edge for either checker; on malloc'd
// buffers TSan reports the same but fread_unlocked's, which it does not
// intercept). Each report names the bytes the call really touched: 6
// (fread_unlocked), 10 and 7 (getline, getdelim: the line and its NUL), 10
// (strstr: to the needle's end), 5 (strspn: the span and the byte ending it),
// 4 (strpbrk: to the byte found), 3 (readv's first iovec), 5 and 4 (writev,
// sendmsg), 4 (recvmsg). Ten reports. Twin: pass_race_libc_more_ordered.c.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// FOREIGN: pass_race_libc_more_calls.c
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "pass_race_libc_more_calls.h"

#ifndef ORDERED  // pass_race_libc_more_ordered.c: 1
#define ORDERED 0
#endif

static const cgosan_type kChar = {"char", 1, 0, NULL, 0};
static struct libc_more_buffers buffers;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int done;  // relaxed: orders nothing for a race checker

static void *library_thread(void *arg) {
  (void)arg;
  if (ORDERED)
    pthread_mutex_lock(&mu);
  libc_more_calls(&buffers);
  if (ORDERED)
    pthread_mutex_unlock(&mu);
  __atomic_store_n(&done, 1, __ATOMIC_RELAXED);
  return NULL;
}

static void reader(void *arg) {
  (void)arg;
  while (!__atomic_load_n(&done, __ATOMIC_RELAXED))
    sched_yield();
  if (ORDERED)
    pthread_mutex_lock(&mu);
  printf("%c", buffers.unlocked[2]);
  printf("%c", buffers.line[2]);
  printf("%c\n", buffers.field[2]);
  buffers.hay[2] = 'Y';
  buffers.span[2] = 'B';
  buffers.brk[2] = 'Y';
  printf("%c", buffers.vin[2]);
  buffers.vout[2] = 'T';
  buffers.mout[2] = 'S';
  printf("%c\n", buffers.min[2]);
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

int main(void) {
  char **all[] = {&buffers.unlocked, &buffers.line, &buffers.field,
                  &buffers.hay,      &buffers.span, &buffers.brk,
                  &buffers.vin,      &buffers.vout, &buffers.mout,
                  &buffers.min};
  for (int i = 0; i < 10; i++) {
    *all[i] = cgosan_new_array(&kChar, 16);
    cgosan_add_root((void **)all[i]);
  }
  memcpy(buffers.hay, "hay needle hay", 15);
  memcpy(buffers.span, "abba-c", 7);
  memcpy(buffers.brk, "key;val", 8);
  memcpy(buffers.vout, "gather", 7);
  memcpy(buffers.mout, "mesg", 5);
  pthread_t library;
  pthread_create(&library, NULL, library_thread, NULL);
  cgosan_run(reader, NULL);
  pthread_join(library, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT1:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:54:16
// CHECK:  0x[[AT1]] is 2 bytes into object 0x[[BUF1:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 6 at 0x[[BUF1]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:27:13
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_libc_more.c:41:3
// CHECK:  0x[[BUF1]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:54:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT2:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:55:16
// CHECK:  0x[[AT2]] is 2 bytes into object 0x[[BUF2:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 10 at 0x[[BUF2]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:29:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_libc_more.c:41:3
// CHECK:  0x[[BUF2]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:55:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT3:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:56:18
// CHECK:  0x[[AT3]] is 2 bytes into object 0x[[BUF3:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 7 at 0x[[BUF3]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:31:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_libc_more.c:41:3
// CHECK:  0x[[BUF3]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:56:18 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT4:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:57:18
// CHECK:  0x[[AT4]] is 2 bytes into object 0x[[BUF4:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous read of size 10 at 0x[[BUF4]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:34:8
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_libc_more.c:41:3
// CHECK:  0x[[BUF4]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:57:18 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT5:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:58:19
// CHECK:  0x[[AT5]] is 2 bytes into object 0x[[BUF5:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous read of size 5 at 0x[[BUF5]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:36:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_libc_more.c:41:3
// CHECK:  0x[[BUF5]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:58:19 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT6:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:59:18
// CHECK:  0x[[AT6]] is 2 bytes into object 0x[[BUF6:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous read of size 4 at 0x[[BUF6]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:38:8
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_libc_more.c:41:3
// CHECK:  0x[[BUF6]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:59:18 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT7:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:60:16
// CHECK:  0x[[AT7]] is 2 bytes into object 0x[[BUF7:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 3 at 0x[[BUF7]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in vectored_calls {{.*}}/pass_race_libc_more_calls.c:49:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:40:3
// CHECK:  0x[[BUF7]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:60:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT8:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:61:19
// CHECK:  0x[[AT8]] is 2 bytes into object 0x[[BUF8:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous read of size 5 at 0x[[BUF8]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in vectored_calls {{.*}}/pass_race_libc_more_calls.c:52:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:40:3
// CHECK:  0x[[BUF8]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:61:19 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT9:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:62:19
// CHECK:  0x[[AT9]] is 2 bytes into object 0x[[BUF9:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous read of size 4 at 0x[[BUF9]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in vectored_calls {{.*}}/pass_race_libc_more_calls.c:59:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:40:3
// CHECK:  0x[[BUF9]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:62:19 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT10:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_libc_more.c:63:18
// CHECK:  0x[[AT10]] is 2 bytes into object 0x[[BUF10:[0-9a-f]+]] of type 'char[16]' (16 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[BUF10]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in vectored_calls {{.*}}/pass_race_libc_more_calls.c:61:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in libc_more_calls {{.*}}/pass_race_libc_more_calls.c:40:3
// CHECK:  0x[[BUF10]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_libc_more.c:74:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_libc_more.c:63:18 in reader
// CHECK-NOT:ERROR: CgoSanitizer
