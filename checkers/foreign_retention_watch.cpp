// foreign_retention_watch.cpp — retention=full on a heap cgosan does not
// own (Boehm GC): the first access to an object a library kept after its
// collector found it unreachable. Such a collector frees what nothing it
// scans points to; a library that kept the pointer in its own malloc'd
// state (which bdwgc never reads) then reads freed, soon reused memory. So
// each call's arguments into a foreign heap's objects are noted, off a G as
// on one (the interposer lends them: cgosan_lend); when the heap finds a
// noted object unreachable it asks whether to keep it
// (cgosan_heap_object_unreachable), and cgosan keeps it, unreused, with the
// pages it owns protected: the first access outside a collection is the
// retained-pointer report, and a libc call handed it (the kernel's access,
// which would be EFAULT) is met by the call's interceptor first
// (HoldForeignKeptRange). Any access counts: nothing the collector scans
// pointed to the object, so only a pointer kept where it does not look
// (the library's, or the program's own hidden one) can reach it.
// Allowed on purpose: an object that stays reachable (never asked about),
// one foreign code may hold (uncollectable), the collector's own reads of a
// dead object (a stale word marking it: the page opens, and is protected
// again at the next ask), an object that owns no whole page (its neighbours
// share its pages: not watched), a heap that cannot keep (bdwgc's
// incremental mode), and kept objects past retention_quarantine_kb (the
// oldest released).
// Cost: nothing unless retention=full and a heap that keeps. There: per
// argument into such a heap, a find_object, and for an object owning a page
// a stack id and the lock; per death of a large object, the lock; per
// death of a noted one, an mprotect; per kept object, an answer at each
// collection.
#include "foreign_retention_watch.h"

#include "fork.h"
#include "heap/heap_registry.h"
#include "hooks.h"
#include "retention.h"
#include "sanitizer_common/sanitizer_dense_map.h"
#include "sanitizer_common/sanitizer_placement_new.h"

