// pass_race_recvmmsg_names.c — recvmmsg stores each message's peer address
// into its msg_name: a library thread receives two datagrams from an
// autobound unix socket (an address of 8 bytes) with one recvmmsg, the first
// message's name into a managed buffer with 32 bytes of room, the second's
// into another with 4 (the kernel cuts the address there and still returns
// 8 in msg_namelen); a G on the main thread then reads a byte of each,
// ordered only by a relaxed atomic flag (no edge for either checker). Two
// reports: writes of 8 and of 4 bytes (the room, not the returned length).
// clang-19 -fsanitize=thread -O0 on the same logic over malloc'd buffers
// reports both races (the second as a write of 8: it records the length the
// kernel returned, past the room given) and is silent on the twin,
// pass_race_recvmmsg_names_ordered.c. With the library before recvmmsg
// recorded the names, this program ran silent.
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise:halt_on_error=0
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define _GNU_SOURCE
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef ORDERED  // pass_race_recvmmsg_names_ordered.c: 1
#define ORDERED 0
#endif

static const cgosan_type kChar = {"char", 1, 0, NULL, 0};
static char *name_whole, *name_cut;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int done;  // relaxed: orders nothing for a race checker

static void receive_names(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
    abort();
  struct sockaddr_un family_only = {.sun_family = AF_UNIX};
  if (bind(sv[0], (struct sockaddr *)&family_only, sizeof(sa_family_t)) != 0)
    abort();
  if (send(sv[0], "a", 1, 0) != 1 || send(sv[0], "b", 1, 0) != 1)
    abort();
  char bytes[2];
  struct iovec in[2] = {{&bytes[0], 1}, {&bytes[1], 1}};
  struct mmsghdr got[2] = {
      {.msg_hdr = {.msg_name = name_whole, .msg_namelen = 32,
                   .msg_iov = &in[0], .msg_iovlen = 1}},
      {.msg_hdr = {.msg_name = name_cut, .msg_namelen = 4,
                   .msg_iov = &in[1], .msg_iovlen = 1}}};
  if (recvmmsg(sv[1], got, 2, 0, NULL) != 2 ||
      got[0].msg_hdr.msg_namelen != 8 || got[1].msg_hdr.msg_namelen != 8)
    abort();
  close(sv[0]);
  close(sv[1]);
}

static void *library_thread(void *arg) {
  (void)arg;
  if (ORDERED)
    pthread_mutex_lock(&mu);
  receive_names();
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
  printf("%d %d\n", name_whole[2], name_cut[2]);
  if (ORDERED)
    pthread_mutex_unlock(&mu);
}

int main(void) {
  name_whole = cgosan_new_array(&kChar, 32);
  cgosan_add_root((void **)&name_whole);
  name_cut = cgosan_new_array(&kChar, 32);
  cgosan_add_root((void **)&name_cut);
  pthread_t library;
  pthread_create(&library, NULL, library_thread, NULL);
  cgosan_run(reader, NULL);
  pthread_join(library, NULL);
  return 0;
}
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT1:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_recvmmsg_names.c:78:21
// CHECK:  0x[[AT1]] is 2 bytes into object 0x[[BUF1:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous write of size 8 at 0x[[BUF1]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in receive_names {{.*}}/pass_race_recvmmsg_names.c:54:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_recvmmsg_names.c:65:3
// CHECK:  0x[[BUF1]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_recvmmsg_names.c:84:16
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_recvmmsg_names.c:78:21 in reader
// CHECK:=={{[0-9]+}}==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Read of size 1 at 0x[[AT2:[0-9a-f]+]] by thread T{{[0-9]+}} on G {{[0-9]+}} (managed code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in reader {{.*}}/pass_race_recvmmsg_names.c:78:36
// CHECK:  0x[[AT2]] is 2 bytes into object 0x[[BUF2:[0-9a-f]+]] of type 'char[32]' (32 bytes)
// CHECK-NEXT:  Previous write of size 4 at 0x[[BUF2]] by thread T{{[0-9]+}} (foreign code):
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in receive_names {{.*}}/pass_race_recvmmsg_names.c:54:7
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in library_thread {{.*}}/pass_race_recvmmsg_names.c:65:3
// CHECK:  0x[[BUF2]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/pass_race_recvmmsg_names.c:86:14
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/pass_race_recvmmsg_names.c:78:36 in reader
// CHECK-NOT:ERROR: CgoSanitizer
