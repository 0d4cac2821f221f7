// cgobench.c — the C side of the Go cgo benchmarks: functions that do
// nothing, so a benchmark measures the crossing alone.
#include "_cgo_export.h"

void cgobench_empty(void) {}

void cgobench_take(void *p) { (void)p; }

// One cgo call that calls back into Go n times: a callback round trip each.
void cgobench_callbacks(int n) {
  for (int i = 0; i < n; i++)
    cgobenchCallback();
}
