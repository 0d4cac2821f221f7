// ir_race.c — -cgosan-race: a __cgosan_race_readN/writeN call before each
// load and store of N = 1, 2, 4, 8, 16 bytes, a _range call for any other
// size and for memcpy/memmove/memset, at the access's debug location; none
// for stack slots whose address never escapes or for constant globals.
// Atomics are not recorded: an acquiring one is followed by cgosan_acquire,
// a releasing one preceded by cgosan_release, for every ordering as
// RaceAccesses.cpp maps it; relaxed atomics and fences get nothing.
// Each read/write call sits in a block of its own that falls through to
// its access: the guard on the tracked range (ir_race_guard.c). Which
// functions get this: ir_race_functions.cpp; loops recorded before they
// run: ir_race_loops.c; nothing of it without the flag: ir_race_off.c.
//
// FLAGS: -mllvm -cgosan-race
#include <string.h>

typedef int v4i __attribute__((vector_size(16)));
typedef int v8i __attribute__((vector_size(32)));

void each_size(char *c, short *s, int *i, long *l, __int128 *q, v4i *v4,
               long double *ld, v8i *v8) {
  c[1] = c[0];
  s[1] = s[0];
  i[1] = i[0];
  l[1] = l[0];
  q[1] = q[0];
  v4[1] = v4[0];
  ld[1] = ld[0];
  v8[1] = v8[0];
}
// CHECK-LABEL: define {{.*}} @each_size(
// CHECK:      call void @__cgosan_race_read1(ptr %[[C0:[^)]+]]){{( #[0-9]+)?}}, !dbg ![[C_READ:[0-9]+]]
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load i8, ptr %[[C0]]
// CHECK:      call void @__cgosan_race_write1(ptr %[[C1:[^)]+]]){{( #[0-9]+)?}}, !dbg ![[C_WRITE:[0-9]+]]
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i8 %{{.+}}, ptr %[[C1]]
// CHECK:      call void @__cgosan_race_read2(ptr %[[S0:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load i16, ptr %[[S0]]
// CHECK:      call void @__cgosan_race_write2(ptr %[[S1:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i16 %{{.+}}, ptr %[[S1]]
// CHECK:      call void @__cgosan_race_read4(ptr %[[I0:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load i32, ptr %[[I0]]
// CHECK:      call void @__cgosan_race_write4(ptr %[[I1:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i32 %{{.+}}, ptr %[[I1]]
// CHECK:      call void @__cgosan_race_read8(ptr %[[L0:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load i64, ptr %[[L0]]
// CHECK:      call void @__cgosan_race_write8(ptr %[[L1:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i64 %{{.+}}, ptr %[[L1]]
// CHECK:      call void @__cgosan_race_read16(ptr %[[Q0:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load i128, ptr %[[Q0]]
// CHECK:      call void @__cgosan_race_write16(ptr %[[Q1:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i128 %{{.+}}, ptr %[[Q1]]
// A 16-byte vector is a 16-byte access.
// CHECK:      call void @__cgosan_race_read16(ptr %[[V0:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load <4 x i32>, ptr %[[V0]]
// CHECK:      call void @__cgosan_race_write16(ptr %[[V1:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store <4 x i32> %{{.+}}, ptr %[[V1]]
// x86 long double: 10 bytes stored, a range.
// CHECK:      call void @__cgosan_race_read_range(ptr %[[LD0:[^,]+]], i64 10)
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load x86_fp80, ptr %[[LD0]]
// CHECK:      call void @__cgosan_race_write_range(ptr %[[LD1:[^,]+]], i64 10)
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store x86_fp80 %{{.+}}, ptr %[[LD1]]
// A 32-byte vector has no entry of its own.
// CHECK:      call void @__cgosan_race_read_range(ptr %[[V80:[^,]+]], i64 32)
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load <8 x i32>, ptr %[[V80]]
// CHECK:      call void @__cgosan_race_write_range(ptr %[[V81:[^,]+]], i64 32)
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store <8 x i32> %{{.+}}, ptr %[[V81]]
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      ret void

void keep(int *slot);

int locals(void) {
  int private_slot = 1;  // never escapes
  int shared_slot = 2;   // escapes through keep()
  keep(&shared_slot);
  return private_slot + shared_slot;
}
// CHECK-LABEL: define {{.*}} @locals(
// O0:         store i32 1, ptr %[[PRIVATE:[^,]+]], align 4
// O0-NOT:     @__cgosan_race_{{.*}}(ptr %[[PRIVATE]])
// CHECK:      call void @__cgosan_race_write4(ptr {{(nonnull )?}}%[[SHARED:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: store i32 2, ptr %[[SHARED]]
// CHECK:      call void @keep(
// O0-NOT:     @__cgosan_race_{{.*}}(ptr %[[PRIVATE]])
// CHECK:      call void @__cgosan_race_read4(ptr {{(nonnull )?}}%[[SHARED]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: load i32, ptr %[[SHARED]]
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      ret i32

