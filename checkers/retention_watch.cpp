// retention_watch.cpp — retention=full: every object lent to foreign code is
// watched once the call that borrowed it returns, by making its memory pages
// inaccessible before foreign code next runs (at the return, or, while only
// managed code can run, at the next foreign entry). A fault there is asked
// who touched which byte: foreign code inside a watched object is retention
// (rule 2), reported; anything else (managed code, the collector, a
// neighbour on the same page, an object lent again) opens the page and the
// access runs again, counted. Pages opened that way (or for the heap's new
// objects, with no fault) are protected again at the next foreign entry.
// Allowed on purpose: an object any running call has been handed (a
// re-pass opens its pages for that call), a pinned object until its unpin
// (a page holding one is never protected: a library may keep it, and the
// kernel may write it), and a dead object once the collector releases its
// slot (kept quarantined while watched, up to retention_quarantine_kb).
// Cost: nothing unless retention=full. There: a lock and two small hash
// tables per lent object, an mprotect per page before foreign code runs
// again, and an mprotect whenever managed code touches a watched page (a
// fault too, unless it is the heap making an object there).
#include "foreign_retention_watch.h"
#include "fork.h"
#include "heap/gc.h"
#include "heap/guarded_pool.h"
#include "hooks.h"
#include "retention.h"

namespace __cgosan {

// The table's one lock. Taken in the fault handler: code holding it touches
// no managed memory, so it cannot fault there.
static StaticSpinMutex watch_mu;
// Set while this thread takes or holds watch_mu (from before it waits to
// after it lets go): a signal handler that interrupted it must not wait for
// the lock, which would never come (WatchLockedHere).
static THREADLOCAL bool in_watch_lock;

class WatchLock {
 public:
  WatchLock() {
    in_watch_lock = true;
    atomic_signal_fence(memory_order_seq_cst);
    watch_mu.Lock();
  }
  ~WatchLock() {
    watch_mu.Unlock();
    atomic_signal_fence(memory_order_seq_cst);
    in_watch_lock = false;
  }
  WatchLock(const WatchLock &) = delete;
  void operator=(const WatchLock &) = delete;
};

bool WatchLockedHere() { return in_watch_lock; }

// Open addressing on an address key (0: empty), backward-shift deletion, a
// fixed capacity reserved at start and committed as it is touched. Full, an
// insert fails and the object goes unwatched: a miss, never a lie.
// The hash keeps neighbours together: keys in one block of 2^group_bits
// granules (of 2^granule_shift bytes) take consecutive slots, and blocks are
// scattered. Objects a program lends one after the other are mostly
// neighbours, so their entries share the table's few touched pages, where a
// scattering hash made each new entry fault a fresh page in (twice: the
// zero page read, then copied on the write) and kept them all resident.
template <typename Entry>
class AddrTable {
 public:
  void Init(uptr log_cap, uptr granule_shift, uptr group_bits,
            const char *name) {
    granule_shift_ = granule_shift;
    group_bits_ = group_bits;
    mask_ = (1ull << log_cap) - 1;
    slots_ = static_cast<Entry *>(
        MmapNoReserveOrDie(sizeof(Entry) << log_cap, name));
  }
  Entry *Find(uptr key) {
    for (uptr i = Hash(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key)
        return &slots_[i];
      if (!slots_[i].key)
        return nullptr;
    }
  }
  Entry *FindOrInsert(uptr key) {
    if (Entry *e = Find(key))
      return e;
    if (used_ >= mask_ / 4 * 3)
      return nullptr;
    uptr i = Hash(key);
    while (slots_[i].key) i = (i + 1) & mask_;
    slots_[i] = Entry();
    slots_[i].key = key;
    used_++;
    return &slots_[i];
  }
  void Remove(Entry *e) {
    uptr hole = e - slots_;
    slots_[hole].key = 0;
    used_--;
    for (uptr i = (hole + 1) & mask_; slots_[i].key; i = (i + 1) & mask_) {
      uptr home = Hash(slots_[i].key);
      // Moves back an entry whose home is not in (hole, i].
      if (((i - home) & mask_) >= ((i - hole) & mask_)) {
        slots_[hole] = slots_[i];
        slots_[i].key = 0;
        hole = i;
      }
    }
  }

