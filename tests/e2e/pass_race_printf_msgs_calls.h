/* pass_race_printf_msgs_calls.h — C code NOT built with the pass whose libc
 * calls pass_race_printf_msgs.c checks: printf-family strings read through
 * the format, and the control buffers and batches of the message calls.
 * Only the runtime's libc interceptors can see these accesses. */
#ifndef CGOSAN_TESTS_E2E_PASS_RACE_PRINTF_MSGS_CALLS_H
#define CGOSAN_TESTS_E2E_PASS_RACE_PRINTF_MSGS_CALLS_H

#include <wchar.h>

struct printf_msgs_buffers {
  /* read through a format: fprintf's "%s" of "shown text" (11 bytes with
   * the NUL), snprintf's "%.4s" of "truncated" (4) */
  char *shown, *cut;
  /* control buffers: sendmsg reads control_out's SCM_RIGHTS message (24
   * bytes, passing stderr), recvmsg stores the one it receives into
   * control_in (24) */
  char *control_out, *control_in;
  /* batches of two datagrams: sendmmsg reads {batch_out, 4} and
   * {batch_out + 8, 3}, recvmmsg stores them into {batch_in, 8} and
   * {batch_in + 8, 8} (4, then 3 bytes) */
  char *batch_out, *batch_in;
  /* recvmsg's msg_name, 32 bytes of room: the kernel stores the sender's
   * autobound unix address, 8 bytes (its family, a NUL, 5 hex digits) */
  char *name;
  /* snprintf's "%.3ls" reads its first 3 wide characters (12 bytes) */
  wchar_t *wide;
};

void printf_msgs_calls(struct printf_msgs_buffers *b);

#endif
