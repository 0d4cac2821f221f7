// heap_alloc.cpp — allocating managed objects, and the heap's C API.
//
// A G allocates from its M's cache: one span per size class, taken from the
// central lists and used without a lock until it is full (Go's mcache). Code
// that is not running on a G (foreign code, including foreign code inside a
// cgocall, whose G is parked) allocates from one shared cache under a lock:
// the collector may be scanning a parked G's M at that moment, so its cache
// is not touched. Every object is zeroed; its type, element count and
// allocation site go into its span's per-slot facts before it is published
// (the span's free_index raised past a small one, a large one's alloc bit
// set), so FindObject from another thread sees either no object or a whole
// one.
//
// Local references (JNI's name). Foreign code is not stopped by the
// collector, and an object it has just made is held only in its registers,
// where no collector looks: between cgosan_new returning and the object being
// rooted (a root slot, a pin, a handle, a store into reachable managed
// memory) it could be freed. So each object foreign code makes is a root of
// its thread's M for a while: inside a cgocall, until that cgocall returns
// (its frame is then on the G's stack, or the object is lost to the program
// anyway); on a thread with no managed code below, until the thread's next
// allocation, since nothing else marks the end of what it is doing. A thread
// without an M gets one for this (the one a callback would bind). The list
// is appended to under the lock the collector holds while it marks, so an
// object is either made before a collection and marked by it, or made after.
#include "fork.h"
#include "gc.h"
#include "growing_array.h"
#include "guarded_pool.h"
#include "heap_internal.h"
#include "hooks.h"
#include "report.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

