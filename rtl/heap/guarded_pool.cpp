// guarded_pool.cpp — retention=guard samples objects at allocation, the way
// GWP-ASan does: each thread counts its allocations down (sample_countdown,
// one decrement and a branch on the allocation fast path) and, when the
// count expires, the allocation may be made in a slot of the guarded pool:
// a page of its own between guard pages (or 8 pages, for an object a page
// cannot hold), the object right-aligned in it.
// Lent to foreign code, such an object is watched by protecting its page
// (checkers/retention_watch.cpp) with no other object on it to fault.
// Preferred on purpose: objects from allocation sites whose objects were
// lent before (NoteLendingSite). An expired countdown at a site never seen
// lending waits for such a site's allocation, for a bounded number of
// allocations (kMaxDeferred), then samples whatever comes.
// Not sampled: objects over kMaxGuardedSize bytes, and any while the slots
// of its kind are taken (a miss, counted). Objects foreign code makes off a
// G are (heap_alloc.cpp's HeapAlloc asks, under the shared cache's lock).
// Cost: nothing unless retention=guard; there, a slow path per expiry (a
// table look-up, the heap lock), and a slot of 8 KiB (64 KiB for a large
// object) per sampled object.
#include "guarded_pool.h"

#include "gc.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

namespace __cgosan {

uptr guarded_pool_start;
THREADLOCAL s64 sample_countdown;
// The thread's countdown has started (its first allocation starts it).
static THREADLOCAL bool sample_countdown_started;

// Free slots (Spans whose start lies in their slot), under heap_mu: of a
// page, and large.
static Span *free_slots, *free_large_slots;
static uptr slots_in_use;
// Lends of each slot's object, by slot index.
static atomic_uint32_t slot_lends[kAllGuardedSlots];

// The layout: a guard page, then each small slot and a guard page (pages
// 1, 3... 31), then each large slot and a guard page after it.
static constexpr uptr kFirstLargePage = 2 * kGuardedSlots + 1;
static constexpr uptr kLargeStride = kLargeGuardedPages + 1;

static uptr SlotIndexOf(uptr addr) {
  uptr page = (addr - guarded_pool_start) >> kPageShift;
  if (page < kFirstLargePage)
    return page / 2;
  return kGuardedSlots + (page - kFirstLargePage) / kLargeStride;
}
static uptr SlotStart(uptr index) {
  uptr page = index < kGuardedSlots
                  ? 2 * index + 1
                  : kFirstLargePage + (index - kGuardedSlots) * kLargeStride;
  return guarded_pool_start + (page << kPageShift);
}
static uptr SlotEnd(uptr index) {
  uptr pages = index < kGuardedSlots ? 1 : kLargeGuardedPages;
  return SlotStart(index) + (pages << kPageShift);
}
static atomic_uint64_t sampled, pool_full, deferred;

// Lending sites, by allocation stack id: direct-mapped, one id a bucket (a
// later site takes the bucket over: the preference is a hint, never a
// promise). Written by any thread that lends, read at expiry.
static constexpr uptr kLendingSiteBuckets = 256;
static atomic_uint32_t lending_sites[kLendingSiteBuckets];
static atomic_uint8_t any_lending_site;
// An expired countdown waits for a lending site for at most this many
// allocations (and at most half the sampling interval).
static constexpr s64 kMaxDeferred = 16;

static uptr LendingSiteBucket(u32 stack) {
  return (stack * 0x9E3779B1u) >> 24;  // 8 bits: kLendingSiteBuckets
}

void NoteLendingSite(u32 alloc_stack) {
  if (!alloc_stack)
    return;
  atomic_uint32_t *b = &lending_sites[LendingSiteBucket(alloc_stack)];
  if (atomic_load(b, memory_order_relaxed) != alloc_stack)
    atomic_store(b, alloc_stack, memory_order_relaxed);
  if (!atomic_load(&any_lending_site, memory_order_relaxed))
    atomic_store(&any_lending_site, 1, memory_order_relaxed);
}

static bool IsLendingSite(u32 stack) {
  return stack &&
         atomic_load(&lending_sites[LendingSiteBucket(stack)],
                     memory_order_relaxed) == stack;
}

// Uniform in [0, 2 * (rate - 1)]: one allocation in rate on average, never
// in step with a program's own period (GWP-ASan's reason). splitmix64 of a
// shared counter: the slow path only.
static s64 NextCountdown(u32 rate) {
  static atomic_uint64_t state;
  u64 z = atomic_fetch_add(&state, 0x9E3779B97F4A7C15ull, memory_order_relaxed);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<s64>(z % (2 * static_cast<u64>(rate) - 1));
}

bool SampleNow(u32 stack) {
  u32 rate = flags()->retention_sample_rate;
  if (UNLIKELY(!sample_countdown_started)) {
    // The thread's first allocation: its countdown starts (rate 1: it is
    // one).
    sample_countdown_started = true;
    if (rate > 1) {
      sample_countdown = NextCountdown(rate);
      return false;
    }
  }
  s64 overdue = -sample_countdown;  // allocations since it expired, >= 1
  bool now = rate == 1 || IsLendingSite(stack) ||
             !atomic_load(&any_lending_site, memory_order_relaxed) ||
             overdue > Min<s64>(kMaxDeferred, rate / 2);
  if (!now) {
    atomic_fetch_add(&deferred, 1, memory_order_relaxed);
    return false;  // still expired: the next allocation is asked
  }
  sample_countdown = NextCountdown(rate);
  return true;
}

static Span **FreeListOf(uptr index) {
  return index < kGuardedSlots ? &free_slots : &free_large_slots;
}

void InitializeGuardedPool() {
  uptr start = AllocPoolPages(kGuardedPoolPages);
  guarded_pool_start = start;
  Span *spans =
      static_cast<Span *>(InternalCalloc(kAllGuardedSlots, sizeof(Span)));
  CHECK(MprotectNoAccess(start, kPageSize));  // before the first slot
  for (uptr i = 0; i < kAllGuardedSlots; i++)
    CHECK(MprotectNoAccess(SlotEnd(i), kPageSize));
  Lock l(&heap_mu);
  for (uptr i = kAllGuardedSlots; i-- > 0;) {
    spans[i].start = SlotStart(i);
    spans[i].guarded = true;
    spans[i].next = *FreeListOf(i);
    *FreeListOf(i) = &spans[i];
  }
}

Span *TakeGuardedSlot(uptr size, bool noscan) {
  Lock l(&heap_mu);
  Span **list = size <= kMaxSmallGuardedSize ? &free_slots : &free_large_slots;
  Span *s = *list;
  if (!s) {
    atomic_fetch_add(&pool_full, 1, memory_order_relaxed);
    return nullptr;
  }
  *list = s->next;
  slots_in_use++;
  uptr index = SlotIndexOf(s->start);
  uptr slot_end = SlotEnd(index);
  uptr base = RoundDownTo(slot_end - SlotSizeFor(size), kGuardedAlign);
  AddGuardedSpanLocked(s, base, slot_end, noscan);
  atomic_store(&slot_lends[index], 0, memory_order_relaxed);
  atomic_fetch_add(&sampled, 1, memory_order_relaxed);
  // Nothing may point before the object: what a bad pointer reads there
  // is poison, not an earlier object's bytes.
  uptr slack_start = SlotStart(index);
  HeapFill(reinterpret_cast<void *>(slack_start), kPoison, base - slack_start);
  return s;
}

void ReturnGuardedSlot(Span *s) {
  Span **list = FreeListOf(SlotIndexOf(s->start));
  s->next = *list;
  *list = s;
  slots_in_use--;
}

u32 CountGuardedLend(uptr base) {
  return atomic_fetch_add(&slot_lends[SlotIndexOf(base)], 1,
                          memory_order_relaxed) + 1;
}

GuardedPoolStats GetGuardedPoolStats() {
  Lock l(&heap_mu);
  return {atomic_load(&sampled, memory_order_relaxed),
          atomic_load(&pool_full, memory_order_relaxed),
          atomic_load(&deferred, memory_order_relaxed), slots_in_use};
}

}  // namespace __cgosan
