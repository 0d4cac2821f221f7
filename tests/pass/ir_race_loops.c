// ir_race_loops.c — -cgosan-race at -O2: a load or store that its loop
// repeats over consecutive bytes, in a loop with no synchronisation and a
// trip count known on entry, is recorded once, in the loop's preheader, as
// a read/write_range of every byte the loop touches (lowest address first,
// at the access's debug location), and not at all inside the loop
// (RaceLoops.cpp). Every loop that does not fit keeps a call per access: a
// call in the loop, a conditional store, an unknown trip count, an atomic
// in the loop, a stride wider than the access. At -O0 the induction
// variables live in memory: nothing is coalesced.
// The loops are kept scalar and rolled (pragmas), except the last one.
//
// FLAGS: -mllvm -cgosan-race
void keep(long i);

// Up: [buf, buf + n).
void fill_up(char *buf, long n) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++)
    buf[i] = (char)i;
}
// CHECK-LABEL: define {{.*}} @fill_up(
// CHECK-SAME:  ptr {{.*}}%[[BUF:[0-9]+]], i64 {{.*}}%[[N:[0-9]+]])
// O2:      call void @__cgosan_race_write_range(ptr %[[BUF]], i64 %[[N]]){{( #[0-9]+)?}}, !dbg ![[FILL_UP:[0-9]+]]
// O2-NEXT: br label %[[PREHEADER:[0-9]+]]
// O2:      {{^}}[[PREHEADER]]:
// O2-NEXT: br label %[[LOOP:[0-9]+]]
// O2:      {{^}}[[LOOP]]:
// O2-NOT:  call void @__cgosan_race
// O2:      store i8 %{{[0-9]+}}, ptr %{{[0-9]+}}, align 1, !dbg ![[FILL_UP]]
// O2-NOT:  call void @__cgosan_race
// O2:      br i1 %{{[0-9]+}}, {{.*}}label %[[LOOP]]
// O0:      call void @__cgosan_race_write1(
// CHECK-NOT:  call void @__cgosan_race

// Down: the last iteration's address is the lowest, [words, words + n).
void fill_down(long *words, long n) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = n - 1; i >= 0; i--)
    words[i] = i;
}
// CHECK-LABEL: define {{.*}} @fill_down(
// CHECK-SAME:  ptr {{.*}}%[[WORDS:[0-9]+]], i64 {{.*}}%[[N:[0-9]+]])
// O2:      %[[BYTES:[0-9]+]] = shl i64 %[[N]], 3
// O2:      call void @__cgosan_race_write_range(ptr %[[WORDS]], i64 %[[BYTES]]){{( #[0-9]+)?}}, !dbg ![[FILL_DOWN:[0-9]+]]
// O2-NOT:  call void @__cgosan_race
// O2:      store i64 %{{[0-9]+}}, ptr %{{[0-9]+}}, align 8, !dbg ![[FILL_DOWN]]
// O0:      call void @__cgosan_race_write8(
// CHECK-NOT:  call void @__cgosan_race

// A load: read_range; an int count, widened.
long sum(const int *values, int n) {
  long total = 0;
#pragma clang loop vectorize(disable) unroll(disable)
  for (int i = 0; i < n; i++)
    total += values[i];
  return total;
}
// CHECK-LABEL: define {{.*}} @sum(
// CHECK-SAME:  ptr {{.*}}%[[VALUES:[0-9]+]], i32 {{.*}}%[[N:[0-9]+]])
// O2:      %[[COUNT:[0-9]+]] = zext nneg i32 %[[N]] to i64
// O2:      %[[BYTES:[0-9]+]] = shl nuw nsw i64 %[[COUNT]], 2
// O2:      call void @__cgosan_race_read_range(ptr %[[VALUES]], i64 %[[BYTES]])
// O2-NOT:  call void @__cgosan_race
// O2:      load i32, ptr %{{[0-9]+}}, align 4
// O0:      call void @__cgosan_race_read4(
// CHECK-NOT:  call void @__cgosan_race