 private:
  uptr Hash(uptr key) const {
    uptr granule = key >> granule_shift_;
    uptr block = (granule >> group_bits_) * 0x9E3779B97F4A7C15ull >> 20;
    return (block << group_bits_ | (granule & ((1ull << group_bits_) - 1))) &
           mask_;
  }
  Entry *slots_;
  uptr mask_, used_, granule_shift_, group_bits_;
};

struct WatchedObject {
  uptr key;  // the object's base
  uptr size;
  const cgosan_type *type;
  u32 alloc_stack;
  u32 lent_now;     // calls running with it
  bool watched;     // its pages count it (lent before, no call has it now)
  bool pinned;      // foreign code may keep it: watched from its unpin
  LendRecord lender;  // the last call that had it
  u64 freed_by;     // the collection that freed it; 0 while it lives
  bool slot_kept;   // freed, and its slot kept quarantined (kept_freed)
  u64 returned_at_call;  // foreign_calls when the lender returned
  u64 returned_ns;       // and the monotonic clock then
};

struct WatchedPage {
  uptr key;  // the page's address
  u32 nwatched;  // watched objects with bytes on it
  u32 npinned;   // pinned objects with bytes on it
  u32 nlent;     // lends in progress of objects with bytes on it
  bool no_access;  // protected now
  bool listed_open;  // in open_pages, to protect again
  bool apart;        // a mapping of its own (SetPagesApart) until forgotten
};

static AddrTable<WatchedObject> objects;
static AddrTable<WatchedPage> pages;
// Pages with watched objects that a fault or a lend opened.
static constexpr uptr kMaxOpenPages = 4096;
static uptr open_pages[kMaxOpenPages];
static atomic_uintptr_t num_open_pages;  // read without the lock, to skip it
static atomic_uintptr_t num_protected_pages;  // the same
// Watched objects the collector freed stay watched while their slots stay
// quarantined: an entry with freed_by is forgotten when the sweep releases
// its slot. The slots kept past their one collection of quarantine, a ring
// of bases, oldest first: bounded by retention_quarantine_kb and, with
// retention=guard, by half the pool (the sampler keeps the other half). The
// oldest goes first, released with the next collection. An entry forgotten
// meanwhile (reported) leaves its base in the ring until it comes out.
static constexpr uptr kMaxKeptFreed = 4096;
static uptr kept_freed[kMaxKeptFreed];
static uptr kept_freed_first, num_kept_freed, kept_freed_bytes;
// Entries with freed_by: read without the lock by the sweep, which asks of
// every slot it releases (KeepsFreedSlot); only the sweep adds to it.
static atomic_uintptr_t num_freed_entries;
static uptr page_size;
// Faults that were not foreign code in a watched object: counted, printed
// at exit with verbosity=1.
static atomic_uint64_t reopened_pages;
// Pages made inaccessible, each time: printed at exit with verbosity=1.
static atomic_uint64_t page_protections;
// Foreign calls started in the process, to say how long ago a lender
// returned in the calls a user can count.
static atomic_uint64_t foreign_calls;

static uptr PageOf(uptr addr) { return addr & ~(page_size - 1); }

template <typename Fn>
static void ForEachPageOf(uptr base, uptr size, Fn fn) {
  uptr end = base + (size ? size : 1);
  for (uptr p = PageOf(base); p < end; p += page_size) fn(p);
}

// Pages set apart at most: each is one mapping, two more when its
// neighbours are not apart, against the kernel's default limit of 65530 a
// process. Past it, pages are protected as they are (slower, as exact).
static constexpr uptr kMaxPagesApart = 8192;
static uptr num_pages_apart;

static void ForgetPageIfIdle(WatchedPage *p) {
  if (!p->nwatched && !p->npinned && !p->nlent && !p->no_access &&
      !p->listed_open) {
    if (p->apart && SetPagesApart(p->key, page_size, kNotApart))
      num_pages_apart--;
    pages.Remove(p);
  }
}

// A page about to be protected the first time is set apart, so that its
// protection changes from now on move no mapping boundary: neighbours get
// different flags (even and odd pages), and pages not apart the default.
static void SetApart(WatchedPage *p) {
  if (p->apart || num_pages_apart == kMaxPagesApart)
    return;
  PagesApart how = (p->key / page_size) % 2 ? kApartOdd : kApartEven;
  if (SetPagesApart(p->key, page_size, how)) {
    p->apart = true;
    num_pages_apart++;
  }
}

// An open page with watched objects goes on the list that the next foreign
// entry protects (ProtectOpenPages). False when the list is full: a page a
// fault opened then stays open (a miss until it is watched again, never a
// false report); Watch protects a newly watched one at once.
static bool ListOpen(WatchedPage *p) {
  if (!p->nwatched || p->no_access || p->listed_open)
    return true;
  uptr n = atomic_load(&num_open_pages, memory_order_relaxed);
  if (n == kMaxOpenPages)
    return false;
  open_pages[n] = p->key;
  atomic_store(&num_open_pages, n + 1, memory_order_relaxed);
  p->listed_open = true;
  return true;
}

static void OpenPage(WatchedPage *p) {
  if (p->no_access) {
    ProtectPages(p->key, page_size, false);
    atomic_fetch_sub(&num_protected_pages, 1, memory_order_relaxed);
  }
  p->no_access = false;
  ListOpen(p);
}

// A page a running call was handed part of stays open: the call, and the
// kernel on its behalf, may touch all of it.
static void ProtectIfWatched(WatchedPage *p) {
  if (p->nwatched && !p->npinned && !p->nlent && !p->no_access) {
    SetApart(p);
    ProtectPages(p->key, page_size, true);
    p->no_access = true;
    atomic_fetch_add(&num_protected_pages, 1, memory_order_relaxed);
    atomic_fetch_add(&page_protections, 1, memory_order_relaxed);
    DivertAllocationsFrom(p->key);
  }
}

// hooks.heap_makes_object: the heap is about to zero a new object, and the
// program to fill it; pages protected there open now, as the first store's
// fault would open them (listed, protected again when a foreign call
// starts), without the signal, which costs as much as the two protection
// changes together.
static void OpenForNewObject(uptr base, uptr size) {
  if (!atomic_load(&num_protected_pages, memory_order_relaxed))
    return;
  WatchLock l;
  ForEachPageOf(base, size, [](uptr page) {
    WatchedPage *p = pages.Find(page);
    if (p && p->no_access)
      OpenPage(p);
  });
}

// The object is watched from now on; its pages are protected by the next
// ProtectOpenPages, which the caller makes now or leaves to the next
// foreign entry (WatchStartsNow); at once when the list is full.
static void Watch(WatchedObject *o) {
  o->watched = true;
  ForEachPageOf(o->key, o->size, [](uptr page) {
    WatchedPage *p = pages.FindOrInsert(page);
    if (!p)
      return;  // table full: this page goes unwatched
    p->nwatched++;
    if (!ListOpen(p))
      ProtectIfWatched(p);
  });
}

static void Unwatch(WatchedObject *o) {
  o->watched = false;
  ForEachPageOf(o->key, o->size, [](uptr page) {
    WatchedPage *p = pages.Find(page);
    if (!p || !p->nwatched)
      return;
    p->nwatched--;
    OpenPage(p);
    ForgetPageIfIdle(p);
  });
}

static void Forget(WatchedObject *o) {
  if (o->watched)
    Unwatch(o);
  if (o->slot_kept)
    kept_freed_bytes -= o->size;
  if (o->freed_by)
    atomic_fetch_sub(&num_freed_entries, 1, memory_order_relaxed);
  objects.Remove(o);
}

// Pages a running call (or a system call made for foreign code) may touch:
// open, and kept open until ReleasePages however others watch or fault.
// Returns how many of them were protected.
static uptr HoldPagesOpen(uptr base, uptr size) {
  uptr opened = 0;
  ForEachPageOf(base, size, [&opened](uptr page) {
    if (WatchedPage *p = pages.FindOrInsert(page)) {
      p->nlent++;
      opened += p->no_access;
      OpenPage(p);
    }
  });
  return opened;
}

static void ReleasePages(uptr base, uptr size) {
  ForEachPageOf(base, size, [](uptr page) {
    WatchedPage *p = pages.Find(page);
    if (!p)
      return;
    if (p->nlent)
      p->nlent--;
    OpenPage(p);  // listed, to be protected once nothing needs it open
    ForgetPageIfIdle(p);
  });
}

void BeginLend(const ObjectInfo &obj) {
  WatchLock l;
  WatchedObject *o = objects.FindOrInsert(obj.base);
  if (o && o->freed_by) {  // a new object in a freed one's slot
    Forget(o);
    o = objects.FindOrInsert(obj.base);
  }
  if (o) {
    if (o->watched)
      Unwatch(o);
    o->size = obj.size;
    o->type = obj.type;
    o->alloc_stack = obj.alloc_stack;
    o->pinned = obj.pinned;
    o->lent_now++;
  }
  // The call may touch every byte, whatever else shares its pages.
  HoldPagesOpen(obj.base, obj.size);
}

void EndLend(const LendRecord &rec) {
  WatchLock l;
  ReleasePages(rec.base, rec.size);
  WatchedObject *o = objects.Find(rec.base);
  if (!o || !o->lent_now)
    return;  // a new object in its slot meanwhile
  o->lender = rec;
  o->returned_at_call = atomic_load(&foreign_calls, memory_order_relaxed);
  o->returned_ns = MonotonicNanoTime();
  if (--o->lent_now == 0 && !o->watched && !o->pinned)
    Watch(o);
}

// Whether the pages listed open must be protected now, or may wait for the
// next foreign entry: they may while nothing but managed code can run
// before it. This thread runs managed code (a lending call returned into
// it, or it pins and unpins), and no other thread exists that could run
// foreign code meanwhile (NeverMadeAThread). The foreign
// entries are every cgocall's start (after its arguments' lends, so an
// object handed to it again is held, not protected), a callback's return,
// a G's end (cgosan_run returns to foreign code) and a thread's creation
// (hooks.foreign_code_resumes for the three last).
static bool WatchStartsNow() {
  return !InManaged() || !NeverMadeAThread();
}

void ProtectOpenPagesUnlessTheyMayWait() {
  if (WatchStartsNow())
    ProtectOpenPages();
}

void RetentionForeignCallStarts() {
  atomic_fetch_add(&foreign_calls, 1, memory_order_relaxed);
  ProtectOpenPages();
}

void ProtectOpenPages() {
  if (!atomic_load(&num_open_pages, memory_order_relaxed))
    return;
  WatchLock l;
  uptr n = atomic_load(&num_open_pages, memory_order_relaxed);
  for (uptr i = 0; i < n; i++) {
    WatchedPage *p = pages.Find(open_pages[i]);
    if (!p)
      continue;
    p->listed_open = false;
    ProtectIfWatched(p);
    ForgetPageIfIdle(p);
  }
  atomic_store(&num_open_pages, 0, memory_order_relaxed);
}

// A pinned object may be kept by foreign code, and read by the kernel on
// its behalf: its pages stay open while it is pinned, and it is not
// watched. Its pin ends what foreign code may keep: an object lent before
// (or while pinned) is watched from its unpin, once no call has it.
void WatchPinChanged(const ObjectInfo &obj, bool pinned) {
  WatchLock l;
  ForEachPageOf(obj.base, obj.size, [pinned](uptr page) {
    WatchedPage *p = pinned ? pages.FindOrInsert(page) : pages.Find(page);
    if (!p)
      return;
    if (pinned) {
      p->npinned++;
      OpenPage(p);
    } else if (p->npinned) {
      p->npinned--;
    }
    ForgetPageIfIdle(p);
  });
  WatchedObject *o = objects.Find(obj.base);
  if (!o)
    return;  // never lent
  if (o->freed_by) {  // a new object in a freed one's slot
    Forget(o);
    return;
  }
  o->pinned = pinned;
  if (pinned && o->watched)
    Unwatch(o);
  else if (!pinned && !o->lent_now && !o->watched)
    Watch(o);
}

void StopWatching(uptr base) {
  WatchLock l;
  WatchedObject *o = objects.Find(base);
  if (o && !o->lent_now && !o->freed_by)
    Forget(o);
}

// The oldest kept slot goes back to the ordinary quarantine: the next
// collection releases it (and the entry with it).
static void ReleaseOldestKeptSlot() {
  uptr base = kept_freed[kept_freed_first];
  kept_freed_first = (kept_freed_first + 1) % kMaxKeptFreed;
  num_kept_freed--;
  WatchedObject *o = objects.Find(base);
  if (o && o->slot_kept) {
    o->slot_kept = false;
    kept_freed_bytes -= o->size;
  }
}

static void KeepSlotOf(WatchedObject *o) {
  uptr cap_bytes = static_cast<uptr>(flags()->retention_quarantine_kb) << 10;
  uptr cap_slots =
      retention_mode == kRetentionGuard ? kAllGuardedSlots / 2 : kMaxKeptFreed;
  if (o->size > cap_bytes)
    return;  // watched until the next collection only
  while (num_kept_freed &&
         (num_kept_freed == cap_slots || kept_freed_bytes + o->size > cap_bytes))
    ReleaseOldestKeptSlot();
  kept_freed[(kept_freed_first + num_kept_freed++) % kMaxKeptFreed] = o->key;
  kept_freed_bytes += o->size;
  o->slot_kept = true;
}

void RetentionOnObjectFreed(uptr base, uptr size, u64 collection) {
  (void)size;
  WatchLock l;
  WatchedObject *o = objects.Find(base);
  if (!o || o->freed_by)
    return;
  if (!o->watched || !flags()->gc_quarantine) {
    Forget(o);  // nothing to watch, or its slot is free at once
    return;
  }
  o->freed_by = collection;
  atomic_fetch_add(&num_freed_entries, 1, memory_order_relaxed);
  KeepSlotOf(o);
}

bool KeepsFreedSlot(uptr base) {
  if (!atomic_load(&num_freed_entries, memory_order_relaxed))
    return false;
  WatchLock l;
  WatchedObject *o = objects.Find(base);
  if (!o || !o->freed_by)
    return false;
  if (o->slot_kept)
    return true;
  Forget(o);  // its slot is free from now on
  return false;
}

// What a report says of o, copied out under the lock.
static RetainedAccess AccessTo(const WatchedObject *o, uptr addr, bool write) {
  RetainedAccess a = {};
  a.addr = addr;
  a.write = write;
  a.base = o->key;
  a.size = o->size;
  a.type = o->type;
  a.alloc_stack = o->alloc_stack;
  a.lender = o->lender;
  a.freed_by = o->freed_by;
  u64 calls = atomic_load(&foreign_calls, memory_order_relaxed);
  a.calls_since_return = calls - o->returned_at_call;
  a.ms_since_return = (MonotonicNanoTime() - o->returned_ns) / 1000000;
  return a;
}

// In the SIGSEGV handler. True when the page is one of ours.
bool RetentionFault(uptr addr, void *ucontext) {
  if (!InArena(addr))
    return ForeignRetentionFault(addr, ucontext);  // a foreign heap's
  // Read before anything else: the thread's state at the access.
  bool runtime_access = !ForeignCodeRunsHere();
  // A signal handler's access, on a thread it stopped holding the lock: the
  // table cannot be asked, so the fault is not taken as ours.
  if (in_watch_lock)
    return false;
  RetainedAccess access;
  {
    WatchLock l;
    WatchedPage *p = pages.Find(PageOf(addr));
    if (!p)
      return false;
    if (!p->no_access)
      return true;  // opened by another thread meanwhile: run it again
    uptr base;
    WatchedObject *o = SlotOf(addr, &base) ? objects.Find(base) : nullptr;
    bool retained = o && o->watched && !runtime_access &&
                    addr - o->key < o->size;
    OpenPage(p);
    if (!retained) {
      atomic_fetch_add(&reopened_pages, 1, memory_order_relaxed);
      return true;
    }
    access = AccessTo(o, addr, FaultIsWrite(ucontext));
    access.access_size = FaultAccessSize(ucontext);
    Forget(o);  // one report per object
  }
  ReportRetainedAccess(access, ucontext);
  return true;  // halt_on_error=0: the access proceeds on the open page
}

// The watched object a range handed to libc overlaps, if any: the objects
// holding its first and last bytes (a buffer is one object; a range across
// three or more would have its middle ones missed, never misreported).
static WatchedObject *WatchedObjectIn(uptr start, uptr end) {
  uptr probes[] = {start, end - 1};
  for (uptr a : probes) {
    uptr base;
    WatchedObject *o = SlotOf(a, &base) ? objects.Find(base) : nullptr;
    if (o && o->watched && o->key < end &&
        start < o->key + o->size)
      return o;
  }
  return nullptr;
}

bool HoldLibcRange(uptr start, uptr size, bool foreign, RetainedAccess *hit) {
  WatchLock l;
  WatchedObject *o = foreign ? WatchedObjectIn(start, start + size) : nullptr;
  if (o) {
    *hit = AccessTo(o, Max(start, o->key), false);
    Forget(o);  // one report per object
  }
  uptr opened = HoldPagesOpen(start, size);
  if (!o && opened)
    atomic_fetch_add(&reopened_pages, opened, memory_order_relaxed);
  return o != nullptr;
}

void ReleaseLibcRange(uptr start, uptr size) {
  WatchLock l;
  ReleasePages(start, size);
}

u64 RetentionReopenedPages() {
  return atomic_load(&reopened_pages, memory_order_relaxed);
}

u64 RetentionPageProtections() {
  return atomic_load(&page_protections, memory_order_relaxed);
}

static void LockWatchForFork() {
  in_watch_lock = true;
  atomic_signal_fence(memory_order_seq_cst);
  watch_mu.Lock();
}
static void UnlockWatchAfterFork(bool child) {
  ReleaseAfterFork(&watch_mu, child);
  atomic_signal_fence(memory_order_seq_cst);
  in_watch_lock = false;
}

void InitializeWatchTable() {
  page_size = GetPageSizeCached();
  // Objects by their 16-byte granule, an arena page's 256 together; pages
  // 16 together.
  objects.Init(20, 4, 8, "cgosan retention objects");
  pages.Init(20, MostSignificantSetBitIndex(page_size), 4,
             "cgosan retention pages");
  // A fork while another thread lends or takes a fault must not leave the
  // child a table locked for good.
  hooks.fork_locks[kForkLocksRetentionWatch] = {LockWatchForFork,
                                                UnlockWatchAfterFork};
  hooks.keeps_freed_slot = KeepsFreedSlot;
  if (retention_mode == kRetentionFull)
    hooks.heap_makes_object = OpenForNewObject;
}

}  // namespace __cgosan
