/* pass_race_libc_more_calls.h — C code NOT built with the pass that moves
 * bytes through the stdio and string calls pass_race_libc_more.c checks:
 * only the runtime's libc interceptors can see these accesses. */
#ifndef CGOSAN_TESTS_E2E_PASS_RACE_LIBC_MORE_CALLS_H
#define CGOSAN_TESTS_E2E_PASS_RACE_LIBC_MORE_CALLS_H

struct libc_more_buffers {
  /* written: fread_unlocked "abcdef" (6 bytes), getline "line two\n" (10
   * with the NUL), getdelim "field;" (7 with the NUL) */
  char *unlocked, *line, *field;
  /* read: strstr finds "needle" in "hay needle hay" (10 bytes), strspn of
   * "ab" over "abba-c" (5), strpbrk of ";," in "key;val" (4) */
  char *hay, *span, *brk;
  /* through an fd: readv of "vectored" into {vin, 3} and {vin + 8, 8}
   * (writes 3, then 5), writev of 5 bytes of vout (a read), sendmsg of 4
   * bytes of mout (a read), recvmsg of those 4 into min (a write) */
  char *vin, *vout, *mout, *min;
};

void libc_more_calls(struct libc_more_buffers *b);

#endif