namespace __cgosan {

THREADLOCAL bool heap_fills_memory __attribute__((tls_model("initial-exec")));

static constexpr char kMsgNullType[] = "%s called with a NULL type";
static constexpr char kMsgArrayTooLarge[] =
    "cgosan_new_array(type '%s' of %zu bytes, n=%zu): the array would be larger "
    "than the whole managed heap (%zu GiB)";
static constexpr char kMsgObjectTooLarge[] =
    "cgosan_new(type '%s' of %zu bytes): the object would be larger than the "
    "whole managed heap (%zu GiB)";
static constexpr char kMsgNullRoot[] = "%s called with a NULL slot";
static constexpr char kMsgUnreadableRoot[] =
    "cgosan_add_root called with %p, which is not readable memory (the "
    "collector reads every root slot at each collection); the slot was not "
    "added";
static constexpr char kMsgMisalignedRoot[] =
    "cgosan_add_root called with %p, which is not aligned to %zu bytes (a "
    "pointer slot must be: the collector loads it as one); the slot was not "
    "added";
static constexpr char kMsgNotARoot[] =
    "cgosan_remove_root called with %p, which is not a registered root slot "
    "(never added with cgosan_add_root, or already removed)";

// Every zero-size allocation returns this one address (Go's zerobase): such
// an object has no bytes to read or write, so nothing to move or free. It
// takes no slot, is never collected, counts as pinned (pinning it does
// nothing), and lies outside the arena, where no pointer check looks.
// Read-only: a write through it is an overflow, and faults.
alignas(16) static const u8 kZeroBase[16] = {};

bool IsZeroBase(uptr addr) { return addr == reinterpret_cast<uptr>(kZeroBase); }

static Mutex shared_cache_mu;
static HeapCache shared_cache;  // for allocations off a G (guarded by the mutex)

static StaticSpinMutex roots_mu;
static void ***roots;  // registered root slots (guarded by roots_mu)
static uptr roots_len, roots_cap;

// Takes the first slot s->free_cache says is free (it must say one is):
// Go's nextFreeFast. The slot is the span's until PublishSmall raises
// free_index past it; free_cache is already relative to that.
static ALWAYS_INLINE uptr TakeFromFreeCache(Span *s) {
  uptr skip = LeastSignificantSetBitIndex(s->free_cache);
  uptr index = atomic_load(&s->free_index, memory_order_relaxed) + skip;
  s->free_cache = (s->free_cache >> skip) >> 1;  // skip + 1 may be 64
  return index;
}

// Takes the next free slot of the cached span s at or above free_index, from
// the alloc bits (s->free_cache is empty); nelems if there is none. Refills
// free_cache with the rest of that bitmap word.
static uptr TakeNextFreeSlot(Span *s) {
  for (uptr i = atomic_load(&s->free_index, memory_order_relaxed); i < s->nelems;) {
    uptr w = i / 64;
    u64 free = ~atomic_load(&s->alloc_bits[w], memory_order_relaxed);
    free &= ~((1ull << (i % 64)) - 1);  // slots below i in this word are taken
    if (s->nelems - w * 64 < 64)
      free &= (1ull << (s->nelems - w * 64)) - 1;  // no slots past nelems
    if (free) {
      // Slots below i are in use: their bits are set, or they were taken.
      atomic_store(&s->free_index, static_cast<u32>(i), memory_order_relaxed);
      s->free_cache = free >> (i % 64);  // bit k: slot i + k
      return TakeFromFreeCache(s);
    }
    i = (w + 1) * 64;
  }
  return s->nelems;
}

// The object in slot index is whole once free_index is past it (SlotInUse):
// one store the path makes anyway, where a bit would cost a read-modify-write.
static ALWAYS_INLINE void PublishSmall(Span *s, uptr index, const cgosan_type *t,
                                       uptr count, u32 stack) {
  s->meta[index] = ObjectMeta{t, static_cast<u32>(count), stack};
  atomic_store(&s->free_index, static_cast<u32>(index + 1), memory_order_release);
}

static void PublishLarge(Span *s, const cgosan_type *t, uptr count, u32 stack) {
  s->large_meta = ObjectMeta{t, 0, stack};
  s->large_count = count;
  atomic_store(&s->alloc_bits[0], 1, memory_order_release);
}

// Zeroes the object in slot index of the small span s and publishes it.
static NOINLINE void *Zeroed(Span *s, uptr index, uptr size, const cgosan_type *t,
                             uptr count, u32 stack) {
  void *p = reinterpret_cast<void *>(s->SlotBase(index));
  if (UNLIKELY(hooks.heap_makes_object))
    hooks.heap_makes_object(reinterpret_cast<uptr>(p), size);
  HeapFill(p, 0, size);
  PublishSmall(s, index, t, count, stack);
  return p;
}

// The same inline, for objects of at most kMaxInlineZero bytes: two or four
// overlapping 16-byte stores, or two 8-byte ones (memset's own trick), and
// no call, so the allocation fast path keeps its values in caller-saved
// registers. The bytes up to the next multiple of 8 are zeroed too: they are
// in the slot (every class size is a multiple of 8).
constexpr uptr kMaxInlineZero = 64;
static ALWAYS_INLINE void *ZeroedInline(Span *s, uptr index, uptr size,
                                        const cgosan_type *t, uptr count,
                                        u32 stack) {
  typedef u64 Word __attribute__((aligned(1)));
  typedef u64 Pair __attribute__((vector_size(16), aligned(1)));
  char *p = reinterpret_cast<char *>(s->SlotBase(index));
  uptr n = RoundUpTo(size, sizeof(u64));
  if (n >= 16) {
    *reinterpret_cast<Pair *>(p) = Pair{};
    *reinterpret_cast<Pair *>(p + n - 16) = Pair{};
    if (n > 32) {
      *reinterpret_cast<Pair *>(p + 16) = Pair{};
      *reinterpret_cast<Pair *>(p + n - 32) = Pair{};
    }
  } else {
    *reinterpret_cast<Word *>(p) = 0;
    *reinterpret_cast<Word *>(p + n - 8) = 0;
  }
  PublishSmall(s, index, t, count, stack);
  return p;
}

// Takes a free slot of the span class from cache; the slot is not yet
// published. The fast path is inline.
static NOINLINE uptr TakeSlotSlow(HeapCache *cache, u32 span_class, Span **span_out);

static ALWAYS_INLINE uptr TakeSlot(HeapCache *cache, u32 span_class,
                                   Span **span_out) {
  Span *s = cache->spans[span_class];
  if (LIKELY(s && s->free_cache)) {
    *span_out = s;
    return TakeFromFreeCache(s);
  }
  return TakeSlotSlow(cache, span_class, span_out);
}

static uptr TakeSlotSlow(HeapCache *cache, u32 span_class, Span **span_out) {
  Span *s = cache->spans[span_class];
  for (;;) {
    if (s) {
      uptr index = TakeNextFreeSlot(s);
      if (index < s->nelems) {
        *span_out = s;
        return index;
      }
      s->cached = false;  // full: it rejoins a list when a collection frees a slot
    }
    s = cache->spans[span_class] = AllocSmallSpan(span_class);
  }
}

// The fast path's way out when the cached span's free_cache is empty: the
// whole rest of the allocation, so no value of the fast path outlives a call.
static NOINLINE void *AllocAfterRefill(HeapCache *cache, u32 span_class,
                                       const cgosan_type *t, uptr count,
                                       u32 stack) {
  Span *s;
  uptr index = TakeSlotSlow(cache, span_class, &s);
  return Zeroed(s, index, t->size * count, t, count, stack);
}

void DivertAllocationsFrom(uptr addr) {
  M *m = CurrentM();
  Span *s = SpanOf(addr);
  if (m && m->heap_cache && s && s->size_class &&
      m->heap_cache->spans[SpanClassOf(s->size_class, s->noscan)] == s)
    s->free_cache = 0;  // the next allocation refills it, through Zeroed
}

static HeapCache *OwnCache(M *m) {
  if (!m->heap_cache) {
    // Aligned as its type asks (16: the remembered frames are vectors, read
    // with aligned loads); InternalCalloc promises 8.
    void *mem = InternalAlloc(sizeof(HeapCache), nullptr, alignof(HeapCache));
    internal_memset(mem, 0, sizeof(HeapCache));
    m->heap_cache = static_cast<HeapCache *>(mem);
    for (AllocSiteMemo &site : m->heap_cache->sites) site.next = &site;
    m->alloc_site = &m->heap_cache->sites[0];  // remembers nothing yet
  }
  return m->heap_cache;
}

void FlushHeapCache(M *m) {
  {
    Lock l(&shared_cache_mu);
    m->nlocals = 0;
  }
  HeapCache *cache = m->heap_cache;
  if (!cache)
    return;
  for (u32 c = 0; c < kNumSpanClasses; c++) {
    Span *s = cache->spans[c];
    cache->spans[c] = nullptr;
    if (s && s->cached)
      ReturnCachedSpan(s);
  }
}

ForeignHeapLock::ForeignHeapLock(bool take) : taken_(take) {
  if (take)
    shared_cache_mu.Lock();
}

ForeignHeapLock::~ForeignHeapLock() {
  if (taken_)
    shared_cache_mu.Unlock();
}

void LockHeap() {
  shared_cache_mu.Lock();
  heap_mu.Lock();
}

void UnlockHeap() {
  heap_mu.Unlock();
  shared_cache_mu.Unlock();
}

// The collector's order (LockHeap), then the root slots, which the
// collector reads under it.
void LockHeapForFork() {
  LockHeap();
  roots_mu.Lock();
}

void UnlockHeapAfterFork(bool child) {
  ReleaseAfterFork(&roots_mu, child);
  ReleaseAfterFork(&heap_mu, child);
  ReleaseAfterFork(&shared_cache_mu, child);
}

// Under shared_cache_mu: p is a root of m (a local reference) until the
// cgocall m runs foreign code in returns (cgosan_cgocall sets nlocals back),
// or, with no G below (m->curg null), until m's thread allocates again.
static void KeepAsLocal(M *m, uptr p) {
  if (!m->curg)
    m->nlocals = 0;
  AppendGrowing(&m->locals, &m->nlocals, &m->locals_cap, u32{16}, p);
}

// A zeroed object of size bytes (not 0) from cache, or a span of its own,
// with room past its end for its end pointer (SlotSizeFor).
static void *MakeObject(HeapCache *cache, const cgosan_type *t, uptr count,
                        uptr size, u32 stack) {
  uptr slot_size = SlotSizeFor(size);
  u32 size_class = SizeClassOf(slot_size);
  bool noscan = IsNoScan(t);
  Span *s;
  if (size_class == 0) {
    // Fresh pages read zero already (AllocLargeSpan), and stay untouched,
    // unfaulted, until the program writes them; so do the pages of dirty
    // ones that are not resident (ScrubPages). The padding is no one's
    // bytes: a page of it alone is not written.
    s = AllocLargeSpan(slot_size, noscan);
    if (s->dirty)
      ScrubPages(s->start, RoundUpTo(size, kPageSize), 0);
    PublishLarge(s, t, count, stack);
    return reinterpret_cast<void *>(s->start);
  }
  uptr index = TakeSlot(cache, SpanClassOf(size_class, noscan), &s);
  return Zeroed(s, index, size, t, count, stack);
}

// An object made at the site stack in a slot of the guarded pool, when the
// sampler takes this allocation (its thread's countdown expired) and a slot
// is free; else null.
static void *MakeSampled(const cgosan_type *t, uptr count, uptr size,
                         u32 stack) {
  if (size > kMaxGuardedSize || !SampleNow(stack))
    return nullptr;
  Span *s = TakeGuardedSlot(size, IsNoScan(t));
  if (!s)
    return nullptr;
  HeapFill(reinterpret_cast<void *>(s->start), 0, s->elem_size);
  PublishLarge(s, t, count, stack);
  return reinterpret_cast<void *>(s->start);
}

static NOINLINE void *ReportObjectTooLarge(const cgosan_type *t);
static NOINLINE void *ReportMalformedAllocType(const cgosan_type *t);

void *HeapAlloc(const cgosan_type *t, uptr count, uptr entry_frame) {
  EnsureInitialized();
  uptr size = t->size * count;
  // cgosan_new_array checked its product; a type's own size is checked here,
  // off the fast path (which takes only small sizes).
  if (UNLIKELY(size > kArenaSize))
    return ReportObjectTooLarge(t);
  if (UNLIKELY(!CanAllocateArrayOf(t, count)))
    return ReportMalformedAllocType(t);
  if (size == 0)
    return const_cast<u8 *>(kZeroBase);
  M *m = CurrentM();
  G *g = m ? m->curg : nullptr;
  bool on_g = IsRunningG(g);
  if (on_g) {
    Safepoint(g);
    HeapCache *cache = OwnCache(m);  // before the stack: its memos are in it
    return MakeObject(cache, t, count, size, AllocStackId(entry_frame, g, m));
  }
  // Off a G the object is made under the lock, so the collector (which holds
  // it) never sees a half-made one, nor frees a large span before its object
  // is published, and becomes a local reference under it (see the top). A
  // running G needs no lock: it reaches no safepoint between.
  u32 stack = CallerStackId(entry_frame);
  // retention=guard samples foreign code's objects too: a thread with an M
  // counted this allocation down on the fast path; one with none counts it
  // here.
  bool sampling = retention_mode == kRetentionGuard && guarded_pool_start;
  if (!m) {
    if (sampling)
      sample_countdown--;
    int user_errno = GetErrno();
    m = AcquireM(/*extra=*/true);
    SetErrno(user_errno);
  }
  Lock l(&shared_cache_mu);
  void *p = nullptr;
  if (UNLIKELY(sampling && sample_countdown < 0))
    p = MakeSampled(t, count, size, stack);
  if (!p)
    p = MakeObject(&shared_cache, t, count, size, stack);
  KeepAsLocal(m, reinterpret_cast<uptr>(p));
  return p;
}

// A site makes the same type again and again, mostly of the same count, so
// its memo keeps the span class of the type and count it last made, and the
// inline path compares a pointer and a count where it would read three
// fields of the type and the size-class table (and check that the type is
// well formed). Kept by the type's address, the class is right while the
// type there is the same. A type outlives every object made of it, and the
// site made one since the last collection, which has not been freed; every
// collection makes the memos forget their types (ForgetSiteTypes), so a type
// freed once its objects were, and a new one made at its address, is never
// taken for the old.
// True when the site knows t and count (learning them now if it made other
// ones last); false when t cannot be allocated (for the caller to report).
// Inline in full: taking the learning out of line cost the fast path 0.3 ns,
// from its layout alone.
static ALWAYS_INLINE bool SiteKnowsType(AllocSiteMemo *site, const cgosan_type *t,
                                        uptr count, uptr size) {
  if (LIKELY(site->type == t && site->count == count))
    return true;
  if (UNLIKELY(!CanAllocateArrayOf(t, count)))
    return false;
  site->type = t;
  site->count = count;
  site->span_class = SpanClassOf(SizeClassOf(SlotSizeFor(size)), IsNoScan(t));
  return true;
}

// A small object of a running G, made at an allocation site whose stack is
// known: the slot, inline while the cached span of its class has one in
// free_cache. Every call it makes is its last act (a tail call).
static ALWAYS_INLINE void *AllocSmall(HeapCache *cache, u32 span_class,
                                      const cgosan_type *t, uptr count, uptr size,
                                      u32 stack) {
  Span *s = cache->spans[span_class];
  if (UNLIKELY(!s || !s->free_cache))
    return AllocAfterRefill(cache, span_class, t, count, stack);
  uptr index = TakeFromFreeCache(s);
  if (size > kMaxInlineZero)
    return Zeroed(s, index, size, t, count, stack);
  return ZeroedInline(s, index, size, t, count, stack);
}

// The fast path's way out when the allocation site is not the one that
// followed the M's last site last time: another remembered site, or a new
// walk. The fast path's other conditions hold.
static NOINLINE void *AllocAtOtherSite(const cgosan_type *t, uptr count,
                                       uptr entry_frame) {
  M *m = CurrentM();
  u32 stack = AllocStackId(entry_frame, m->curg, m);
  uptr size = t->size * count;
  AllocSiteMemo *site = m->alloc_site;
  if (UNLIKELY(!SiteKnowsType(site, t, count, size)))
    return ReportMalformedAllocType(t);
  return AllocSmall(m->heap_cache, site->span_class, t, count, size, stack);
}

// The same for an object of a running G; off a G, HeapAlloc asks.
static void *AllocSampled(M *m, const cgosan_type *t, uptr count,
                          uptr entry_frame) {
  G *g = m->curg;
  uptr size = t->size * count;
  if (!IsRunningG(g) || size == 0 || size > kMaxGuardedSize ||
      !CanAllocateArrayOf(t, count))
    return nullptr;
  Safepoint(g);
  OwnCache(m);  // before the stack: its memos are in it
  return MakeSampled(t, count, size, AllocStackId(entry_frame, g, m));
}

// The thread's sample countdown expired: the allocation is sampled, or made
// as usual. Outside retention=guard the countdown is set out of reach; before
// the pool is ready (allocations of other load-time constructors) it stays
// expired.
static constexpr s64 kNeverSample = static_cast<s64>(~0ull >> 1);
static NOINLINE void *AllocAtExpiry(const cgosan_type *t, uptr count,
                                    uptr entry_frame) {
  if (retention_mode != kRetentionGuard)
    sample_countdown = kNeverSample;
  else if (guarded_pool_start)
    if (void *p = AllocSampled(CurrentM(), t, count, entry_frame))
      return p;
  return HeapAlloc(t, count, entry_frame);
}

// The common case, inline in the entry points: a running G with a heap
// cache, no safepoint due, the allocation site that followed the M's last
// one last time (M::alloc_site->next), a small object. Anything else takes
// HeapAlloc, which does the same work the long way (and initializes the
// runtime: a thread has an M only once it is initialized).
static ALWAYS_INLINE void *HeapAllocFast(const cgosan_type *t, uptr count,
                                         uptr entry_frame) {
  M *m = CurrentM();
  if (UNLIKELY(!m))
    return HeapAlloc(t, count, entry_frame);
  if (UNLIKELY(--sample_countdown < 0))
    return AllocAtExpiry(t, count, entry_frame);
  G *g = m->curg;
  HeapCache *cache = m->heap_cache;
  uptr size = t->size * count;
  if (UNLIKELY(!IsRunningG(g) || !cache || SafepointDue() ||
               size - 1 >= kMaxSmallSize - 1))  // 0, or no small slot holds it
    return HeapAlloc(t, count, entry_frame);
  AllocSiteMemo *site = m->alloc_site->next;
  if (UNLIKELY(!SameSite(*site, entry_frame, g)))
    return AllocAtOtherSite(t, count, entry_frame);
  m->alloc_site = site;
  if (UNLIKELY(!SiteKnowsType(site, t, count, size)))
    return ReportMalformedAllocType(t);
  return AllocSmall(cache, site->span_class, t, count, size, site->id);
}

void ForgetSiteTypes() {
  ForEachM([](M *m, void *) {
    if (m->heap_cache)
      for (AllocSiteMemo &site : m->heap_cache->sites) site.type = nullptr;
  }, nullptr);
}

void AddRoot(void **slot) {
  SpinMutexLock l(&roots_mu);
  AppendGrowing(&roots, &roots_len, &roots_cap, uptr{64}, slot);
}

bool RemoveRoot(void **slot) {
  SpinMutexLock l(&roots_mu);
  for (uptr i = roots_len; i-- > 0;) {
    if (roots[i] == slot) {
      roots[i] = roots[--roots_len];
      return true;
    }
  }
  return false;
}

bool IsRootSlot(uptr addr) {
  SpinMutexLock l(&roots_mu);
  for (uptr i = 0; i < roots_len; i++) {
    uptr slot = reinterpret_cast<uptr>(roots[i]);
    if (addr >= slot && addr < slot + sizeof(void *))
      return true;
  }
  return false;
}

void ForEachRoot(void (*fn)(void **slot, void *arg), void *arg) {
  SpinMutexLock l(&roots_mu);
  for (uptr i = 0; i < roots_len; i++) fn(roots[i], arg);
}

// The reports of bad arguments to the allocation entry points, out of line
// and tail-called: the entry points then keep no register of their own to
// save, only the frame pointer.
static NOINLINE void *ReportNullType(const char *api) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  ReportHere(kApiMisuse, kMsgNullType, api);
  return nullptr;
}

