// ir_race_guard.c — -cgosan-race: every read/write call runs only when its
// address is in the range the runtime tracks, __cgosan_race_tracked =
// {lo, size} (checkers/race.h; size 0 with race=off): the two words are
// loaded (!nosanitize: no instrumentation records them), p - lo is compared
// unsigned with size, and the call sits in a block of its own, which the
// branch weights mark unlikely and which falls through to the access. The
// acquire/release calls around atomics are edges, taken whatever the
// address: not guarded.
//
// FLAGS: -mllvm -cgosan-race
// The runtime's variable, defined in libcgosan:
// CHECK:      @__cgosan_race_tracked = external global [2 x i64]

long load_one(long *p) { return *p; }
// CHECK-LABEL: define {{.*}} @load_one(
// CHECK:      %[[LO:[0-9]+]] = load i64, ptr @__cgosan_race_tracked, align 8, !dbg ![[LOAD_AT:[0-9]+]], !nosanitize ![[OURS:[0-9]+]]
// CHECK-NEXT: %[[SIZE:[0-9]+]] = load i64, ptr getelementptr inbounds ([2 x i64], ptr @__cgosan_race_tracked, i64 0, i64 1), align 8, !dbg ![[LOAD_AT]], !nosanitize ![[OURS]]
// CHECK-NEXT: %[[ADDR:[0-9]+]] = ptrtoint ptr %[[P:[0-9]+]] to i64, !dbg ![[LOAD_AT]]
// CHECK-NEXT: %[[OFFSET:[0-9]+]] = sub i64 %[[ADDR]], %[[LO]], !dbg ![[LOAD_AT]]
// CHECK-NEXT: %[[TRACKED:[0-9]+]] = icmp ult i64 %[[OFFSET]], %[[SIZE]], !dbg ![[LOAD_AT]]
// CHECK-NEXT: br i1 %[[TRACKED]], label %[[CALL:[0-9]+]], label %[[ACCESS:[0-9]+]], !dbg ![[LOAD_AT]], !prof ![[UNLIKELY:[0-9]+]]
// CHECK-EMPTY:
// CHECK-NEXT: [[CALL]]:
// CHECK-NEXT: call void @__cgosan_race_read8(ptr %[[P]]){{( #[0-9]+)?}}, !dbg ![[LOAD_AT]]
// CHECK-NEXT: br label %[[ACCESS]], !dbg ![[LOAD_AT]]
// CHECK-EMPTY:
// CHECK-NEXT: [[ACCESS]]:
// CHECK-NEXT: load i64, ptr %[[P]], align 8, !dbg ![[LOAD_AT]]

// A store, and a copy's two ranges: one guard for each address.
void store_and_copy(long *p, char *to, const char *from, unsigned long n) {
  *p = 1;
  __builtin_memcpy(to, from, n);
}
// CHECK-LABEL: define {{.*}} @store_and_copy(
// CHECK:      ptrtoint ptr %[[P:[0-9]+]] to i64
// CHECK:      br i1 %{{[0-9]+}}, label %[[CALL:[0-9]+]], label %[[ACCESS:[0-9]+]], {{.*}}!prof ![[UNLIKELY]]
// CHECK-EMPTY:
// CHECK-NEXT: [[CALL]]:
// CHECK-NEXT: call void @__cgosan_race_write8(ptr %[[P]])
// CHECK-NEXT: br label %[[ACCESS]]
// CHECK-EMPTY:
// CHECK-NEXT: [[ACCESS]]:
// CHECK-NEXT: store i64 1, ptr %[[P]]
// CHECK:      ptrtoint ptr %[[FROM:[0-9]+]] to i64
// CHECK:      br i1 %{{[0-9]+}}, label %[[CALL:[0-9]+]], label %[[NEXT:[0-9]+]], {{.*}}!prof ![[UNLIKELY]]
// CHECK-EMPTY:
// CHECK-NEXT: [[CALL]]:
// CHECK-NEXT: call void @__cgosan_race_read_range(ptr %[[FROM]], i64 %[[N:[0-9]+]])
// CHECK-NEXT: br label %[[NEXT]]
// CHECK-EMPTY:
// CHECK-NEXT: [[NEXT]]:
// CHECK:      ptrtoint ptr %[[TO:[0-9]+]] to i64
// CHECK:      br i1 %{{[0-9]+}}, label %[[CALL:[0-9]+]], label %[[ACCESS:[0-9]+]], {{.*}}!prof ![[UNLIKELY]]
// CHECK-EMPTY:
// CHECK-NEXT: [[CALL]]:
// CHECK-NEXT: call void @__cgosan_race_write_range(ptr %[[TO]], i64 %[[N]])
// CHECK-NEXT: br label %[[ACCESS]]
// CHECK-EMPTY:
// CHECK-NEXT: [[ACCESS]]:
// CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr {{.*}}%[[TO]], ptr {{.*}}%[[FROM]], i64 %[[N]],

// Edges: straight-line calls, no guard (the atomics' own accesses have one,
// like any access).
int handoff(int *flag) {
  __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
  return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}
// CHECK-LABEL: define {{.*}} @handoff(
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[FLAG:[0-9]+]], i64 4)
// CHECK-NOT:  @__cgosan_race_tracked
// CHECK:      call void @__cgosan_race_release_store(ptr %[[FLAG]])
// CHECK-NEXT: store atomic i32 {{.+}}, ptr %[[FLAG]] release
// CHECK-NOT:  @__cgosan_race_tracked
// CHECK:      load atomic i32, ptr %[[FLAG:[0-9]+]] acquire
// CHECK-NEXT: call void @cgosan_acquire(ptr %[[FLAG]])
// CHECK:      call void @__cgosan_race_atomic_read(ptr %[[FLAG]], i64 4)
// CHECK:      ret i32

// CHECK-DAG:  ![[LOAD_AT]] = !DILocation(line: 14, column: 33,
// CHECK-DAG:  ![[OURS]] = !{}
// CHECK-DAG:  ![[UNLIKELY]] = !{!"branch_weights", i32 1, i32 1048575}
