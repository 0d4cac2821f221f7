// ir_race_frame_pointer.c — a function -cgosan-race instruments keeps its
// frame pointer at every optimisation level (the runtime captures each new
// access's stack by walking frame pointers, and C built at -O2 omits them
// by default), and loses what -O2 inferred before the runtime calls were
// added: that it only writes its argument's memory, that it never
// synchronises (the -O2 run fails without the pass's attribute changes).
//
// FLAGS: -mllvm -cgosan-race
void store_one(long *p) { p[1] = 1; }
// CHECK: define {{.*}} @store_one({{.*}}#[[ATTRS:[0-9]+]]
// CHECK: attributes #[[ATTRS]] = {
// CHECK-NOT: memory(
// CHECK-NOT: nosync
// CHECK-SAME: "frame-pointer"="all"