struct block { long words[8]; };
static const struct block kPattern = {{1, 2, 3, 4, 5, 6, 7, 8}};
volatile long sink;

void copies(struct block *to, const struct block *from, char *moved,
            char *cleared, struct block *patterned, size_t n) {
  struct block scratch;  // never escapes
  memcpy(to, from, sizeof *to);
  memmove(moved, moved + 8, n);
  memset(cleared, 0, n);
  memcpy(patterned, &kPattern, sizeof *patterned);
  memcpy(&scratch, from, sizeof scratch);
  sink = scratch.words[n & 7];
}
// CHECK-LABEL: define {{.*}} @copies(
// Each range has its own guard; the second guard's block is next.
// CHECK:      call void @__cgosan_race_read_range(ptr %[[FROM:[^,]+]], i64 64){{( #[0-9]+)?}}, !dbg ![[COPY:[0-9]+]]
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NOT:  call
// CHECK:      call void @__cgosan_race_write_range(ptr %[[TO:[^,]+]], i64 64){{( #[0-9]+)?}}, !dbg ![[COPY]]
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr {{.*}}%[[TO]], ptr {{.*}}%[[FROM]], i64 64, i1 false), !dbg ![[COPY]]
// CHECK:      call void @__cgosan_race_read_range(ptr %[[MOVED_SRC:[^,]+]], i64 %[[N:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NOT:  call
// CHECK:      call void @__cgosan_race_write_range(ptr %[[MOVED:[^,]+]], i64 %[[N]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: call void @llvm.memmove.p0.p0.i64(ptr {{.*}}%[[MOVED]], ptr {{.*}}%[[MOVED_SRC]], i64 %[[N]],
// CHECK:      call void @__cgosan_race_write_range(ptr %[[CLEARED:[^,]+]], i64 %[[N2:[^)]+]])
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: call void @llvm.memset.p0.i64(ptr {{.*}}%[[CLEARED]], i8 0, i64 %[[N2]],
// From a constant global: only the write.
// CHECK-NOT:  @kPattern
// CHECK:      call void @__cgosan_race_write_range(ptr %[[PATTERNED:[^,]+]], i64 64)
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr {{.*}}%[[PATTERNED]], ptr {{.*}}@kPattern, i64 64,
// Into the private scratch: only the read.
// CHECK:      call void @__cgosan_race_read_range(ptr %[[FROM2:[^,]+]], i64 64)
// CHECK-NEXT: br label %[[JOIN:[0-9]+]]
// CHECK:      {{^}}[[JOIN]]:
// CHECK-NEXT: call void @llvm.memcpy.p0.p0.i64(ptr {{.*}}, ptr {{.*}}%[[FROM2]], i64 64,
// CHECK-NOT:  @__cgosan_race_{{read|write}}
// CHECK:      call void @__cgosan_race_write8(ptr @sink)
// CHECK-NOT:  call void @__cgosan_race
// CHECK:      ret void

int atomics(int *p, int v) {
  v += __atomic_load_n(p, __ATOMIC_RELAXED);
  v += __atomic_load_n(p, __ATOMIC_ACQUIRE);
  v += __atomic_load_n(p, __ATOMIC_SEQ_CST);
  __atomic_store_n(p, v, __ATOMIC_RELAXED);
  __atomic_store_n(p, v, __ATOMIC_RELEASE);
  __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(p, 2, __ATOMIC_ACQUIRE);
  __atomic_fetch_add(p, 3, __ATOMIC_RELEASE);
  __atomic_fetch_add(p, 4, __ATOMIC_ACQ_REL);
  __atomic_fetch_add(p, 5, __ATOMIC_SEQ_CST);
  int expected = v;
  __atomic_compare_exchange_n(p, &expected, 6, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
  __atomic_compare_exchange_n(p, &expected, 7, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE);
  __atomic_compare_exchange_n(p, &expected, 8, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  return expected;
}
// CHECK-LABEL: define {{.*}} @atomics(
// Every atomic is an access (a load's after its acquire, the others' before
// their release); relaxed ones are nothing more.
// CHECK:      load atomic i32, ptr %[[P:[^ ]+]] monotonic
// CHECK-NOT:  @cgosan_
// CHECK:      call void @__cgosan_race_atomic_read(ptr %[[P]], i64 4)
// CHECK-NOT:  @cgosan_
// CHECK:      load atomic i32, ptr %[[P:[^ ]+]] acquire
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_acquire(ptr %[[P]]){{( #[0-9]+)?}}, !dbg ![[ACQUIRE:[0-9]+]]
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @__cgosan_race_atomic_read(ptr %[[P]], i64 4)
// CHECK-NOT:  @cgosan_
// CHECK:      load atomic i32, ptr %[[P:[^ ]+]] seq_cst
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_acquire(ptr %[[P]])
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @__cgosan_race_atomic_read(ptr %[[P]], i64 4)
// CHECK-NOT:  @cgosan_
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg|@cgosan_|release_store}}
// CHECK:      store atomic i32 %{{.+}}, ptr %[[P]] monotonic
// A release store replaces the sync object's clock.
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg|@cgosan_}}
// CHECK:      call void @__cgosan_race_release_store(ptr %[[P]]){{( #[0-9]+)?}}, !dbg ![[RELEASE:[0-9]+]]
// CHECK-NEXT: store atomic i32 %{{.+}}, ptr %[[P]] release
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg|@cgosan_}}
// CHECK:      call void @__cgosan_race_release_store(ptr %[[P]])
// CHECK-NEXT: store atomic i32 %{{.+}}, ptr %[[P]] seq_cst
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg|@cgosan_}}
// CHECK:      atomicrmw add ptr %[[P]], i32 {{[^ ]+}} monotonic
// CHECK-NOT:  @cgosan_
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg|@cgosan_}}
// CHECK:      atomicrmw add ptr %[[P]], i32 {{[^ ]+}} acquire
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_acquire(ptr %[[P]])
// A releasing read-modify-write joins (it continues a release sequence).
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_release(ptr %[[P]])
// CHECK-NEXT: atomicrmw add ptr %[[P]], i32 {{[^ ]+}} release
// CHECK-NOT:  @cgosan_
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_release(ptr %[[P]])
// CHECK-NEXT: atomicrmw add ptr %[[P]], i32 {{[^ ]+}} acq_rel
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_acquire(ptr %[[P]])
// CHECK-NOT:  @cgosan_
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_release(ptr %[[P]])
// CHECK-NEXT: atomicrmw add ptr %[[P]], i32 {{[^ ]+}} seq_cst
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_acquire(ptr %[[P]])
// CHECK-NOT:  @cgosan_
// The success ordering decides; the failure ordering adds nothing. A
// cmpxchg writes, as in TSan, whether it succeeds or not.
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_release(ptr %[[P]])
// CHECK-NEXT: cmpxchg ptr %[[P]], i32 {{.+}}, i32 {{.+}} release monotonic
// CHECK-NOT:  @cgosan_
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg|@cgosan_}}
// CHECK:      cmpxchg ptr %[[P]], i32 {{.+}}, i32 {{.+}} acquire acquire
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_acquire(ptr %[[P]])
// CHECK-NOT:  @cgosan_
// CHECK:      call void @__cgosan_race_atomic_write(ptr %[[P:[^,]+]], i64 4)
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_release(ptr %[[P]])
// CHECK-NEXT: cmpxchg ptr %[[P]], i32 {{.+}}, i32 {{.+}} seq_cst monotonic
// CHECK-NOT:  {{atomic|cmpxchg}}
// CHECK:      call void @cgosan_acquire(ptr %[[P]])
// CHECK-NOT:  @cgosan_
// CHECK:      fence seq_cst
// CHECK-NOT:  @cgosan_
// CHECK:      fence syncscope("singlethread") seq_cst
// CHECK-NOT:  @cgosan_
// The way out of a function that records accesses bumps the thread's frame
// version (the runtime's site cache relies on it).
// CHECK:      %[[SLOT:.+]] = call {{.*}}ptr @llvm.threadlocal.address.p0(ptr @__cgosan_race_frame_version)
// CHECK-NEXT: %[[VERSION:.+]] = load i64, ptr %[[SLOT]], align 8, {{.*}}!nosanitize
// CHECK-NEXT: %[[BUMPED:.+]] = add i64 %[[VERSION]], 1
// CHECK-NEXT: store i64 %[[BUMPED]], ptr %[[SLOT]], align 8, {{.*}}!nosanitize
// CHECK-NEXT: ret i32

// The debug locations of the new calls: the accesses' own (the metadata
// follows the last function).
// CHECK-DAG:  ![[C_READ]] = !DILocation(line: 21, column: 10,
// CHECK-DAG:  ![[C_WRITE]] = !DILocation(line: 21, column: 8,
// CHECK-DAG:  ![[COPY]] = !DILocation(line: 132, column: 3,
// CHECK-DAG:  ![[ACQUIRE]] = !DILocation(line: 179, column: 8,
// CHECK-DAG:  ![[RELEASE]] = !DILocation(line: 182, column: 3,
