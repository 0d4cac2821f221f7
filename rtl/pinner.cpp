// pinner.cpp — Go's runtime.Pinner: objects foreign code may keep pointers to.
//
// The rule: a managed object whose address foreign code keeps, or that is
// reached from memory handed to foreign code, must be pinned; the collector
// then treats it as a root and never frees it. cgosan_pin(pn, p) pins the
// object p points into (any interior pointer; keyed by the object's base),
// cgosan_unpin(pn) releases every pin pn took, cgosan_pinner_free(pn) ends pn.
// Pins are counted per object across all pinners (and within one: pinning
// twice needs two releases, as in Go), and pinning is not transitive: the
// objects a pinned object points to are not pinned.
//
// Allowed on purpose: unpinning an empty pinner; reusing a pinner after
// cgosan_unpin. Reported: a NULL or freed pinner, a pointer that is no pinner
// (never read through: pinners live in the runtime's own chunks), a NULL
// pointer, a pointer that is not into a live managed object (api-misuse; Go
// 1.21 panics "runtime.Pinner: argument is not a Go pointer", later Go
// ignores it: here a pin that pins nothing is a bug worth a report; the
// zero-size address, Go's zerobase, is pinned for good and Pin ignores it,
// as Go's does), a pointer into a G stack (api-misuse too: stack memory
// cannot be pinned, as Go's Pinner refuses what is not a heap object; the
// report names the frame), and freeing a pinner that still pins
// (pinner-leak, Go's "found leaking pinned pointer" panic, raised here at
// free rather than at collection); the pins are released after it. An
// object that loses its last pin while an annotated call still retains it
// (`retains`, checkers/retention_table.cpp) is reported by that checker,
// through hooks.h, once the pinner's lock is released.
//
// Cost: a pin records its stack for the leak report (on a G a frame-pointer
// walk of the G's frames, tens of ns; elsewhere a libunwind walk, tens of us)
// and takes two small locks. The checkers never look at the table: an
// object's first pin sets a bit beside it in its span (the heap's pin_bits)
// and its last unpin clears it, so FindObject answers "pinned?" with the
// object (ObjectInfo::pinned) for one more load.
#include "pinner.h"

#include "fork.h"
#include "heap/gc.h"
#include "growing_array.h"
#include "gstack.h"
#include "heap/heap.h"
#include "hooks.h"
#include "report.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

namespace __cgosan {

static constexpr char kMsgNullPinner[] = "%s called with a NULL pinner";
static constexpr char kMsgNotPinner[] =
    "%s called with %p, which is not a pinner (cgosan_pinner_new never "
    "returned it)";
static constexpr char kMsgDeadPinner[] =
    "%s called with %p, which is not a live pinner (already freed with "
    "cgosan_pinner_free?)";
static constexpr char kMsgPinNull[] =
    "cgosan_pin called with a NULL pointer (runtime.Pinner: argument is nil)";
static constexpr char kMsgPinNotManaged[] =
    "cgosan_pin: %p is not a managed pointer (runtime.Pinner: argument is not "
    "a Go pointer); only objects of the managed heap can be pinned";
static constexpr char kMsgPinNotLive[] =
    "cgosan_pin: %p points into the managed heap but not into a live object "
    "(freed memory, or past the end of its object); nothing was pinned";
static constexpr char kMsgPinStack[] =
    "cgosan_pin: %p is stack memory, which cannot be pinned (runtime.Pinner: "
    "argument is not a heap object); copy it into a managed object "
    "(cgosan_new) to pin it";
static constexpr char kNotePinStack[] = "  %p is in ";
static constexpr char kMsgPinnerLeak[] =
    "cgosan_pinner_free: pinner %p still pins %zu object(s) (%zu pin(s)); "
    "call cgosan_unpin before freeing it (Go: runtime.Pinner: found leaking "
    "pinned pointer; forgot to call Unpin()?)";
static constexpr char kNoteLeakedPin[] =
    "  pin #%zu: object 0x%zx of type '%s%s' (%zu bytes)\n";
static constexpr char kNoteMorePins[] = "  ... and %zu more pin(s)\n";
static constexpr char kTitlePinnedAt[] = "  pin #%zu (object 0x%zx) pinned at:";
static constexpr char kNoteNoObject[] =
    "  pin #%zu: object 0x%zx (no longer found in the heap)\n";

// ---- The table of pinned objects ---------------------------------------------
//
// Open addressing with linear probing, keyed by object base. A slot's word is
// 0 (empty, ends a probe), base | kPinnedBit (pinned), or base alone (a
// tombstone: was pinned; reused for any base whose probe passes it). One word
// per slot, so a reader never pairs a key with another key's state. The pin
// counts live beside the words and are touched only under table_mu.
//
// Readers take no lock. Inside one table a slot only ever goes empty -> used,
// and a key is in at most one slot, so a probe cannot miss a key that was
// inserted before it began. When tombstones fill the table it is rebuilt
// into another block (same size, or bigger when live entries need it) and the
// new one is published. Blocks are never unmapped: a retired block waits in a
// per-size pool and is reused by a later rebuild; reusing one is bracketed by
// table_seq going odd then even, and readers retry when table_seq moved
// under them, so they never act on a block that was rewritten as they read it.
static constexpr u64 kPinnedBit = 1ull << 63;  // user addresses are < 2^47
static constexpr uptr kMinLogCap = 4;
static constexpr uptr kMaxLogCap = 40;

struct PinTable {
  uptr log_cap;
  uptr used;    // slots that are not empty (pinned + tombstones)
  uptr live;    // pinned slots
  PinTable *next_free;
  atomic_uint64_t *words;
  u64 *counts;

