/* pass_race_msg_name_wide_calls.h — C code NOT built with the pass whose
 * libc calls pass_race_msg_name_wide.c checks: the peer address recvmsg
 * stores into a managed msg_name, and a managed wide string printed through
 * "%.3ls". Only the runtime's libc interceptors can see these accesses. */
#ifndef CGOSAN_TESTS_E2E_PASS_RACE_MSG_NAME_WIDE_CALLS_H
#define CGOSAN_TESTS_E2E_PASS_RACE_MSG_NAME_WIDE_CALLS_H

#include <wchar.h>

struct msg_name_wide_buffers {
  /* recvmsg's msg_name, 32 bytes of room: the kernel stores the sender's
   * autobound unix address, 8 bytes (its family, a NUL, 5 hex digits) */
  char *name;
  /* snprintf's "%.3ls" reads its first 3 wide characters (12 bytes) */
  wchar_t *wide;
};

void msg_name_wide_calls(struct msg_name_wide_buffers *b);

#endif
