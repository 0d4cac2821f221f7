// guarded_pool.cpp — retention=guard samples objects at allocation, the way
// GWP-ASan does: each thread counts its allocations down (sample_countdown,
// one decrement and a branch on the allocation fast path) and, when the
// count expires, the allocation may be made in a slot of the guarded pool:
// a page of its own between guard pages, the object right-aligned in it.
// Lent to foreign code, such an object is watched by protecting its page
// (checkers/retention_watch.cpp) with no other object on it to fault.
// Preferred on purpose: objects from allocation sites whose objects were
// lent before (NoteLendingSite). An expired countdown at a site never seen
// lending waits for such a site's allocation, for a bounded number of
// allocations (kMaxDeferred), then samples whatever comes.
// Not sampled: objects over kMaxGuardedSize bytes, objects made off a G
// (foreign code's), and any while the 16 slots are taken (a miss, counted).
// Cost: nothing unless retention=guard; there, a slow path per expiry (a
// table look-up, the heap lock), and a slot of 8 KiB per sampled object.
#include "guarded_pool.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

namespace __cgosan {

uptr guarded_pool_start;
THREADLOCAL s64 sample_countdown;
// The thread's countdown has started (its first allocation starts it).
static THREADLOCAL bool sample_countdown_started;

// Free slots (Spans whose start lies in their slot's page), under heap_mu.
static Span *free_slots;
static uptr slots_in_use;
// Lends of each slot's object, by slot index.
static atomic_uint32_t slot_lends[kGuardedSlots];

static uptr SlotIndexOf(uptr addr) {
  return (addr - guarded_pool_start) / (2 * kPageSize);
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

void InitializeGuardedPool() {
  uptr start = AllocPoolPages(kGuardedPoolPages);
  Span *spans = static_cast<Span *>(InternalCalloc(kGuardedSlots, sizeof(Span)));
  for (uptr i = 0; i <= kGuardedSlots; i++)
    CHECK(MprotectNoAccess(start + 2 * i * kPageSize, kPageSize));
  Lock l(&heap_mu);
  for (uptr i = 0; i < kGuardedSlots; i++) {
    spans[i].start = start + (2 * i + 1) * kPageSize;
    spans[i].guarded = true;
    spans[i].next = free_slots;
    free_slots = &spans[i];
  }
  guarded_pool_start = start;
}

Span *TakeGuardedSlot(uptr size, bool noscan) {
  Lock l(&heap_mu);
  Span *s = free_slots;
  if (!s) {
    atomic_fetch_add(&pool_full, 1, memory_order_relaxed);
    return nullptr;
  }
  free_slots = s->next;
  slots_in_use++;
  uptr slot_end = RoundDownTo(s->start, kPageSize) + kPageSize;
  uptr base = RoundDownTo(slot_end - SlotSizeFor(size), kGuardedAlign);
  AddGuardedSpanLocked(s, base, slot_end, noscan);
  atomic_store(&slot_lends[SlotIndexOf(base)], 0, memory_order_relaxed);
  atomic_fetch_add(&sampled, 1, memory_order_relaxed);
  return s;
}

void ReturnGuardedSlot(Span *s) {
  s->next = free_slots;
  free_slots = s;
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
