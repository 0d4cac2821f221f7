// pass_race_recvmsg_after_acquire.c — a G fills a managed buffer, then sends
// one byte on a socketpair from an autobound socket, then, once the first
// was received, fills the last 8 bytes again and sends a second; a library
// thread, blocked in recvmsg
// (then in recvmmsg, for the second byte), receives into that same buffer,
// and the sender's address (8 bytes) into it too, the second into those
// last 8 bytes. Each send releases to its receive, so the G's writes are
// ordered before the bytes the kernel stores: a message receive records its
// stores, the names included, after it acquires, as TSan does (its recvmsg
// and recvmmsg write the msghdr after the fd's acquire, unlike read and
// recv). Silent; clang-19 -fsanitize=thread -O0 on the same logic over a
// malloc'd buffer is silent too. Recording first reported both receives as
// races with the G's fill, and recvmmsg's name recorded first, with the G's
// second fill.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#define _GNU_SOURCE
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

static const cgosan_type kChar = {"char", 1, 0, NULL, 0};
static char *buffer;
static int sv[2];

static void *library_thread(void *arg) {
  (void)arg;
  struct iovec first = {buffer, 1};
  struct msghdr got = {.msg_name = buffer + 16, .msg_namelen = 8,
                       .msg_iov = &first, .msg_iovlen = 1};
  if (recvmsg(sv[1], &got, 0) != 1 || got.msg_namelen != 8 ||
      send(sv[1], "a", 1, 0) != 1)
    abort();
  struct iovec second = {buffer + 8, 1};
  struct mmsghdr batch = {.msg_hdr = {.msg_name = buffer + 24, .msg_namelen = 8,
                                      .msg_iov = &second, .msg_iovlen = 1}};
  if (recvmmsg(sv[1], &batch, 1, 0, NULL) != 1 || batch.msg_hdr.msg_namelen != 8)
    abort();
  return NULL;
}

static void filler(void *arg) {
  (void)arg;
  memset(buffer, 'f', 32);
  char ack;
  if (send(sv[0], "r", 1, 0) != 1 || recv(sv[0], &ack, 1, 0) != 1)
    abort();
  memset(buffer + 24, 'g', 8);  // ordered before the second receive only
  if (send(sv[0], "m", 1, 0) != 1)
    abort();
}

int main(void) {
  buffer = cgosan_new_array(&kChar, 32);
  cgosan_add_root((void **)&buffer);
  struct sockaddr_un family_only = {.sun_family = AF_UNIX};
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0 ||
      bind(sv[0], (struct sockaddr *)&family_only, sizeof(sa_family_t)) != 0)
    abort();
  pthread_t library;
  pthread_create(&library, NULL, library_thread, NULL);
  cgosan_run(filler, NULL);
  pthread_join(library, NULL);
  printf("%c%c\n", buffer[0], buffer[8]);
  return 0;
}
// STDOUT:rm
// CHECK-NOT:{{.}}