namespace __cgosan {

static constexpr char kMsgCannotKeep[] =
    "CgoSanitizer: retention=full: heap '%s' keeps no unreachable object from "
    "now on (%s): the first access to an object it frees is not watched\n";

// A foreign object handed to a call, while it lives.
struct LendNote {
  const char *callee;
  int argno;
  u32 stack;
};

// A dead object its heap keeps for cgosan. The fault handler reads the
// slots without the lock: a slot's fields are written while its state is
// kSlotFree, then published by the state.
enum KeptState : u8 { kSlotFree, kProtected, kOpened, kReleased };
struct KeptObject {
  atomic_uint8_t state;
  uptr pages_lo, pages_hi;  // the whole pages it owns: protected in kProtected
  uptr base, size;
  u32 heap;
  u64 freed_by;  // the collection that found it unreachable
  u64 died_ns;
  u64 seq;       // deaths in order: the oldest is released first
  LendNote lender;
};

static constexpr uptr kMaxKept = 1024;
static KeptObject kept[kMaxKept];
static atomic_uintptr_t kept_high;  // slots below it have been used
static uptr kept_bytes;             // of the kProtected and kOpened objects
static u64 deaths;
static bool cannot_keep[kMaxHeaps];
static DenseMap<uptr, LendNote> *lends;  // live objects handed over, by base
static ALIGNED(8) char lends_storage[sizeof(DenseMap<uptr, LendNote>)];
static uptr page_size;

// The one lock. Taken in the fault handler: in_lock says this thread takes
// or holds it, so a signal handler that interrupted it does not wait.
static StaticSpinMutex mu;
static THREADLOCAL bool in_lock;
static void TakeLock() {
  in_lock = true;
  atomic_signal_fence(memory_order_seq_cst);
  mu.Lock();
}
// After fork (the forking thread took it): made new in the child.
static void DropLock(bool fork_child) {
  ReleaseAfterFork(&mu, fork_child);
  atomic_signal_fence(memory_order_seq_cst);
  in_lock = false;
}
struct KeptLock {
  KeptLock() { TakeLock(); }
  ~KeptLock() { DropLock(false); }
  KeptLock(const KeptLock &) = delete;
  void operator=(const KeptLock &) = delete;
};

// The pages wholly inside [base, base + size): those a watch may protect
// without faulting a neighbour.
static bool OwnedPages(uptr base, uptr size, uptr *lo, uptr *hi) {
  *lo = RoundUpTo(base, page_size);
  *hi = RoundDownTo(base + size, page_size);
  return *lo < *hi;
}

void NoteForeignLent(uptr p, const char *callee, int argno) {
  ObjectInfo obj;
  uptr lo, hi;
  if (!p || !FindForeignObject(p, &obj) || obj.pinned || cannot_keep[obj.heap] ||
      !OwnedPages(obj.base, obj.size, &lo, &hi))
    return;
  LendNote note = {callee, argno, CaptureStackIdFast()};
  KeptLock l;
  (*lends)[obj.base] = note;
}

static uint8_t State(const KeptObject *k) {
  return atomic_load(&k->state, memory_order_acquire);
}
static void SetState(KeptObject *k, KeptState s) {
  atomic_store(&k->state, s, memory_order_release);
}

// Published first, then protected: a fault on it always finds it.
static void Protect(KeptObject *k) {
  SetState(k, kProtected);
  ProtectPages(k->pages_lo, k->pages_hi - k->pages_lo, true);
}

// No longer watched: opened, and freed at the heap's next ask.
static void Release(KeptObject *k) {
  if (State(k) == kProtected)
    ProtectPages(k->pages_lo, k->pages_hi - k->pages_lo, false);
  SetState(k, kReleased);
  kept_bytes -= k->size;
}

static KeptObject *FindKept(u32 heap, uptr base) {
  uptr n = atomic_load(&kept_high, memory_order_relaxed);
  for (uptr i = 0; i < n; i++)
    if (State(&kept[i]) != kSlotFree && kept[i].heap == heap &&
        kept[i].base == base)
      return &kept[i];
  return nullptr;
}

// The watched object kept longest, or null.
static KeptObject *Oldest() {
  KeptObject *oldest = nullptr;
  uptr n = atomic_load(&kept_high, memory_order_relaxed);
  for (uptr i = 0; i < n; i++) {
    u8 s = State(&kept[i]);
    if ((s == kProtected || s == kOpened) && (!oldest || kept[i].seq < oldest->seq))
      oldest = &kept[i];
  }
  return oldest;
}

static KeptObject *FreeSlot() {
  uptr n = atomic_load(&kept_high, memory_order_relaxed);
  for (uptr i = 0; i < n; i++)
    if (State(&kept[i]) == kSlotFree)
      return &kept[i];
  if (n == kMaxKept)
    return nullptr;  // every slot kept or waiting for its ask: unwatched
  atomic_store(&kept_high, n + 1, memory_order_release);
  return &kept[n];
}

// hooks.kept_heap_object: a later collection asks about an object kept.
static HeapKeepAnswer KeptHeapObject(u32 heap, uptr base) {
  if (!atomic_load(&kept_high, memory_order_relaxed))
    return kNotKeptBefore;
  KeptLock l;
  KeptObject *k = FindKept(heap, base);
  if (!k)
    return kNotKeptBefore;
  if (State(k) == kReleased) {
    SetState(k, kSlotFree);
    return kRelease;
  }
  if (State(k) == kOpened)
    Protect(k);  // the collector read it, and found it unreachable again
  return kKeepIt;
}

// hooks.keep_heap_object: the first ask about a dead object. Kept when it
// was handed to a call, owns a page, and fits the quarantine.
static bool KeepHeapObject(u32 heap, uptr base, uptr size) {
  KeptLock l;
  auto *note = lends->find(base);
  if (!note)
    return false;
  LendNote lender = note->second;
  lends->erase(note);
  uptr lo, hi;
  uptr cap = static_cast<uptr>(flags()->retention_quarantine_kb) << 10;
  if (cannot_keep[heap] || size > cap || !OwnedPages(base, size, &lo, &hi))
    return false;
  while (kept_bytes + size > cap) {
    KeptObject *oldest = Oldest();
    if (!oldest)
      break;  // kept_bytes counts only what Oldest finds: not reached
    Release(oldest);
  }
  KeptObject *k = FreeSlot();
  if (!k && (k = Oldest())) {
    Release(k);
    return false;  // its slot frees at its next ask
  }
  if (!k)
    return false;
  k->pages_lo = lo;
  k->pages_hi = hi;
  k->base = base;
  k->size = size;
  k->heap = heap;
  k->freed_by = HeapCollections(heap);
  k->died_ns = MonotonicNanoTime();
  k->seq = ++deaths;
  k->lender = lender;
  kept_bytes += size;
  Protect(k);
  return true;
}

// hooks.lent_heap_object_freed: the heap freed an object without asking
// (the program's GC_FREE): what it was handed to is no longer of interest.
static void LentHeapObjectFreed(u32 heap, uptr base) {
  (void)heap;
  KeptLock l;
  lends->erase(base);
}

// hooks.heap_cannot_keep.
static void HeapCannotKeep(u32 heap, const char *why) {
  {
    KeptLock l;
    if (cannot_keep[heap])
      return;
    cannot_keep[heap] = true;
    uptr n = atomic_load(&kept_high, memory_order_relaxed);
    for (uptr i = 0; i < n; i++) {
      u8 s = State(&kept[i]);
      if (kept[i].heap == heap && (s == kProtected || s == kOpened))
        Release(&kept[i]);
    }
  }
  if (Verbosity())
    Printf(kMsgCannotKeep, HeapName(heap), why);
}

static KeptAccess AccessTo(const KeptObject *k, uptr addr, bool write) {
  KeptAccess a = {};
  a.addr = addr;
  a.write = write;
  a.heap = k->heap;
  a.base = k->base;
  a.size = k->size;
  a.freed_by = k->freed_by;
  a.ms_since_death = (MonotonicNanoTime() - k->died_ns) / 1000000;
  a.callee = k->lender.callee;
  a.argno = k->lender.argno;
  a.lend_stack = k->lender.stack;
  return a;
}

// The kept object whose pages hold addr, protected now or until lately
// (released: a fault that raced with the release runs again); without the
// lock.
static KeptObject *KeptPageOf(uptr addr) {
  uptr n = atomic_load(&kept_high, memory_order_acquire);
  for (uptr i = 0; i < n; i++) {
    KeptObject *k = &kept[i];
    if (State(k) != kSlotFree && addr >= k->pages_lo && addr < k->pages_hi)
      return k;
  }
  return nullptr;
}

bool ForeignRetentionFault(uptr addr, void *ucontext) {
  if (!atomic_load(&kept_high, memory_order_relaxed))
    return false;
  bool runtime_access = !ForeignCodeRunsHere();
  KeptObject *k = KeptPageOf(addr);
  if (!k)
    return false;
  if (in_lock || HeapCollectorReads(k->heap)) {
    // The collector reads a dead object a stale word led it to (or a
    // signal handler interrupted the lock's holder): opened, no report,
    // without the lock (its holder may be stopped by the collector).
    u8 s = kProtected;
    if (atomic_compare_exchange_strong(&k->state, &s, (u8)kOpened,
                                       memory_order_acq_rel))
      ProtectPages(k->pages_lo, k->pages_hi - k->pages_lo, false);
    return true;
  }
  KeptAccess access;
  {
    KeptLock l;
    if (State(k) != kProtected || addr < k->pages_lo || addr >= k->pages_hi)
      return true;  // opened or released meanwhile: run it again
    access = AccessTo(k, addr, FaultIsWrite(ucontext));
    access.access_size = FaultAccessSize(ucontext);
    Release(k);  // one report per object; the access runs on the open page
  }
  if (runtime_access)
    return true;  // managed code: not the retention rule's
  ReportKeptAccess(access, ucontext);
  return true;
}

void HoldForeignKeptRange(const void *p, uptr n, bool stores, const char *call,
                          bool foreign) {
  if (LIKELY(!atomic_load(&kept_high, memory_order_relaxed)) || !n || in_lock)
    return;
  uptr lo = reinterpret_cast<uptr>(p);
  uptr hi = lo + n < lo ? ~static_cast<uptr>(0) : lo + n;
  KeptAccess access;
  bool hit = false;
  {
    KeptLock l;
    uptr high = atomic_load(&kept_high, memory_order_relaxed);
    for (uptr i = 0; i < high; i++) {
      KeptObject *k = &kept[i];
      u8 s = State(k);
      if ((s != kProtected && s != kOpened) || k->base >= hi ||
          lo >= k->base + k->size)
        continue;
      if (foreign && !hit) {
        access = AccessTo(k, Max(lo, k->base), stores);
        access.libc_call = call;
        access.libc_size = n;
        hit = true;
      }
      Release(k);  // the kernel must find it readable
    }
  }
  if (hit)
    ReportKeptAccess(access, nullptr);
}

// Before any heap registers (the adapters are loaded after the runtime):
// a heap asks cgosan_heap_keeps_unreachable at its registration.
__attribute__((constructor)) static void cgosan_foreign_retention_load_time_init() {
  EnsureInitialized();
  if (retention_mode != kRetentionFull)
    return;
  page_size = GetPageSizeCached();
  lends = new (lends_storage) DenseMap<uptr, LendNote>();
  hooks.fork_locks[kForkLocksForeignRetention] = {TakeLock, DropLock};
  hooks.kept_heap_object = KeptHeapObject;
  hooks.lent_heap_object_freed = LentHeapObjectFreed;
  hooks.heap_cannot_keep = HeapCannotKeep;
  hooks.keep_heap_object = KeepHeapObject;
}

}  // namespace __cgosan
