/* pass_race_printf_msgs_calls.c — see pass_race_printf_msgs_calls.h. Plain
 * C, built without the pass; the formats come from a volatile, so the
 * compiler turns no call into another (fprintf "%s" into fputs). */
#define _GNU_SOURCE
#include "pass_race_printf_msgs_calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *volatile kShownFormat = "[%s]";
static const char *volatile kCutFormat = "%.4s";
static const char *volatile kWideFormat = "%.3ls";

static void control_calls(struct printf_msgs_buffers *b);
static void batch_calls(struct printf_msgs_buffers *b);
static void name_calls(struct printf_msgs_buffers *b);

void printf_msgs_calls(struct printf_msgs_buffers *b) {
  char printed[16];
  FILE *sink = fopen("/dev/null", "w");
  if (!sink || fprintf(sink, kShownFormat, b->shown) != 12)
    abort();
  fclose(sink);
  if (snprintf(printed, sizeof(printed), kCutFormat, b->cut) != 4)
    abort();
  control_calls(b);
  batch_calls(b);
  name_calls(b);
  if (snprintf(printed, sizeof(printed), kWideFormat, b->wide) != 3)
    abort();
}

/* An fd passed over a socketpair, stderr's (the main thread filled
 * control_out): the control messages are managed. */
static void control_calls(struct printf_msgs_buffers *b) {
  int sv[2];
  char byte = 'x';
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    abort();
  struct iovec one = {&byte, 1};
  struct msghdr sent = {.msg_iov = &one, .msg_iovlen = 1,
                        .msg_control = b->control_out,
                        .msg_controllen = CMSG_SPACE(sizeof(int))};
  if (sendmsg(sv[0], &sent, 0) != 1)
    abort();
  struct msghdr got = {.msg_iov = &one, .msg_iovlen = 1,
                       .msg_control = b->control_in,
                       .msg_controllen = CMSG_SPACE(sizeof(int))};
  if (recvmsg(sv[1], &got, 0) != 1 ||
      got.msg_controllen != CMSG_SPACE(sizeof(int)))
    abort();
  int passed;
  memcpy(&passed, CMSG_DATA((struct cmsghdr *)b->control_in), sizeof(int));
  close(passed);
  close(sv[0]);
  close(sv[1]);
}

/* Two datagrams out with one call, in with another. */
static void batch_calls(struct printf_msgs_buffers *b) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
    abort();
  struct iovec out[2] = {{b->batch_out, 4}, {b->batch_out + 8, 3}};
  struct iovec in[2] = {{b->batch_in, 8}, {b->batch_in + 8, 8}};
  struct mmsghdr sent[2] = {{.msg_hdr = {.msg_iov = &out[0], .msg_iovlen = 1}},
                            {.msg_hdr = {.msg_iov = &out[1], .msg_iovlen = 1}}};
  struct mmsghdr got[2] = {{.msg_hdr = {.msg_iov = &in[0], .msg_iovlen = 1}},
                           {.msg_hdr = {.msg_iov = &in[1], .msg_iovlen = 1}}};
  if (sendmmsg(sv[0], sent, 2, 0) != 2)
    abort();
  if (recvmmsg(sv[1], got, 2, 0, NULL) != 2 || got[1].msg_len != 3)
    abort();
  close(sv[0]);
  close(sv[1]);
}

/* A datagram from a socket bound to an address the kernel picks (a unix
 * socket bound with only its family: "autobind"), so its receiver learns an
 * address of 8 bytes. */
static void name_calls(struct printf_msgs_buffers *b) {
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