  uptr cap() const { return 1ull << log_cap; }
  uptr Hash(uptr base) const {
    return (base * 0x9E3779B97F4A7C15ull) >> (64 - log_cap);
  }
};

static StaticSpinMutex table_mu;                 // writers
static atomic_uintptr_t cur_table;               // PinTable*
static atomic_uint32_t table_seq;                // odd while a block is reused
static atomic_uintptr_t pinned_objects;          // live entries, for the fast path
static PinTable *table_pool[kMaxLogCap + 1];     // retired blocks, by size

static PinTable *CurrentTable() {
  return reinterpret_cast<PinTable *>(
      atomic_load(&cur_table, memory_order_acquire));
}

static PinTable *NewTable(uptr log_cap) {
  CHECK_LE(log_cap, kMaxLogCap);
  if (PinTable *t = table_pool[log_cap]) {
    table_pool[log_cap] = t->next_free;
    for (uptr i = 0; i < t->cap(); i++) {
      atomic_store(&t->words[i], 0, memory_order_relaxed);
      t->counts[i] = 0;
    }
    t->used = t->live = 0;
    t->next_free = nullptr;
    return t;
  }
  uptr cap = 1ull << log_cap;
  uptr bytes = RoundUpTo(sizeof(PinTable) + cap * (sizeof(u64) * 2),
                         GetPageSizeCached());
  char *mem = static_cast<char *>(MmapOrDie(bytes, "cgosan pin table"));
  PinTable *t = reinterpret_cast<PinTable *>(mem);
  t->log_cap = log_cap;
  t->words = reinterpret_cast<atomic_uint64_t *>(mem + sizeof(PinTable));
  t->counts = reinterpret_cast<u64 *>(mem + sizeof(PinTable) + cap * sizeof(u64));
  return t;
}

bool IsPinned(uptr object_base) {
  ObjectInfo info;
  return FindObject(object_base, &info) && info.pinned;
}

uptr NumPinnedObjects() {
  return atomic_load(&pinned_objects, memory_order_acquire);
}

void ForEachPinnedObject(void (*fn)(uptr base, void *arg), void *arg) {
  for (;;) {
    u32 seq = atomic_load(&table_seq, memory_order_acquire);
    if (seq & 1) {
      internal_sched_yield();
      continue;
    }
    const PinTable *t = CurrentTable();
    if (t) {
      for (uptr i = 0; i < t->cap(); i++) {
        u64 w = atomic_load(&t->words[i], memory_order_relaxed);
        if (w & kPinnedBit)
          fn(w & ~kPinnedBit, arg);
      }
    }
    atomic_thread_fence(memory_order_acquire);
    if (atomic_load(&table_seq, memory_order_relaxed) == seq)
      return;
  }
}

// Under table_mu. Replaces the current table by one holding only its live
// entries, sized so that at most a quarter of it is used.
static void Rebuild(uptr extra) {
  PinTable *old = CurrentTable();
  uptr live = (old ? old->live : 0) + extra;
  uptr log_cap = kMinLogCap;
  while ((1ull << log_cap) < live * 4) log_cap++;
  atomic_fetch_add(&table_seq, 1, memory_order_relaxed);  // odd
  atomic_thread_fence(memory_order_release);
  PinTable *t = NewTable(log_cap);
  if (old) {
    for (uptr j = 0; j < old->cap(); j++) {
      u64 w = atomic_load(&old->words[j], memory_order_relaxed);
      if (!(w & kPinnedBit))
        continue;
      uptr mask = t->cap() - 1;
      uptr i = t->Hash(w & ~kPinnedBit) & mask;
      while (atomic_load(&t->words[i], memory_order_relaxed)) i = (i + 1) & mask;
      atomic_store(&t->words[i], w, memory_order_relaxed);
      t->counts[i] = old->counts[j];
      t->used++;
      t->live++;
    }
  }
  atomic_store(&cur_table, reinterpret_cast<uptr>(t), memory_order_release);
  atomic_fetch_add(&table_seq, 1, memory_order_release);  // even
  if (old) {
    old->next_free = table_pool[old->log_cap];
    table_pool[old->log_cap] = old;
  }
}

// Under table_mu: the slot holding base (pinned or tombstone), or the slot
// where it would go (the first tombstone on its probe, else the empty slot
// that ends it); *found says which. ~0 when the probe finds neither.
static uptr FindSlot(PinTable *t, uptr base, bool *found) {
  uptr mask = t->cap() - 1;
  uptr i = t->Hash(base) & mask;
  uptr reusable = ~(uptr)0;
  *found = false;
  for (uptr n = 0; n <= mask; n++, i = (i + 1) & mask) {
    u64 w = atomic_load(&t->words[i], memory_order_relaxed);
    if ((w & ~kPinnedBit) == base && w) {
      *found = true;
      return i;
    }
    if (w == 0)
      return reusable != ~(uptr)0 ? reusable : i;
    if (!(w & kPinnedBit) && reusable == ~(uptr)0)
      reusable = i;
  }
  return reusable;
}

static void PinObject(uptr base) {
  SpinMutexLock lock(&table_mu);
  PinTable *t = CurrentTable();
  if (!t) {
    Rebuild(1);
    t = CurrentTable();
  }
  bool found;
  uptr i = FindSlot(t, base, &found);
  if (!found && (i == ~(uptr)0 || (t->used + 1) * 4 > t->cap() * 3)) {
    Rebuild(1);
    t = CurrentTable();
    i = FindSlot(t, base, &found);
  }
  CHECK_NE(i, ~(uptr)0);
  if (found && t->counts[i]) {
    t->counts[i]++;
    return;
  }
  if (!found && atomic_load(&t->words[i], memory_order_relaxed) == 0)
    t->used++;
  t->live++;
  t->counts[i] = 1;
  atomic_store(&t->words[i], base | kPinnedBit, memory_order_release);
  atomic_fetch_add(&pinned_objects, 1, memory_order_release);
  SetObjectPinned(base, true);
}

// True when this was the object's last pin.
static bool UnpinObject(uptr base) {
  SpinMutexLock lock(&table_mu);
  PinTable *t = CurrentTable();
  CHECK(t);
  bool found;
  uptr i = FindSlot(t, base, &found);
  CHECK(found);
  CHECK_GT(t->counts[i], 0);
  if (--t->counts[i])
    return false;
  t->live--;
  SetObjectPinned(base, false);
  atomic_store(&t->words[i], base, memory_order_release);  // tombstone
  atomic_fetch_sub(&pinned_objects, 1, memory_order_release);
  return true;
}

// ---- Pinners --------------------------------------------------------------------

static constexpr u64 kLivePinner = 0x72656e6e6970676full;  // "ogpinner"
static constexpr u64 kFreedPinner = 0x646565726670676full;  // "ogpfreed"

struct Pin {
  uptr base;
  u32 stack;  // stack depot id of the cgosan_pin call
};

}  // namespace __cgosan

