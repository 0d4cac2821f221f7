// gc.cpp — the collector: stop-the-world mark-sweep.
//
// Stopping. StopTheWorld (world.cpp) holds every G that is parked in a
// cgocall: it may stay in foreign code, it just cannot come back. A G that
// runs managed code stops itself at its next safepoint, the entry of any
// heap or pinning call: it parks exactly as a cgocall does (callee-saved
// registers spilled, saved_sp published, status syscall) and waits in
// exitsyscall. The collector waits until no G runs; a G in a nocallback call
// (cgosan_cgocall_nocallback) counts as running: it is not parked, and it
// returns soon by promise. (Safepoints, not signals:
// a G is never stopped inside the runtime holding one of its locks. The price
// is Go-before-1.14's: a G that computes without calling the runtime delays
// the collection until it does.)
//
// Marking. Roots are the G stacks, scanned conservatively from each parked
// G's saved_sp to the top of its stack (every word that points into an
// allocated object marks it; in a program built with ASan's
// detect_stack_use_after_return, the fake frames those words point into
// too: fiber_switch.h), cgosan_add_root slots, live handles and pinned
// objects. Objects are scanned precisely with their type's pointer mask.
//
// Sweeping. An unmarked object is poisoned (0xca in every byte) and put in
// quarantine: its slot is not reused until the next collection, so a stale
// pointer reads poison and FindObject reports no object. Quarantined slots
// of the previous collection become free, but for those retention keeps
// (a dead object it still watches, checkers/retention_watch.cpp).
//
// Trigger: allocation starts a collection when the bytes handed out since the
// last one exceed gc_percent% of the bytes that survived it (Go's GOGC), and
// at least 4 MiB; cgosan_gc() forces one.
#include "gc.h"

#include "fiber_switch.h"
#include "fork.h"
#include "handle.h"
#include "hooks.h"
#include "heap_internal.h"
#include "pinner.h"
#include "report.h"
#include "sanitizer_heap.h"

