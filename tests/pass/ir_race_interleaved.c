// ir_race_interleaved.c — -cgosan-race at -O2: loads (or stores) that
// together tile each iteration of their loop are one group, recorded once
// in the loop's preheader as a read/write_range of every byte the loop
// touches, at the debug location of the group's first access, and not at
// all inside the loop (RaceLoops.cpp). The shape is the vectorizer's
// interleaved body: k vector stores an iteration, side by side, each
// stepping by k times its size. Groups that do not tile their step keep a
// call per access: a gap between members, members that overlap, a member
// under a condition, a load and a store (different kinds: never one group).
// A load the store after it covers is not recorded at all.
// At -O0 nothing is vectorized and nothing coalesced.
// Vector width and interleaving are fixed by pragmas where the shape is
// the optimizer's; the other loops are kept scalar and rolled.
//
// FLAGS: -mllvm -cgosan-race
typedef int v4i __attribute__((vector_size(16)));

// Two <4 x i32> stores an iteration, at p and p + 16, stepping by 32: one
// write of (backedges + 1) * 32 bytes from the array's start.
void fill_ints(int *ints, long n, int x) {
#pragma clang loop vectorize_width(4) interleave_count(2)
  for (long i = 0; i < n; i++)
    ints[i] = x;
}
// CHECK-LABEL: define {{.*}} @fill_ints(
// CHECK-SAME:  ptr {{.*}}%[[INTS:[0-9]+]], i64 {{.*}}%[[N:[0-9]+]], i32
// O2:      %[[VECTOR_N:[0-9]+]] = and i64 %[[N]], 9223372036854775800
// O2:      %[[PAST_FIRST:[0-9]+]] = add nsw i64 %[[VECTOR_N]], -8
// O2-NEXT: %[[BACKEDGES:[0-9]+]] = lshr i64 %[[PAST_FIRST]], 3
// O2-NEXT: %[[WALKED:[0-9]+]] = shl i64 %[[BACKEDGES]], 5
// O2-NEXT: %[[BYTES:[0-9]+]] = add i64 %[[WALKED]], 32
// O2:      call void @__cgosan_race_write_range(ptr %[[INTS]], i64 %[[BYTES]]){{( #[0-9]+)?}}, !dbg ![[FILL_INTS:[0-9]+]]
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      {{^}}[[LOOP:[0-9]+]]:{{ +}}; preds = %[[LOOP]],
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      store <4 x i32> %{{[0-9]+}}, ptr %{{[0-9]+}}, align 4, !dbg ![[FILL_INTS]]
// O2-NEXT: store <4 x i32> %{{[0-9]+}}, ptr %{{[0-9]+}}, align 4, !dbg ![[FILL_INTS]]
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      br i1 %{{[0-9]+}}, label %{{[0-9]+}}, label %[[LOOP]]
// O0:      call void @__cgosan_race_write4(
// CHECK-NOT:  @__cgosan_race_{{read|write}}

// Interleaved 4 times: four <2 x i64> stores, stepping by 64.
void fill_longs(long *longs, long n, long x) {
#pragma clang loop vectorize_width(2) interleave_count(4)
  for (long i = 0; i < n; i++)
    longs[i] = x;
}
// CHECK-LABEL: define {{.*}} @fill_longs(
// CHECK-SAME:  ptr {{.*}}%[[LONGS:[0-9]+]], i64 {{.*}}%[[N:[0-9]+]], i64
// O2:      %[[VECTOR_N:[0-9]+]] = and i64 %[[N]], 9223372036854775800
// O2:      %[[PAST_FIRST:[0-9]+]] = add nsw i64 %[[VECTOR_N]], -8
// O2-NEXT: %[[BACKEDGES:[0-9]+]] = lshr i64 %[[PAST_FIRST]], 3
// O2-NEXT: %[[WALKED:[0-9]+]] = shl i64 %[[BACKEDGES]], 6
// O2-NEXT: %[[BYTES:[0-9]+]] = add i64 %[[WALKED]], 64
// O2:      call void @__cgosan_race_write_range(ptr %[[LONGS]], i64 %[[BYTES]])
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      {{^}}[[LOOP:[0-9]+]]:{{ +}}; preds = %[[LOOP]],
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2-COUNT-4: store <2 x i64>
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      br i1 %{{[0-9]+}}, label %{{[0-9]+}}, label %[[LOOP]]
// O0:      call void @__cgosan_race_write8(
// CHECK-NOT:  @__cgosan_race_{{read|write}}

