// check_helper.cpp — a program the pointer-check tests run as a child, to see
// what CGOSAN_OPTIONS (cgocheck, suppressions, halt_on_error) do to the
// checks. It breaks each rule once, in this order, on a G:
//   1. argument of sqlite3_bind_blob   (unpinned-pointer-in-argument)
//   2. argument of other_fn            (unpinned-pointer-in-argument)
//   3. result of make_row_cb           (unpinned-pointer-in-result)
//   4. a store in StoreIntoForeign     (unpinned-pointer-store, cgocheck=2)
// then prints "done reports=<printed> suppressed=<suppressed>" to stderr.
#include <stdio.h>
#include <stdlib.h>

#include "report.h"

#define NOINLINE __attribute__((noinline))

static const uint8_t kMask1[1] = {0x01};
static const cgosan_type kInt = {"int", 8, 0, nullptr, 0};
static const cgosan_type kPtr = {"void *", 8, 8, kMask1, 0};

NOINLINE static void PassArgument(const char *callee) {
  void **cell = static_cast<void **>(cgosan_new(&kPtr));
  *cell = cgosan_new(&kInt);
  cgosan_check_arg(cell, &kPtr, callee, 2);
}

NOINLINE static void StoreIntoForeign() {
  void **slot = static_cast<void **>(malloc(sizeof(void *)));
  cgosan_check_store(slot, cgosan_new(&kInt));
  free(slot);
}

static void Body(void *) {
  PassArgument("sqlite3_bind_blob");
  PassArgument("other_fn");
  cgosan_check_result(cgosan_new(&kInt), &kInt, "make_row_cb");
  StoreIntoForeign();
}

int main() {
  cgosan_run(Body, nullptr);
  fprintf(stderr, "done reports=%zu suppressed=%zu\n",
          static_cast<size_t>(__cgosan::ReportCount()),
          static_cast<size_t>(__cgosan::SuppressedReportCount()));
  return 0;
}