namespace __cgosan {

atomic_uint8_t gc_pending;
THREADLOCAL bool collecting_here;
static Mutex gc_mu;
static atomic_uintptr_t bytes_since_gc;
static atomic_uintptr_t next_gc_bytes;
static atomic_uint64_t num_gc;

static constexpr uptr kMinNextGc = 4 << 20;

// --- Stopping ----------------------------------------------------------------

// Parks g here as a cgocall would, and returns once the world runs again.
void NOINLINE ParkAtSafepoint(G *g) {
  __builtin_unwind_init();  // spill every callee-saved register in this frame
  volatile uptr marker = 0;
  g->saved_sp = reinterpret_cast<uptr>(&marker);
  NoteParkedFakeStack(g);
  EnterSyscall(g);
  ExitSyscall(g);  // blocks while the world is stopped
}

// A G the collector must wait for: it runs managed code, or foreign code in
// a nocallback call, which returns without the exitsyscall handshake.
static bool MustWaitFor(const G *g) {
  u32 status = atomic_load(&g->status, memory_order_acquire);
  return status == kGRunning || status == kGNoCallback;
}

static constexpr char kMsgWaitedForNoCallback[] =
    "==%d==CgoSanitizer: a collection has waited %llu ms for G %llu, which is "
    "in nocallback function %s (a nocallback function must not block)\n";
static constexpr u64 kNoCallbackWaitNoteNs = 1000ull * 1000 * 1000;
// How long one attempt to stop the world waits for a G in a nocallback call
// before it lets the world run again (see StopTheWorldForMarking).
static constexpr u64 kNoCallbackBackOffNs = 10ull * 1000 * 1000;

// A collection's waits for Gs in nocallback calls, over all its attempts to
// stop the world.
struct NoCallbackWait {
  G *self;
  u64 since;          // since when every look saw a G in a nocallback call
  u64 attempt_since;  // the same, within this attempt (0: not so far)
  bool noted;         // the verbosity=1 line is printed
  bool backed_off;    // this attempt gave up on a nocallback call
};

// Says, once per collection, that it has waited a second for a G in a
// nocallback call (verbosity=1): the call broke its promise to return soon.
static void NoteLongNoCallbackWait(M *m, G *g, u64 waited_ns) {
  char callee[128];
  NoCallbackCalleeName(m, callee, sizeof(callee));
  Printf(kMsgWaitedForNoCallback, (int)internal_getpid(),
         (unsigned long long)(waited_ns / 1000000), (unsigned long long)g->id,
         callee);
}

// One more look at g, in a nocallback call: false when this attempt has
// waited for such calls long enough to give up.
static bool KeepWaitingForNoCallback(M *m, G *g, NoCallbackWait *wait) {
  u64 now = MonotonicNanoTime();
  if (!wait->since)
    wait->since = now;
  if (!wait->attempt_since)
    wait->attempt_since = now;
  if (!wait->noted && Verbosity() >= 1 && now - wait->since >= kNoCallbackWaitNoteNs) {
    NoteLongNoCallbackWait(m, g, now - wait->since);
    wait->noted = true;
  }
  return now - wait->attempt_since < kNoCallbackBackOffNs;
}

// Waits until no G other than wait->self runs managed code or a nocallback
// call; false (wait->backed_off) when it gave up on a nocallback call.
static bool WaitForRunningGs(NoCallbackWait *wait) {
  wait->attempt_since = 0;
  wait->backed_off = false;
  ForEachM([](M *m, void *arg) {
    auto *wait = static_cast<NoCallbackWait *>(arg);
    G *g = m->curg;
    while (!wait->backed_off && g && g != wait->self && MustWaitFor(g)) {
      if (atomic_load(&g->status, memory_order_relaxed) != kGNoCallback)
        wait->since = wait->attempt_since = 0;  // the wait is for managed code
      else if (!KeepWaitingForNoCallback(m, g, wait))
        wait->backed_off = true;
      internal_sched_yield();
      g = m->curg;
    }
  }, wait);
  return !wait->backed_off;
}

// Stops the world with no G left running. A nocallback call that does not
// return soon may be waiting for a thread that holds what it needs (sqlite3's
// connection mutex) inside a callback, which waits for the world to start:
// after kNoCallbackBackOffNs the world runs again for a millisecond, and the
// stop is tried again, as long as it takes.
static void StopTheWorldForMarking(G *self) {
  NoCallbackWait wait = {self, 0, 0, false, false};
  for (;;) {
    StopTheWorld();
    if (WaitForRunningGs(&wait))
      return;
    StartTheWorld();
    internal_usleep(1000);
  }
}

// --- Marking -------------------------------------------------------------------

// Objects marked, not yet scanned. Kept between collections (which gc_mu
// serialises), so a collection does not map, fault in and unmap its stack.
static InternalMmapVectorNoCtor<uptr> mark_work;  // zero-initialised: no constructor

struct Marker {
  InternalMmapVectorNoCtor<uptr> &work = mark_work;  // empty between collections
  uptr marked_bytes = 0;

  void MarkWord(uptr word) {
    if (!InArena(word))
      return;
    Span *s = SpanOf(word);
    if (!s)
      return;
    uptr index = s->SlotIndex(word);
    if (index >= s->nelems || !SlotInUse(s, index) ||
        TestBit(s->quarantine_bits, index) || TestBit(s->mark_bits, index))
      return;
    SetBit(s->mark_bits, index);
    work.push_back(s->SlotBase(index));
  }

  void ScanConservatively(uptr lo, uptr hi) {
    for (uptr p = RoundUpTo(lo, sizeof(uptr)); p + sizeof(uptr) <= hi;
         p += sizeof(uptr))
      MarkWord(*reinterpret_cast<const uptr *>(p));
  }