// A call in the loop (it could synchronise): per access.
void fill_and_call(char *buf, long n) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++) {
    buf[i] = (char)i;
    keep(i);
  }
}
// CHECK-LABEL: define {{.*}} @fill_and_call(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK:      call void @__cgosan_race_write1(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK:      call void @keep(
// CHECK-NOT:  @__cgosan_race_write_range

// The load runs on every iteration and is coalesced; the store, under a
// condition, is not.
void clear_set(char *buf, long n) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++)
    if (buf[i])
      buf[i] = 0;
}
// CHECK-LABEL: define {{.*}} @clear_set(
// CHECK-SAME:  ptr {{.*}}%[[BUF:[0-9]+]], i64 {{.*}}%[[N:[0-9]+]])
// O2:      call void @__cgosan_race_read_range(ptr %[[BUF]], i64 %[[N]])
// O2-NOT:  @__cgosan_race_read
// O0:      call void @__cgosan_race_read1(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK:      call void @__cgosan_race_write1(ptr %[[AT:[0-9]+]])
// CHECK-NEXT: br label %[[STORE:[0-9]+]]
// CHECK:      {{^}}[[STORE]]:
// CHECK-NEXT: store i8 0, ptr %[[AT]]
// CHECK-NOT:  call void @__cgosan_race

// A trip count known only when the loop ends: per access.
long length(const char *s) {
  long n = 0;
  while (s[n])
    n++;
  return n;
}
// CHECK-LABEL: define {{.*}} @length(
// CHECK-NOT:  @__cgosan_race_read_range
// CHECK:      call void @__cgosan_race_read1(
// CHECK-NOT:  @__cgosan_race_read_range

// An atomic in the loop (an edge per iteration): per access.
void fill_and_publish(char *buf, long n, int *ready) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++) {
    buf[i] = (char)i;
    __atomic_store_n(ready, (int)i, __ATOMIC_RELEASE);
  }
}
// CHECK-LABEL: define {{.*}} @fill_and_publish(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK:      call void @__cgosan_race_write1(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK:      call void @__cgosan_race_release_store(
// CHECK-NOT:  @__cgosan_race_write_range

// Every other element: gaps between the bytes stored, per access.
void fill_every_other(short *halves, long n) {
#pragma clang loop vectorize(disable) unroll(disable)
  for (long i = 0; i < n; i++)
    halves[2 * i] = 1;
}
// CHECK-LABEL: define {{.*}} @fill_every_other(
// CHECK-NOT:  @__cgosan_race_write_range
// CHECK:      call void @__cgosan_race_write2(
// CHECK-NOT:  @__cgosan_race_write_range

// As the optimizer leaves a byte fill: a 16-byte vector loop, then an
// 8-byte one and a scalar one for the rest; each recorded before it, no
// call per store.
void fill_vectorized(char *buf, long n, char first) {
  for (long i = 0; i < n; i++)
    buf[i] = (char)(first + i);
}
// CHECK-LABEL: define {{.*}} @fill_vectorized(
// O2-NOT:  @__cgosan_race_write{{[0-9]}}
// O2:      call void @__cgosan_race_write_range(
// O2-NOT:  @__cgosan_race_write{{[0-9]}}
// O2:      store <16 x i8>
// O2-NOT:  @__cgosan_race_write{{[0-9]}}
// O2:      call void @__cgosan_race_write_range(
// O2-NOT:  @__cgosan_race_write{{[0-9]}}
// O2:      call void @__cgosan_race_write_range(
// O2-NOT:  @__cgosan_race_write{{[0-9]}}
// O2:      store <8 x i8>
// O2-NOT:  @__cgosan_race_write{{[0-9]}}
// O2:      store i8
// O0:      call void @__cgosan_race_write1(

// The range calls carry the access's own line.
// O2-DAG:  ![[FILL_UP]] = !DILocation(line: 19, column: 12,
// O2-DAG:  ![[FILL_DOWN]] = !DILocation(line: 39, column: 14,
