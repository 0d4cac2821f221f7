/* pass_foreign.c — see pass_foreign.h. Plain C, built without the plugin. */
#include "pass_foreign.h"

#include <cgosan/cgosan.h>
#include <errno.h>

struct pass_foreign_seen pass_foreign_seen;

static void saw_call(void) {
  pass_foreign_seen.calls++;
  pass_foreign_seen.in_managed = cgosan_in_managed();
}

long pass_foreign_probe(const void *caller_local, long x) {
  saw_call();
  const char *here = __builtin_frame_address(0);
  const char *there = caller_local;
  pass_foreign_seen.stack_gap = here > there ? (size_t)(here - there) : (size_t)(there - here);
  return x * 2;
}

void *pass_foreign_first_word(void *row) {
  saw_call();
  return *(void **)row;
}

int pass_foreign_fail(int e) {
  saw_call();
  errno = e;
  return -1;
}
