// pass_race_printf_msgs.c — libc's accesses of managed memory through a
// printf format and the message calls: a C library thread
// (pass_race_printf_msgs_calls.c, not built with the pass) prints two
// managed strings through fprintf's "%s" and snprintf's "%.4s", passes an fd
// with sendmsg and recvmsg through two managed control buffers, sends and
// receives two datagrams with sendmmsg and recvmmsg through two managed
// buffers, receives one with recvmsg from an autobound socket into a
// managed msg_name, and prints a managed wide string through "%.3ls"; a G
// on the main thread then writes a byte of each buffer read and reads one
// of each written, ordered only by a relaxed atomic flag (no edge for
// either checker). Each report names the bytes the call really touched: 11
// (the string and its NUL), 4 (the precision), 24 and 24 (the control
// messages), 4 (sendmmsg's first datagram), 3 (recvmmsg's second, at 8
// bytes in), 8 (the peer's address), 12 (3 wide characters). Eight reports.
// clang-19 -fsanitize=thread -O0 on the same logic over malloc'd buffers
// reports the same races but the last (its printf interceptors read the %s
// arguments, check_printf being on by default, and nothing for any %ls) and
// is silent on the twin, pass_race_printf_msgs_ordered.c.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// FOREIGN: pass_race_printf_msgs_calls.c
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "pass_race_printf_msgs_calls.h"

#ifndef ORDERED  // pass_race_printf_msgs_ordered.c: 1
#define ORDERED 0
#endif

static const cgosan_type kChar = {"char", 1, 0, NULL, 0};
static const cgosan_type kWchar = {"wchar_t", sizeof(wchar_t), 0, NULL, 0};
static struct printf_msgs_buffers buffers;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int done;  // relaxed: orders nothing for a race checker

static void *library_thread(void *arg) {
  (void)arg;
  if (ORDERED)
    pthread_mutex_lock(&mu);
  printf_msgs_calls(&buffers);
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
  buffers.shown[2] = 'O';
  buffers.cut[2] = 'U';
  buffers.control_out[2] = 0;
  printf("%d", buffers.control_in[2]);
  buffers.batch_out[2] = 'B';
  printf("%c\n", buffers.batch_in[9]);
  printf("%d\n", buffers.name[2]);
  buffers.wide[2] = L'D';
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

int main(void) {
  char **all[] = {&buffers.shown,      &buffers.cut,
                  &buffers.control_out, &buffers.control_in,
                  &buffers.batch_out,   &buffers.batch_in,
                  &buffers.name};
  for (int i = 0; i < 7; i++) {
    *all[i] = cgosan_new_array(&kChar, 32);
    cgosan_add_root((void **)all[i]);
  }
  buffers.wide = cgosan_new_array(&kWchar, 16);
  cgosan_add_root((void **)&buffers.wide);
  wmemcpy(buffers.wide, L"wide text", 10);
  memcpy(buffers.shown, "shown text", 11);
  memcpy(buffers.cut, "truncated", 10);
  struct cmsghdr header = {.cmsg_len = CMSG_LEN(sizeof(int)),
                           .cmsg_level = SOL_SOCKET,
                           .cmsg_type = SCM_RIGHTS};
  int passed = 2;
  memcpy(buffers.control_out, &header, sizeof(header));
  memcpy(CMSG_DATA((struct cmsghdr *)buffers.control_out), &passed,
         sizeof(passed));
  memcpy(buffers.batch_out, "mmsg\0\0\0\0two", 11);
  pthread_t library;
  pthread_create(&library, NULL, library_thread, NULL);
  cgosan_run(reader, NULL);
  pthread_join(library, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT1:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:61:20
// CHECK:  0x[[AT1]] is 2 bytes into object 0x[[BUF1:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous read of size 11 at 0x[[BUF1]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:25:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_printf_msgs.c:48:3
// CHECK:  0x[[BUF1]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:79:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:61:20 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT2:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:62:18
// CHECK:  0x[[AT2]] is 2 bytes into object 0x[[BUF2:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous read of size 4 at 0x[[BUF2]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:28:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_printf_msgs.c:48:3
// CHECK:  0x[[BUF2]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:79:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:62:18 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT3:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:63:26
// CHECK:  0x[[AT3]] is 2 bytes into object 0x[[BUF3:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous read of size 24 at 0x[[BUF3]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in control_calls {{.*}}/pass_race_printf_msgs_calls.c:48:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:30:3
// CHECK:  0x[[BUF3]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:79:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:63:26 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT4:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:64:16
// CHECK:  0x[[AT4]] is 2 bytes into object 0x[[BUF4:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous write of size 24 at 0x[[BUF4]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in control_calls {{.*}}/pass_race_printf_msgs_calls.c:53:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:30:3
// CHECK:  0x[[BUF4]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:79:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:64:16 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 1 at 0x[[AT5:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:65:24
// CHECK:  0x[[AT5]] is 2 bytes into object 0x[[BUF5:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous read of size 4 at 0x[[BUF5]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in batch_calls {{.*}}/pass_race_printf_msgs_calls.c:74:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:31:3
// CHECK:  0x[[BUF5]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:79:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:65:24 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT6:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:66:18
// CHECK:  0x[[AT6]] is 9 bytes into object 0x[[BUF6:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous write of size 3 at 0x{{[0-9a-f]+}}8 by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in batch_calls {{.*}}/pass_race_printf_msgs_calls.c:76:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:31:3
// CHECK:  0x[[BUF6]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:79:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:66:18 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT7:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:67:18
// CHECK:  0x[[AT7]] is 2 bytes into object 0x[[BUF7:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous write of size 8 at 0x[[BUF7]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in name_calls {{.*}}/pass_race_printf_msgs_calls.c:98:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:32:3
// CHECK:  0x[[BUF7]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:79:15
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:67:18 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 4 at 0x[[AT8:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_printf_msgs.c:68:19
// CHECK:  0x[[AT8]] is 8 bytes into object 0x[[BUF8:[0-9a-f]+]] of type 'wchar_t[16]' (64 bytes)
// CHECK-NEXT:  Previous read of size 12 at 0x[[BUF8]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in printf_msgs_calls {{.*}}/pass_race_printf_msgs_calls.c:33:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_printf_msgs.c:48:3
// CHECK:  0x[[BUF8]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_printf_msgs.c:82:18
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_printf_msgs.c:68:19 in reader
// CHECK-NOT:ERROR: CgoSanitizer
