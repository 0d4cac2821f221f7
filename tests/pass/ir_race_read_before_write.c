// ir_race_read_before_write.c — -cgosan-race: a load whose bytes a later
// store of the same block writes at the same address, with nothing between
// them that may synchronise or leave the block, is not recorded: the
// store's write covers it (TSan's read-before-write; RaceAccesses.cpp).
// Kept: a load the store covers only in part, a load with a call between
// it and the store, a load whose store is in another block, and a load of
// another address. At -O0 the statement's pointer is loaded once for both.
//
// FLAGS: -mllvm -cgosan-race
void keep(long i);

// One write: the increment's read is covered.
void increment(long *p) { *p += 1; }
// CHECK-LABEL: define {{.*}} @increment(
// CHECK-NOT:  @__cgosan_race_read
// CHECK:      call void @__cgosan_race_write8(
// CHECK-NOT:  @__cgosan_race_{{read|write}}
// CHECK:      ret void

// The store writes 4 of the 8 bytes read: both recorded.
void store_part(long *p) { *(int *)p = (int)(*p + 1); }
// CHECK-LABEL: define {{.*}} @store_part(
// CHECK:      call void @__cgosan_race_read8(
// CHECK:      call void @__cgosan_race_write4(

// A call between the load and the store may synchronise: both recorded.
void call_between(long *p) {
  long v = *p;
  keep(v);
  *p = v + 1;
}
// CHECK-LABEL: define {{.*}} @call_between(
// CHECK:      call void @__cgosan_race_read8(
// CHECK:      call void @keep(
// CHECK:      call void @__cgosan_race_write8(

// The store runs only on one branch: the read is recorded.
void store_if(long *p, int c) {
  long v = *p;
  if (c)
    *p = v + 1;
  keep(v);
}
// CHECK-LABEL: define {{.*}} @store_if(
// CHECK:      call void @__cgosan_race_read8(
// CHECK:      call void @__cgosan_race_write8(
