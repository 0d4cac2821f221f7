// ir_race_runs.c — -cgosan-race at -O2: loads (or stores) of one block,
// on one source line, over consecutive bytes from one base, with nothing
// between them that may synchronise, are one run, recorded once before
// the first of them (at its debug location) as an access of all their
// bytes, through the entry for that size if there is one, else the range
// entry (RaceRuns.cpp). Not merged: across a call, across an atomic,
// across lines, across a gap. At -O0 each statement reloads its pointer
// from the stack: no two accesses share a base, nothing is merged.
//
// FLAGS: -mllvm -cgosan-race
void keep(long i);

// Unrolled whole: 16 <16 x i8> stores at bytes, bytes + 16, ... + 240, one
// write of 256 bytes before the first.
void fill256(char *bytes, char seed) {
  for (int i = 0; i < 256; i++)
    bytes[i] = (char)(seed + i);
}
// CHECK-LABEL: define {{.*}} @fill256(
// CHECK-SAME:  ptr {{.*}}%[[BYTES:[0-9]+]], i8
// O2:      call void @__cgosan_race_write_range(ptr %[[BYTES]], i64 256){{( #[0-9]+)?}}, !dbg ![[FILL256:[0-9]+]]
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      store <16 x i8> %{{[0-9]+}}, ptr %[[BYTES]], align 1, !dbg ![[FILL256]]
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2-COUNT-15: store <16 x i8>
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      ret void
// O0:      call void @__cgosan_race_write1(
// CHECK-NOT:  @__cgosan_race_{{read|write}}

// Stored from the top down: the lowest store's address is computed after
// the first store, so the record computes it from the base.
void fill_down(long *longs, long x) {
  longs[3] = x; longs[2] = x + 1; longs[1] = x + 2;
}
// CHECK-LABEL: define {{.*}} @fill_down(
// CHECK-SAME:  ptr {{.*}}%[[LONGS:[0-9]+]], i64
// O2:      %[[TOP:[0-9]+]] = getelementptr inbounds i8, ptr %[[LONGS]], i64 24
// O2-NEXT: %[[LOWEST:[0-9]+]] = getelementptr i8, ptr %[[LONGS]], i64 8
// O2:      call void @__cgosan_race_write_range(ptr %[[LOWEST]], i64 24)
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      store i64 %{{[0-9]+}}, ptr %[[TOP]]
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2-COUNT-2: store i64
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      ret void
// O0-COUNT-3: call void @__cgosan_race_write8(
// CHECK-NOT:  @__cgosan_race_{{read|write}}

// A copy of two fields of different sizes: the loads are one run (12
// bytes, the range entry), the stores another, each before its first.
struct counted {
  long count;
  int flag;
};
void copy_counted(struct counted *to, const struct counted *from) {
  to->count = from->count; to->flag = from->flag;
}
// CHECK-LABEL: define {{.*}} @copy_counted(
// CHECK-SAME:  ptr {{.*}}%[[TO:[0-9]+]], ptr {{.*}}%[[FROM:[0-9]+]])
// O2:      call void @__cgosan_race_read_range(ptr %[[FROM]], i64 12)
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      load i64, ptr %[[FROM]]
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      call void @__cgosan_race_write_range(ptr %[[TO]], i64 12)
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      store i64 %{{[0-9]+}}, ptr %[[TO]]
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      load i32
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      store i32
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      ret void
// O0:      call void @__cgosan_race_read8(
// O0:      call void @__cgosan_race_write8(
// O0:      call void @__cgosan_race_read4(
// O0:      call void @__cgosan_race_write4(

// Two 8-byte loads side by side: one 16-byte read, from the first's own
// address.
long product_of_last_two(const long *longs) {
  return longs[2] * longs[3];
}
// CHECK-LABEL: define {{.*}} @product_of_last_two(
// O2:      %[[THIRD:[0-9]+]] = getelementptr inbounds i8, ptr %{{[0-9]+}}, i64 16
// O2:      call void @__cgosan_race_read16(ptr %[[THIRD]])
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      ret i64
// O0-COUNT-2: call void @__cgosan_race_read8(

// Not merged: a call between the stores (it could synchronise).
void across_call(char *bytes) {
  bytes[0] = 1; keep(0); bytes[1] = 2;
}
// CHECK-LABEL: define {{.*}} @across_call(
// CHECK:      call void @__cgosan_race_write1(
// CHECK:      call void @keep(
// CHECK:      call void @__cgosan_race_write1(
// CHECK-NOT:  @__cgosan_race_{{read|write}}
// CHECK:      ret void

// Not merged: an atomic between the stores (an edge).
void across_atomic(char *bytes, int *ready) {
  bytes[0] = 1; __atomic_store_n(ready, 1, __ATOMIC_RELEASE); bytes[1] = 2;
}
// CHECK-LABEL: define {{.*}} @across_atomic(
// CHECK:      call void @__cgosan_race_write1(
// CHECK:      store atomic i32 {{.*}} release
// CHECK:      call void @__cgosan_race_write1(
// CHECK-NOT:  @__cgosan_race_{{read|write}}
// CHECK:      ret void

// Not merged: two lines (a report must name the line of its access).
void two_lines(long *longs, long x) {
  longs[0] = x;
  longs[1] = x + 1;
}
// CHECK-LABEL: define {{.*}} @two_lines(
// CHECK-COUNT-2: call void @__cgosan_race_write8(
// CHECK-NOT:  @__cgosan_race_{{read|write}}
// CHECK:      ret void

// Not merged: a gap between the stores.
void with_gap(long *longs, long x) {
  longs[0] = x; longs[2] = x + 1;
}
// CHECK-LABEL: define {{.*}} @with_gap(
// CHECK-COUNT-2: call void @__cgosan_race_write8(
// CHECK-NOT:  @__cgosan_race_{{read|write}}
// CHECK:      ret void

// The run's call carries its first store's line.
// O2-DAG:  ![[FILL256]] = !DILocation(line: 17, column: 14,