static NOINLINE void *ReportObjectTooLarge(const cgosan_type *t) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  ReportHere(kApiMisuse, kMsgObjectTooLarge, t->name ? t->name : "?",
             (usize)t->size, (usize)(kArenaSize >> 30));
  return nullptr;
}

static NOINLINE void *ReportMalformedAllocType(const cgosan_type *t) {
  ErrnoSaver errno_saver;
  ReportMalformedType("given to the managed heap", t);
  return nullptr;
}

static NOINLINE void *ReportArrayTooLarge(const cgosan_type *elem, uptr n) {
  EnsureInitialized();
  ErrnoSaver errno_saver;
  ReportHere(kApiMisuse, kMsgArrayTooLarge, elem->name ? elem->name : "?",
             (usize)elem->size, (usize)n, (usize)(kArenaSize >> 30));
  return nullptr;
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" {

SANITIZER_INTERFACE_ATTRIBUTE
void *cgosan_new_array(const cgosan_type *elem, size_t n) {
  if (UNLIKELY(!elem))
    return ReportNullType("cgosan_new_array");
  uptr bytes;
  if (UNLIKELY(__builtin_mul_overflow(elem->size, n, &bytes) || bytes > kArenaSize))
    return ReportArrayTooLarge(elem, n);
  return HeapAllocFast(elem, n, reinterpret_cast<uptr>(__builtin_frame_address(0)));
}

SANITIZER_INTERFACE_ATTRIBUTE
void *cgosan_new(const cgosan_type *t) {
  if (UNLIKELY(!t))
    return ReportNullType("cgosan_new");
  return HeapAllocFast(t, 1, reinterpret_cast<uptr>(__builtin_frame_address(0)));
}

SANITIZER_INTERFACE_ATTRIBUTE
int cgosan_is_managed(const void *p) {
  ObjectInfo info;
  uptr addr = reinterpret_cast<uptr>(p);
  return IsZeroBase(addr) || (arena_start && FindObject(addr, &info));
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_add_root(void **slot) {
  EnsureInitialized();
  if (UNLIKELY(!slot)) {
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgNullRoot, "cgosan_add_root");
    return;
  }
  if (UNLIKELY(reinterpret_cast<uptr>(slot) % alignof(void *))) {
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgMisalignedRoot, static_cast<void *>(slot),
               (usize)alignof(void *));
    return;
  }
  // Checked now, once (a system call): a slot that cannot be read would
  // crash every collection, far from the call that added it.
  if (UNLIKELY(!IsReadable(reinterpret_cast<uptr>(slot), sizeof(*slot)))) {
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgUnreadableRoot, static_cast<void *>(slot));
    return;
  }
  AddRoot(slot);
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_remove_root(void **slot) {
  EnsureInitialized();
  if (UNLIKELY(!slot)) {
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgNullRoot, "cgosan_remove_root");
    return;
  }
  if (UNLIKELY(!RemoveRoot(slot))) {
    ErrnoSaver errno_saver;
    ReportHere(kApiMisuse, kMsgNotARoot, static_cast<void *>(slot));
  }
}

}  // extern "C"
