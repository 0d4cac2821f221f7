// bdwgc_race_reuse.c — a Boehm GC object's death leaves nothing behind in
// the race shadow (race=precise on a foreign heap). A worker thread writes
// object A; the main thread, which never synchronised with it, drops A and
// collects: bdwgc frees A and hands its block to B, which the main thread
// writes and hands to the worker with a relaxed store; the worker writes
// B. Nothing orders the two writes of B: a race, on B, with the main
// thread's write. Had A's accesses stayed in the shadow, the main thread's
// write of B would instead have been reported against the worker's write
// of A (a different object). The adapter learns every death of a normal or
// atomic object from bdwgc's disclaim procedure. The steps after A is
// handed over (with a release and an acquire: bdwgc's GC_malloc cleared it,
// a write of the main thread's) are relaxed atomics (an order in time, no
// edge). Twin:
// bdwgc_race_reuse_ordered.c hands B over with a release store and an
// acquire load: silent, which it would not be if A's write were left; so
// are bdwgc_race_reuse_gc_free.c (A freed by GC_FREE, for which bdwgc calls
// no disclaim procedure), bdwgc_race_reuse_typed.c (A and B of gc_typed's
// kind, GC_malloc_explicitly_typed, made after the adapter loaded) and
// bdwgc_race_reuse_gcj.c (of gcj's kind, GC_gcj_malloc, made so too) and
// bdwgc_race_reuse_finalized.c (of gc_disclaim's finalized kind, which
// has a disclaim procedure of its own).
//
// RUN-UNDER: cgosan-run --heap bdwgc --
// LIBS: -lgc
// EXIT: 66
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
#include <gc/gc.h>
#include <gc/gc_disclaim.h>
#include <gc/gc_gcj.h>
#include <gc/gc_typed.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ORDERED  // bdwgc_race_reuse_ordered.c: 1
#define ORDERED 0
#endif
#ifndef FREE_A  // bdwgc_race_reuse_gc_free.c: 1
#define FREE_A 0
#endif
#ifndef TYPED  // bdwgc_race_reuse_typed.c: 1
#define TYPED 0
#endif
#ifndef GCJ  // bdwgc_race_reuse_gcj.c: 1
#define GCJ 0
#endif
#ifndef FINALIZED  // bdwgc_race_reuse_finalized.c: 1
#define FINALIZED 0
#endif
#define HANDOFF_STORE (ORDERED ? __ATOMIC_RELEASE : __ATOMIC_RELAXED)
#define HANDOFF_LOAD (ORDERED ? __ATOMIC_ACQUIRE : __ATOMIC_RELAXED)

// More than half of bdwgc's 4 KiB block: each object has a block of its
// own, and the block the collection frees is the next object's.
struct obj {
#if GCJ
  const void *vtable;  // gcj's: its second word is the mark descriptor
#endif
  long value;
  char pad[3000];
};
static struct obj *slot;  // a root: the object handed over
static GC_descr obj_descr;  // TYPED: one pointer-free object
// GCJ: the vtable, whose descriptor (a length: every word scanned) bdwgc
// reads at its second word.
static const GC_word obj_vtable[2] = {0, sizeof(struct obj)};

// A and B: a normal object, or a typed one. A macro: a helper's frame
// would leave a copy of A below lend_a's, which bdwgc would take for a
// reference.
#define NEW_OBJ()                                                          \
  ((struct obj *)(TYPED ? GC_malloc_explicitly_typed(sizeof(struct obj),    \
                                                     obj_descr)             \
                  : GCJ ? GC_gcj_malloc(sizeof(struct obj), (void *)obj_vtable) \
                  : FINALIZED ? GC_finalized_malloc(sizeof(struct obj), &no_finalizer) \
                        : GC_MALLOC(sizeof(struct obj))))
// FINALIZED: a finalizer closure that does nothing.
static void GC_CALLBACK finalize_nothing(void *obj, void *data) {
  (void)obj;
  (void)data;
}
static const struct GC_finalizer_closure no_finalizer = {finalize_nothing, NULL};

static void make_obj_descr(void) {
  GC_word no_pointers[GC_BITMAP_SIZE(struct obj)] = {0};
  obj_descr = GC_make_descriptor(no_pointers, GC_WORD_LEN(struct obj));
}
static int step;          // relaxed steps

static void set_step(int value, int order) { __atomic_store_n(&step, value, order); }
static void wait_for(int value, int order) {
  while (__atomic_load_n(&step, order) != value)
    sched_yield();
}

// The worker's writes, each in a frame of its own.
__attribute__((noinline)) static void write_a(void) {
  __atomic_load_n(&slot, __ATOMIC_RELAXED)->value = 1;
}

__attribute__((noinline)) static void write_b(void) {
  __atomic_load_n(&slot, HANDOFF_LOAD)->value = 2;
}

// Not registered with bdwgc (no GC_THREADS): the collection does not stop
// it, so no edge of bdwgc's own orders its write of A before the free.
static void *worker(void *arg) {
  (void)arg;
  wait_for(1, __ATOMIC_ACQUIRE);
  write_a();
  set_step(2, __ATOMIC_RELAXED);  // orders nothing: A's write stays unordered
  wait_for(3, __ATOMIC_RELAXED);
  write_b();
  return NULL;
}

// Hands A to the worker and takes it back; returns its address, hidden
// from the collector.
__attribute__((noinline)) static uintptr_t lend_a(void) {
  __atomic_store_n(&slot, NEW_OBJ(), __ATOMIC_RELAXED);
  set_step(1, __ATOMIC_RELEASE);  // A, as bdwgc cleared it, is the worker's
  wait_for(2, __ATOMIC_RELAXED);
  uintptr_t a = (uintptr_t)__atomic_exchange_n(&slot, NULL, __ATOMIC_RELAXED);
  return ~a;
}

int main(void) {
  GC_INIT();
  if (TYPED)
    make_obj_descr();
  if (GCJ)
    GC_init_gcj_malloc(0, NULL);
  if (FINALIZED)
    GC_init_finalized_malloc();
  pthread_t thread;
  pthread_create(&thread, NULL, worker, NULL);
  uintptr_t hidden_a = lend_a();
  if (FREE_A)  // A dies: the program frees it, or the collection does
    GC_FREE((void *)~hidden_a);
  else
    GC_gcollect();
  struct obj *b = NEW_OBJ();
  if ((uintptr_t)b != ~hidden_a)
    abort();  // the test needs B at A's address
  b->value = 3;
  __atomic_store_n(&slot, b, HANDOFF_STORE);
  set_step(3, __ATOMIC_RELAXED);
  pthread_join(thread, NULL);
  printf("value %ld\n", slot->value);
  return 0;
}
// The worker's write of B, against the main thread's last write of it:
// bdwgc's clearing of B in GC_malloc (libc's memset, in a library built
// without frame pointers: one frame).
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: data-race
// CHECK-NEXT:Write of size 8 at 0x[[B:[0-9a-f]+]] by thread T{{[0-9]+}}:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in write_b {{.*}}/bdwgc_race_reuse.c:106:47
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in worker {{.*}}/bdwgc_race_reuse.c:117:3
// CHECK:  0x[[B]] is object of heap 'bdwgc' ({{[0-9]+}} bytes)
// CHECK-NEXT:  Previous write of size {{[0-9]+}} at 0x[[B]] by thread T0:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in GC_generic_malloc {{.*}}
// CHECK-NEXT:SUMMARY: CgoSanitizer: data-race {{.*}}/bdwgc_race_reuse.c:106:47 in write_b
