// ir_race_off.c — without -cgosan-race the plugin adds no race calls: plain
// and atomic accesses and copies stay as written (ir_race.c has the flag).
#include <string.h>

long load_store_copy(long *p, long *q, int *flag) {
  q[1] = p[0];
  memcpy(q, p, 32);
  __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
  return __atomic_load_n(flag, __ATOMIC_ACQUIRE) + q[1];
}
// CHECK-LABEL: define {{.*}} @load_store_copy(
// CHECK-NOT:   call void @__cgosan_race
// CHECK-NOT:   @cgosan_
// CHECK:       ret i64
// CHECK-NOT:   cgosan