  void Drain() {
    while (!work.empty()) {
      uptr base = work.back();
      work.pop_back();
      ObjectInfo info;
      CHECK(FindObject(base, &info));
      marked_bytes += info.size;
      if (!info.type->ptrdata || !info.type->ptrmask)
        continue;
      const uptr *words = reinterpret_cast<const uptr *>(base);
      for (uptr i = 0; i < info.size / sizeof(uptr); i++)
        if (IsPointerSlot(info, i))
          MarkWord(words[i]);
    }
  }
};

static void MarkRoots(Marker *marker) {
  ForEachM([](M *m, void *arg) {
    auto *marker = static_cast<Marker *>(arg);
    G *g = m->curg;
    // Every G is parked now, or new and held in exitsyscall before its first
    // frame (saved_sp at the top): its live stack is [saved_sp, stack_hi).
    if (g) {
      marker->ScanConservatively(g->saved_sp, g->stack_hi);
      ForEachFakeFrame(g, g->saved_sp, g->stack_hi,
                       [](uptr lo, uptr hi, void *arg) {
                         static_cast<Marker *>(arg)->ScanConservatively(lo, hi);
                       },
                       marker);
    }
    // Objects foreign code made and may hold in registers (heap_alloc.cpp);
    // the list is stable: it grows under the heap lock this collection holds.
    for (u32 i = 0; i < m->nlocals; i++) marker->MarkWord(m->locals[i]);
  }, marker);
  ForEachRoot([](void **slot, void *arg) {
    static_cast<Marker *>(arg)->MarkWord(reinterpret_cast<uptr>(*slot));
  }, marker);
  ForEachHandleValue([](uptr value, void *arg) {
    static_cast<Marker *>(arg)->MarkWord(value);
  }, marker);
  ForEachPinnedObject([](uptr base, void *arg) {
    static_cast<Marker *>(arg)->MarkWord(base);
  }, marker);
}

// --- Sweeping ------------------------------------------------------------------

// The checkers hear of each dead object (the race checker clears its
// shadow); then the dead slots are poisoned, a run of adjacent slots with one
// memset (whole slots: the padding of a size class too), since a dead span is
// mostly runs and a call per object would cost more than the bytes.
static void TellCheckersObjectDied(const Span *s, uptr index) {
  uptr base = s->SlotBase(index), size = s->ObjectSize(index);
  if (hooks.object_died)
    hooks.object_died(base, size);
  if (hooks.object_freed)
    hooks.object_freed(base, size, NumGc() + 1);
  if (s->guarded && hooks.pool_object_freed)
    hooks.pool_object_freed(base, size, NumGc() + 1);
}

// A large object is poisoned to the end of its span's last page, and its
// pages the program never touched are not faulted in (ScrubPages). A
// program built with TSan forgets the accesses to them, before the poison
// (the old owner's are not ordered before the collector's by anything TSan
// sees) and after it (nor the collector's before the next owner's).
// A guarded slot's object is poisoned to its slot's end, the page's end.
static void PoisonSlots(const Span *s, uptr first, uptr count) {
  bool whole_pages = !s->size_class && !s->guarded;
  uptr start = s->size_class ? s->SlotBase(first) : s->start;
  uptr size = whole_pages ? RoundUpTo(s->ObjectSize(0), kPageSize)
                          : count * s->elem_size;
  TsanForgetAccesses(start, size);
  if (whole_pages)
    ScrubPages(start, size, kPoison);
  else
    HeapFill(reinterpret_cast<void *>(start), kPoison, size);
  TsanForgetAccesses(start, size);
}

// The quarantined slots of word w that retention keeps quarantined: it
// still watches the dead objects there (hooks.keeps_freed_slot). Full
// watches any object, guard only its pool's.
static u64 KeptFreedSlots(const Span *s, uptr w, u64 quarantined) {
  if (LIKELY(!hooks.keeps_freed_slot) || !quarantined ||
      (!hooks.object_freed && !s->guarded))
    return 0;
  u64 kept = 0;
  for (u64 bits = quarantined; bits; bits &= bits - 1) {
    uptr i = LeastSignificantSetBitIndex(bits);
    if (hooks.keeps_freed_slot(s->SlotBase(w * 64 + i)))
      kept |= 1ull << i;
  }
  return kept;
}

// One 64-slot word at a time: slots quarantined by the last collection become
// free, unless retention keeps them; allocated, unmarked slots are poisoned
// and quarantined (or freed).
static void SweepSpan(Span *s, void *) {
  bool quarantine = flags()->gc_quarantine;
  PublishTakenSlots(s);  // its M, if it is cached, starts again from slot 0
  for (uptr w = 0; w < (s->nelems + 63) / 64; w++) {
    u64 alloc = atomic_load(&s->alloc_bits[w], memory_order_relaxed);
    u64 quarantined = s->quarantine_bits[w];
    u64 kept = KeptFreedSlots(s, w, quarantined);
    u64 released = quarantined & ~kept;
    u64 dead = alloc & ~quarantined & ~s->mark_bits[w];
    if (UNLIKELY(hooks.object_died || hooks.object_freed ||
                 (s->guarded && hooks.pool_object_freed)))
      for (u64 bits = dead; bits; bits &= bits - 1)
        TellCheckersObjectDied(s, w * 64 + LeastSignificantSetBitIndex(bits));
    for (u64 bits = dead; bits;) {  // each run of adjacent dead slots
      uptr first = LeastSignificantSetBitIndex(bits);
      u64 from_first = bits >> first;
      uptr run = ~from_first ? LeastSignificantSetBitIndex(~from_first) : 64;
      PoisonSlots(s, w * 64 + first, run);
      uptr end = first + run;
      bits = end == 64 ? 0 : bits & ~((1ull << end) - 1);
    }
    u64 live = alloc & ~released;
    s->quarantine_bits[w] = quarantine ? dead | kept : 0;
    atomic_store(&s->alloc_bits[w], quarantine ? live : live & ~dead,
                 memory_order_release);
    s->mark_bits[w] = 0;
  }
}

// --- The collection --------------------------------------------------------------

static void CollectLocked(G *self) {
  collecting_here = true;
  StopTheWorldForMarking(self);
  LockHeap();  // foreign threads allocating wait here until the world starts
  Marker marker;
  MarkRoots(&marker);
  marker.Drain();
  SweepAllSpans(SweepSpan, nullptr);  // also rebuilds the central lists
  ForgetSiteTypes();
  UnlockHeap();
  uptr next = marker.marked_bytes + marker.marked_bytes / 100 * flags()->gc_percent;
  atomic_store(&next_gc_bytes, Max(next, kMinNextGc), memory_order_relaxed);
  atomic_store(&bytes_since_gc, 0, memory_order_relaxed);
  atomic_store(&gc_pending, 0, memory_order_relaxed);
  atomic_fetch_add(&num_gc, 1, memory_order_relaxed);
  StartTheWorld();
  collecting_here = false;
}

void Collect() {
  G *g = CurrentG();
  if (!IsRunningG(g)) {
    // Foreign code. Inside a nocallback call its own G is not waited for:
    // the switch published its stack from g->saved_sp, and it cannot run
    // managed code before this returns.
    Lock l(&gc_mu);
    CollectLocked(g);
    return;
  }
  // The collecting G parks itself like any other, so its own stack is a root
  // scanned from here, and a second collector waiting for gc_mu is not
  // mistaken for a running G.
  __builtin_unwind_init();
  volatile uptr marker = 0;
  g->saved_sp = reinterpret_cast<uptr>(&marker);
  NoteParkedFakeStack(g);
  EnterSyscall(g);
  {
    Lock l(&gc_mu);
    CollectLocked(g);
  }
  ExitSyscall(g);
}

void NoteAllocated(uptr bytes) {
  uptr since = atomic_fetch_add(&bytes_since_gc, bytes, memory_order_relaxed) + bytes;
  uptr next = atomic_load(&next_gc_bytes, memory_order_relaxed);
  if (UNLIKELY(since >= Max(next, kMinNextGc)))
    atomic_store(&gc_pending, 1, memory_order_relaxed);
}

u64 NumGc() { return atomic_load(&num_gc, memory_order_relaxed); }

void LockCollectorForFork() { gc_mu.Lock(); }
void UnlockCollectorAfterFork(bool child) { ReleaseAfterFork(&gc_mu, child); }

}  // namespace __cgosan

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_gc(void) {
  __cgosan::EnsureInitialized();
  __cgosan::ErrnoSaver errno_saver;
  __cgosan::Collect();
}
