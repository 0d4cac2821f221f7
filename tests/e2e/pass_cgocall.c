// pass_cgocall.c — built with the clang pass plugin, plain calls into a C
// library (pass_foreign.c, built without it) go through cgosan_cgocall with
// no cgosan call in the source: each call is counted, runs off the G stack
// with cgosan_in_managed() == 0, and hands back its result and errno; a
// managed struct whose pointer is pinned passes the argument check silently;
// a function annotated cgosan_foreign is left as written (its call runs on
// the G, uncounted). Registered at -O0 (e2e.pass_cgocall) and -O2
// (e2e.pass_cgocall.O2). The plugin's -mllvm flags need it loaded by
// -fplugin as well as -fpass-plugin (clang parses them before it loads pass
// plugins).
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=pass_foreign_*
// FOREIGN: pass_foreign.c
#include "pass_foreign.h"

#include <cgosan/cgosan.h>
#include <errno.h>
#include <stdio.h>

struct row { char *data; };
static const uint8_t kRowPtrmask[] = {1};
static const cgosan_type kRow = {"struct row", sizeof(struct row), sizeof(char *),
                                 kRowPtrmask, 0};
static const cgosan_type kBytes = {"char[32]", 32, 0, NULL, 0};

static int failures;
#define EXPECT(cond)                                              \
  do {                                                            \
    if (!(cond)) {                                                \
      printf("FAILED line %d: %s\n", __LINE__, #cond);            \
      failures++;                                                 \
    }                                                             \
  } while (0)

// Not managed: the pass leaves this body alone, so the call inside is a
// plain call on the G stack.
__attribute__((annotate("cgosan_foreign"), noinline))
static long probe_unmanaged(const void *caller_local) {
  return pass_foreign_probe(caller_local, 1);
}

static void managed_main(void *arg) {
  (void)arg;
  EXPECT(cgosan_in_managed() == 1);
  volatile long local = 21;  // lives on the G stack

  int64_t before = cgosan_num_cgocall();
  long doubled = pass_foreign_probe((const void *)&local, local);
  EXPECT(doubled == 42);
  EXPECT(cgosan_num_cgocall() == before + 1);
  EXPECT(pass_foreign_seen.in_managed == 0);
  EXPECT(pass_foreign_seen.stack_gap > 64 * 1024);  // not on the 64 KiB G stack
  EXPECT(cgosan_in_managed() == 1);
  printf("probe: result %ld, counted %lld, in_managed %d, off the G stack %d\n",
         doubled, (long long)(cgosan_num_cgocall() - before),
         pass_foreign_seen.in_managed, pass_foreign_seen.stack_gap > 64 * 1024);

  errno = 0;
  int rc = pass_foreign_fail(ERANGE);
  EXPECT(rc == -1 && errno == ERANGE);
  printf("fail: rc %d, errno ERANGE %d\n", rc, errno == ERANGE);

  struct row *row = cgosan_new(&kRow);
  row->data = cgosan_new(&kBytes);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, row->data);
  void *first = pass_foreign_first_word(row);  // pinned: silent
  EXPECT(first == row->data);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  printf("pinned row: passed, first word returned %d\n", first == row->data);

  before = cgosan_num_cgocall();
  int calls = pass_foreign_seen.calls;
  long one = probe_unmanaged((const void *)&local);
  EXPECT(one == 2 && pass_foreign_seen.calls == calls + 1);
  EXPECT(cgosan_num_cgocall() == before);
  EXPECT(pass_foreign_seen.in_managed == 1);
  printf("annotated cgosan_foreign: counted %lld, in_managed %d\n",
         (long long)(cgosan_num_cgocall() - before), pass_foreign_seen.in_managed);
}

int main(void) {
  if (cgosan_run(managed_main, NULL) != 0)
    return 1;
  printf("failures: %d\n", failures);
  return failures != 0;
}
// STDOUT:probe: result 42, counted 1, in_managed 0, off the G stack 1
// STDOUT-NEXT:fail: rc -1, errno ERANGE 1
// STDOUT-NEXT:pinned row: passed, first word returned 1
// STDOUT-NEXT:annotated cgosan_foreign: counted 0, in_managed 1
// STDOUT-NEXT:failures: 0
// CHECK-NOT:{{.}}
