// pass_race_msg_name_wide.c — two more of libc's accesses of managed
// memory: a C library thread (pass_race_msg_name_wide_calls.c, not built
// with the pass) receives a datagram with recvmsg into a managed msg_name,
// where the kernel stores the sender's address (8 bytes), and prints a
// managed wide string through snprintf's "%.3ls", which reads its first 3
// wide characters (12 bytes); a G on the main thread then reads a byte of
// the name and writes a wide character of the string, ordered only by a
// relaxed atomic flag (no edge for either checker). Two reports.
// clang-19 -fsanitize=thread -O0 on the same logic over malloc'd buffers
// reports the first (its recvmsg interceptor writes msg_name) and not the
// second (it reads nothing for any %ls); silent on the twin,
// pass_race_msg_name_wide_ordered.c.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// FOREIGN: pass_race_msg_name_wide_calls.c
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "pass_race_msg_name_wide_calls.h"

#ifndef ORDERED  // pass_race_msg_name_wide_ordered.c: 1
#define ORDERED 0
#endif

static const cgosan_type kChar = {"char", 1, 0, NULL, 0};
static const cgosan_type kWchar = {"wchar_t", sizeof(wchar_t), 0, NULL, 0};
static struct msg_name_wide_buffers buffers;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int done;  // relaxed: orders nothing for a race checker

static void *library_thread(void *arg) {
  (void)arg;
  if (ORDERED)
    pthread_mutex_lock(&mu);
  msg_name_wide_calls(&buffers);
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
  printf("%d\n", buffers.name[4]);
  buffers.wide[2] = L'D';
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

int main(void) {
  buffers.name = cgosan_new_array(&kChar, 32);
  cgosan_add_root((void **)&buffers.name);
  buffers.wide = cgosan_new_array(&kWchar, 16);
  cgosan_add_root((void **)&buffers.wide);
  wmemcpy(buffers.wide, L"wide text", 10);
  pthread_t library;
  pthread_create(&library, NULL, library_thread, NULL);
  cgosan_run(reader, NULL);
  pthread_join(library, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT1:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_msg_name_wide.c:54:18
// CHECK:  0x[[AT1]] is 4 bytes into object 0x[[BUF1:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous write of size 8 at 0x[[BUF1]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in name_calls {{.*}}/pass_race_msg_name_wide_calls.c:31:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in msg_name_wide_calls {{.*}}/pass_race_msg_name_wide_calls.c:38:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_msg_name_wide.c:41:3
// CHECK:  0x[[BUF1]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_msg_name_wide.c:61:18
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_msg_name_wide.c:54:18 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 4 at 0x[[AT2:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_msg_name_wide.c:55:19
// CHECK:  0x[[AT2]] is 8 bytes into object 0x[[BUF2:[0-9a-f]+]] of type 'wchar_t[16]' (64 bytes)
// CHECK-NEXT:  Previous read of size 12 at 0x[[BUF2]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in msg_name_wide_calls {{.*}}/pass_race_msg_name_wide_calls.c:40:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_msg_name_wide.c:41:3
// CHECK:  0x[[BUF2]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_msg_name_wide.c:63:18
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_msg_name_wide.c:55:19 in reader
// CHECK-NOT:ERROR: CgoSanitizer