// Walking down, the stores at p + 16 and p stepping by -32: the lowest byte
// is the last iteration's lower store, 32 * (backedges + 1) below the top
// of the vector part, ints + 4n.
void fill_ints_down(int *ints, long n, int x) {
#pragma clang loop vectorize_width(4) interleave_count(2)
  for (long i = n - 1; i >= 0; i--)
    ints[i] = x;
}
// CHECK-LABEL: define {{.*}} @fill_ints_down(
// CHECK-SAME:  ptr {{.*}}%[[INTS:[0-9]+]], i64 {{.*}}%[[N:[0-9]+]], i32
// O2:      %[[VECTOR_N:[0-9]+]] = and i64 %[[N]], 9223372036854775800
// O2:      %[[TOP:[0-9]+]] = shl i64 %[[N]], 2
// O2-NEXT: %[[LAST_START:[0-9]+]] = add i64 %[[TOP]], -32
// O2-NEXT: %[[PAST_FIRST:[0-9]+]] = add nsw i64 %[[VECTOR_N]], -8
// O2-NEXT: %[[BACKEDGES:[0-9]+]] = lshr i64 %[[PAST_FIRST]], 3
// O2-NEXT: %[[WALKED:[0-9]+]] = shl i64 %[[BACKEDGES]], 5
// O2-NEXT: %[[LOWEST_OFFSET:[0-9]+]] = sub i64 %[[LAST_START]], %[[WALKED]]
// O2-NEXT: %[[LOWEST:[0-9]+]] = getelementptr i8, ptr %[[INTS]], i64 %[[LOWEST_OFFSET]]
// O2-NEXT: %[[BYTES:[0-9]+]] = add i64 %[[WALKED]], 32
// O2:      call void @__cgosan_race_write_range(ptr %[[LOWEST]], i64 %[[BYTES]])
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      {{^}}[[LOOP:[0-9]+]]:{{ +}}; preds = %[[LOOP]],
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2-COUNT-2: store <4 x i32>
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      br i1 %{{[0-9]+}}, label %{{[0-9]+}}, label %[[LOOP]]
// O0:      call void @__cgosan_race_write4(

// Loads and stores of the same bytes: each load is covered by the store
// after it (a read before a write, RaceAccesses.cpp, as in TSan), so one
// group: a write of the range before the loop.
void increment(int *ints, long n) {
#pragma clang loop vectorize_width(4) interleave_count(2)
  for (long i = 0; i < n; i++)
    ints[i]++;
}
// CHECK-LABEL: define {{.*}} @increment(
// CHECK-SAME:  ptr {{.*}}%[[INTS:[0-9]+]], i64
// O2:      %[[WALKED:[0-9]+]] = shl i64 %{{[0-9]+}}, 5
// O2-NEXT: %[[BYTES:[0-9]+]] = add i64 %[[WALKED]], 32
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      call void @__cgosan_race_write_range(ptr %[[INTS]], i64 %[[BYTES]])
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      {{^}}[[LOOP:[0-9]+]]:{{ +}}; preds = %[[LOOP]],
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2-COUNT-2: load <4 x i32>
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2-COUNT-2: store <4 x i32>
// O2-NOT:  @__cgosan_race_{{read|write}}
// O2:      br i1 %{{[0-9]+}}, label %{{[0-9]+}}, label %[[LOOP]]
// O0-NOT:  @__cgosan_race_read4(
// O0:      call void @__cgosan_race_write4(

// Not coalesced: 16-byte stores at p and p + 48, stepping by 64: from the
// first byte of each step to its last, with a gap between.
void fill_with_gap(v4i *vectors, long n, v4i x) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++) {
    vectors[4 * i] = x;
    vectors[4 * i + 3] = x;
  }
}
// CHECK-LABEL: define {{.*}} @fill_with_gap(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK-COUNT-2: call void @__cgosan_race_write16(
// CHECK-NOT:  @__cgosan_race_write_range

// Not coalesced: 16-byte stores at p and p + 8, stepping by 24: together
// they cover each step, but overlap.
void fill_overlapping(char *bytes, long n, v4i x) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++) {
    *(v4i *)(bytes + 24 * i) = x;
    *(v4i *)(bytes + 24 * i + 8) = x;
  }
}
// CHECK-LABEL: define {{.*}} @fill_overlapping(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK-COUNT-2: call void @__cgosan_race_write16(
// CHECK-NOT:  @__cgosan_race_write_range

// Not coalesced: the store at p + 16 runs only on some iterations (the
// load of which[i] is coalesced on its own).
void fill_some(v4i *vectors, long n, v4i x, const int *which) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++) {
    vectors[2 * i] = x;
    if (which[i])
      vectors[2 * i + 1] = x;
  }
}
// CHECK-LABEL: define {{.*}} @fill_some(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK-COUNT-2: call void @__cgosan_race_write16(
// CHECK-NOT:  @__cgosan_race_write_range

// Not coalesced: a 16-byte load at p and a 16-byte store at p + 16,
// stepping by 32, would tile the step, but a read and a write are
// different accesses.
void copy_to_next(v4i *vectors, long n) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++)
    vectors[2 * i + 1] = vectors[2 * i];
}
// CHECK-LABEL: define {{.*}} @copy_to_next(
// CHECK-NOT:  @__cgosan_race_{{read|write}}_range
// CHECK:      call void @__cgosan_race_read16(
// CHECK-NOT:  @__cgosan_race_{{read|write}}_range
// CHECK:      call void @__cgosan_race_write16(
// CHECK-NOT:  @__cgosan_race_{{read|write}}_range
// CHECK:      {{^}}}

// The range call carries the first store's line.
// O2-DAG:  ![[FILL_INTS]] = !DILocation(line: 23, column: 13,