// The pinner itself: runtime memory, not managed (the pins it records are
// roots through the table above).
struct cgosan_pinner {
  __cgosan::u64 magic;
  __cgosan::StaticSpinMutex mu;
  __cgosan::Pin *pins;
  __cgosan::uptr npins, cap;
  cgosan_pinner *next_free;
};

namespace __cgosan {

// Pinners live in chunks the runtime maps and never unmaps (chunk k holds
// kFirstChunkPinners << k of them), so a pointer is known to be a pinner
// before anything is read through it: a wild pointer is reported, not
// followed. A freed pinner is marked dead and waits in a FIFO; it is reused
// only while more than kPinnerReuseDelay wait, so a stale pinner used soon
// after its free is still reported as freed, not taken for a new one.
static constexpr uptr kNumPinnerChunks = 32;
static constexpr uptr kFirstChunkPinners = 64;
static constexpr uptr kPinnerReuseDelay = 64;

static atomic_uintptr_t pinner_chunks[kNumPinnerChunks];  // set once
static StaticSpinMutex pinner_pool_mu;
static uptr pinners_made;                          // under pinner_pool_mu
static cgosan_pinner *free_pinners_head, *free_pinners_tail;
static uptr free_pinners;

static uptr ChunkPinners(uptr k) { return kFirstChunkPinners << k; }

// True when pn is a pinner slot of a chunk (live or freed).
static bool IsPinnerSlot(const cgosan_pinner *pn) {
  uptr p = reinterpret_cast<uptr>(pn);
  for (uptr k = 0; k < kNumPinnerChunks; k++) {
    uptr chunk = atomic_load(&pinner_chunks[k], memory_order_acquire);
    if (!chunk)
      return false;
    uptr offset = p - chunk;
    if (offset < ChunkPinners(k) * sizeof(cgosan_pinner))
      return offset % sizeof(cgosan_pinner) == 0;
  }
  return false;
}

// Under pinner_pool_mu: the next pinner never handed out.
static cgosan_pinner *FreshPinner() {
  uptr index = pinners_made++;
  uptr k = 0;
  while (index >= ChunkPinners(k)) index -= ChunkPinners(k++);
  CHECK_LT(k, kNumPinnerChunks);
  uptr chunk = atomic_load(&pinner_chunks[k], memory_order_relaxed);
  if (!chunk) {
    chunk = reinterpret_cast<uptr>(MmapOrDie(
        ChunkPinners(k) * sizeof(cgosan_pinner), "cgosan pinners"));
    atomic_store(&pinner_chunks[k], chunk, memory_order_release);
  }
  return reinterpret_cast<cgosan_pinner *>(chunk) + index;
}

static cgosan_pinner *NewPinner() {
  cgosan_pinner *pn;
  {
    SpinMutexLock lock(&pinner_pool_mu);
    if (free_pinners > kPinnerReuseDelay) {
      pn = free_pinners_head;
      free_pinners_head = pn->next_free;
      free_pinners--;
    } else {
      pn = FreshPinner();
    }
  }
  pn->next_free = nullptr;
  atomic_store(reinterpret_cast<atomic_uint64_t *>(&pn->magic), kLivePinner,
               memory_order_release);
  return pn;
}

static void ReleasePinner(cgosan_pinner *pn) {
  atomic_store(reinterpret_cast<atomic_uint64_t *>(&pn->magic), kFreedPinner,
               memory_order_release);
  SpinMutexLock lock(&pinner_pool_mu);
  pn->next_free = nullptr;
  if (free_pinners)
    free_pinners_tail->next_free = pn;
  else
    free_pinners_head = pn;
  free_pinners_tail = pn;
  free_pinners++;
}

// True when pn can be used; reports otherwise.
static bool CheckPinner(cgosan_pinner *pn, const char *fn) {
  if (UNLIKELY(!pn)) {
    ReportHere(kApiMisuse, kMsgNullPinner, fn);
    return false;
  }
  if (UNLIKELY(!IsPinnerSlot(pn))) {
    ReportHere(kApiMisuse, kMsgNotPinner, fn, static_cast<void *>(pn));
    return false;
  }
  u64 magic = atomic_load(reinterpret_cast<atomic_uint64_t *>(&pn->magic),
                          memory_order_acquire);
  if (UNLIKELY(magic != kLivePinner)) {
    ReportHere(kApiMisuse, kMsgDeadPinner, fn, static_cast<void *>(pn));
    return false;
  }
  return true;
}

// Under pn->mu.
static void AppendPin(cgosan_pinner *pn, uptr base, u32 stack) {
  AppendGrowing(&pn->pins, &pn->npins, &pn->cap, uptr{8}, Pin{base, stack});
}

// Objects an unpin left with no pin while an annotated call still retains
// them (hooks.find_retaining_call), reported once the pinner's lock is
// free: the first kMax (the records of any others are forgotten with them;
// four reports already say what to fix).
struct UnpinnedRetained {
  static constexpr uptr kMax = 4;
  uptr base[kMax];
  RetainingCall call[kMax];
  uptr found;
};

// Releases every pin of pn. Under pn->mu.
static void UnpinAll(cgosan_pinner *pn, UnpinnedRetained *retained) {
  for (uptr i = 0; i < pn->npins; i++) {
    uptr base = pn->pins[i].base;
    if (!UnpinObject(base) || !hooks.find_retaining_call)
      continue;
    RetainingCall call;
    if (!hooks.find_retaining_call(base, 1, /*forget=*/true, &call))
      continue;
    if (retained->found < UnpinnedRetained::kMax) {
      retained->base[retained->found] = base;
      retained->call[retained->found] = call;
    }
    retained->found++;
  }
  pn->npins = 0;
}

static void ReportUnpinnedRetained(const UnpinnedRetained &retained) {
  for (uptr i = 0; i < Min(retained.found, UnpinnedRetained::kMax); i++)
    hooks.report_unpinned_retained(retained.base[i], retained.call[i]);
}

// The objects pins hold, each counted once: a sorted copy of their bases
// (internal allocator, not malloc: this is the report path).
static uptr DistinctObjects(const Pin *pins, uptr n) {
  uptr *bases = static_cast<uptr *>(InternalAlloc(n * sizeof(uptr)));
  for (uptr i = 0; i < n; i++) bases[i] = pins[i].base;
  Sort(bases, n);
  uptr distinct = 0;
  for (uptr i = 0; i < n; i++) distinct += i == 0 || bases[i] != bases[i - 1];
  InternalFree(bases);
  return distinct;
}

static void ReportPinnerLeak(cgosan_pinner *pn) {
  ReportDesc r = {};
  r.kind = kPinnerLeak;
  SetMessage(&r, kMsgPinnerLeak, static_cast<void *>(pn),
             (usize)DistinctObjects(pn->pins, pn->npins), (usize)pn->npins);
  CaptureStack(&r.stack);
  uptr shown = pn->npins < ReportDesc::kMaxExtraStacks
                   ? pn->npins
                   : ReportDesc::kMaxExtraStacks;
  for (uptr i = 0; i < shown; i++) {
    const Pin &pin = pn->pins[i];
    ObjectInfo info;
    if (FindObject(pin.base, &info)) {
      char count[32] = "";
      if (info.count != 1)
        internal_snprintf(count, sizeof(count), "[%zu]", (usize)info.count);
      const char *name = info.type && info.type->name ? info.type->name : "?";
      AddNote(&r, kNoteLeakedPin, (usize)(i + 1), (usize)pin.base, name, count,
              (usize)info.size);
    } else {
      AddNote(&r, kNoteNoObject, (usize)(i + 1), (usize)pin.base);
    }
    AddExtraStack(&r, pin.stack, kTitlePinnedAt, (usize)(i + 1),
                  (usize)pin.base);
  }
  if (pn->npins > shown)
    AddNote(&r, kNoteMorePins, (usize)(pn->npins - shown));
  EmitReport(r);
}

// Under pinner_pool_mu: calls fn on every pinner ever handed out, live or
// freed.
static void ForEachPinnerMade(void (*fn)(cgosan_pinner *pn, bool child),
                              bool child) {
  uptr left = pinners_made;
  for (uptr k = 0; left; k++) {
    auto *chunk = reinterpret_cast<cgosan_pinner *>(
        atomic_load(&pinner_chunks[k], memory_order_relaxed));
    uptr n = Min(left, ChunkPinners(k));
    for (uptr i = 0; i < n; i++) fn(&chunk[i], child);
    left -= n;
  }
}

// The pool, then each pinner (a pin takes the pinner's lock, then the
// table's), then the table.
void LockPinnersForFork() {
  pinner_pool_mu.Lock();
  ForEachPinnerMade([](cgosan_pinner *pn, bool) { pn->mu.Lock(); }, false);
  table_mu.Lock();
}

void UnlockPinnersAfterFork(bool child) {
  ReleaseAfterFork(&table_mu, child);
  ForEachPinnerMade([](cgosan_pinner *pn, bool child) {
    ReleaseAfterFork(&pn->mu, child);
  }, child);
  ReleaseAfterFork(&pinner_pool_mu, child);
}

static NOINLINE void ReportPinStack(const G *g, uptr addr) {
  ReportDesc r = {};
  r.kind = kApiMisuse;
  SetMessage(&r, kMsgPinStack, reinterpret_cast<void *>(addr));
  CaptureStack(&r.stack);
  AddNote(&r, kNotePinStack, reinterpret_cast<void *>(addr));
  AppendGStackPlace(&r, g, addr);
  AddNote(&r, "\n");
  EmitReport(r);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" {

SANITIZER_INTERFACE_ATTRIBUTE
cgosan_pinner *cgosan_pinner_new(void) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  return NewPinner();
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_pin(cgosan_pinner *pn, const void *p) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  SafepointIfRunning();
  if (!CheckPinner(pn, "cgosan_pin"))
    return;
  uptr addr = reinterpret_cast<uptr>(p);
  if (UNLIKELY(!addr)) {
    ReportHere(kApiMisuse, kMsgPinNull);
    return;
  }
  if (IsZeroBase(addr))
    return;  // a zero-size object: always live, nothing to pin (Go 1.21)
  u32 stack = CaptureStackIdFast();
  // Off a G a collection may run at any moment: the object found must be
  // the object pinned, not a slot the sweep freed in between.
  ForeignHeapLock heap_lock(!IsRunningG(CurrentG()));
  ObjectInfo info;
  if (UNLIKELY(!FindObject(addr, &info))) {
    if (G *g = GStackOwner(addr))
      ReportPinStack(g, addr);
    else
      ReportHere(kApiMisuse, InArena(addr) ? kMsgPinNotLive : kMsgPinNotManaged,
                 p);
    return;
  }
  SpinMutexLock lock(&pn->mu);
  PinObject(info.base);
  AppendPin(pn, info.base, stack);
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_unpin(cgosan_pinner *pn) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  SafepointIfRunning();
  if (!CheckPinner(pn, "cgosan_unpin"))
    return;
  UnpinnedRetained retained = {};
  {
    SpinMutexLock lock(&pn->mu);
    UnpinAll(pn, &retained);
  }
  ReportUnpinnedRetained(retained);
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_pinner_free(cgosan_pinner *pn) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  SafepointIfRunning();
  if (!CheckPinner(pn, "cgosan_pinner_free"))
    return;
  UnpinnedRetained retained = {};
  {
    SpinMutexLock lock(&pn->mu);
    if (pn->npins) {
      ReportPinnerLeak(pn);  // returns when halt_on_error=0
      UnpinAll(pn, &retained);
    }
    InternalFree(pn->pins);
    pn->pins = nullptr;
    pn->cap = 0;
  }
  ReleasePinner(pn);
  ReportUnpinnedRetained(retained);
}

}  // extern "C"
