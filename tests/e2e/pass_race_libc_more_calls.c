/* pass_race_libc_more_calls.c — see pass_race_libc_more_calls.h. Plain C,
 * built without the pass; counts and sets come from a volatile, so each
 * is a call into libc (no inline expansion of fread_unlocked, no folded
 * search). */
#define _GNU_SOURCE
#include "pass_race_libc_more_calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *volatile kInput = "abcdefline two\nfield;rest";
static volatile size_t kSix = 6;
static const char *volatile kNeedle = "needle";
static const char *volatile kSpanSet = "ab";
static const char *volatile kBreakSet = ";,";

static void vectored_calls(struct libc_more_buffers *b);

void libc_more_calls(struct libc_more_buffers *b) {
  const char *input = kInput;
  FILE *f = fmemopen((void *)input, strlen(input), "r");
  size_t size = 16;
  if (!f || fread_unlocked(b->unlocked, 1, kSix, f) != 6)
    abort();
  if (getline(&b->line, &size, f) != 9)
    abort();
  if (getdelim(&b->field, &size, ';', f) != 6)
    abort();
  fclose(f);
  if (!strstr(b->hay, kNeedle))
    abort();
  if (strspn(b->span, kSpanSet) != 4)
    abort();
  if (!strpbrk(b->brk, kBreakSet))
    abort();
  vectored_calls(b);
}

static void vectored_calls(struct libc_more_buffers *b) {
  int fds[2], sv[2];
  char drain[16];
  if (pipe(fds) != 0 || write(fds[1], "vectored", 8) != 8)
    abort();
  struct iovec in[2] = {{b->vin, 3}, {b->vin + 8, 8}};
  if (readv(fds[0], in, 2) != 8)
    abort();
  struct iovec out = {b->vout, 5};
  if (writev(fds[1], &out, 1) != 5 || read(fds[0], drain, 5) != 5)
    abort();
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    abort();
  struct iovec sent = {b->mout, 4}, got = {b->min, 16};
  struct msghdr send_msg = {.msg_iov = &sent, .msg_iovlen = 1};
  struct msghdr recv_msg = {.msg_iov = &got, .msg_iovlen = 1};
  if (sendmsg(sv[0], &send_msg, 0) != 4)
    abort();
  if (recvmsg(sv[1], &recv_msg, 0) != 4)
    abort();
  close(fds[0]);
  close(fds[1]);
  close(sv[0]);
  close(sv[1]);
}
