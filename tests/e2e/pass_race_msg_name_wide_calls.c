/* pass_race_msg_name_wide_calls.c — see pass_race_msg_name_wide_calls.h.
 * Plain C, built without the pass; the format comes from a volatile, so the
 * compiler turns no call into another. */
#define _GNU_SOURCE
#include "pass_race_msg_name_wide_calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *volatile kWideFormat = "%.3ls";

/* A datagram from a socket bound to an address the kernel picks (a unix
 * socket bound with only its family: "autobind"), so its receiver learns an
 * address of 8 bytes. */
static void name_calls(struct msg_name_wide_buffers *b) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
    abort();
  struct sockaddr_un family_only = {.sun_family = AF_UNIX};
  if (bind(sv[0], (struct sockaddr *)&family_only, sizeof(sa_family_t)) != 0)
    abort();
  char byte = 'x';
  if (send(sv[0], &byte, 1, 0) != 1)
    abort();
  struct iovec one = {&byte, 1};
  struct msghdr got = {.msg_name = b->name, .msg_namelen = 32,
                       .msg_iov = &one, .msg_iovlen = 1};
  if (recvmsg(sv[1], &got, 0) != 1 || got.msg_namelen != 8)
    abort();
  close(sv[0]);
  close(sv[1]);
}

void msg_name_wide_calls(struct msg_name_wide_buffers *b) {
  name_calls(b);
  char printed[8];
  if (snprintf(printed, sizeof(printed), kWideFormat, b->wide) != 3)
    abort();
}
