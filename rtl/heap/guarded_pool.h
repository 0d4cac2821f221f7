// guarded_pool.h — retention=guard's sample: a few managed objects, picked
// at allocation, each made alone in a page of its own between guard pages,
// so that the retention watch can protect it without touching any other
// object (checkers/retention_watch.cpp). The pool is part of the heap: its
// pages are arena pages, and each slot in use is a span of one object that
// the page map, FindObject, the pins, the collector's mark and sweep and
// the quarantine see like any large object's (design notes, issue 20).
#ifndef CGOSAN_RTL_HEAP_GUARDED_POOL_H
#define CGOSAN_RTL_HEAP_GUARDED_POOL_H

#include "heap_internal.h"

namespace __cgosan {

// Sixteen slots of a page, as GWP-ASan's default: a sample is worth having
// while it is lent, and a slot is busy until its object dies (and one
// collection more, in quarantine); 16 keep their resident memory at 128 KiB.
constexpr uptr kGuardedSlots = 16;
// And four of kLargeGuardedPages pages, for the objects a page cannot hold
// (a buffer of a few KiB to 64 KiB, the usual size handed to a library's
// read or write), resident only while used.
constexpr uptr kLargeGuardedSlots = 4;
constexpr uptr kLargeGuardedPages = 8;
constexpr uptr kAllGuardedSlots = kGuardedSlots + kLargeGuardedSlots;
// An object is right-aligned in its slot, 16-aligned, with room for its end
// pointer (SlotSizeFor).
constexpr uptr kGuardedAlign = 16;
constexpr uptr kMaxSmallGuardedSize = kPageSize - kGuardedAlign;
constexpr uptr kMaxGuardedSize = kLargeGuardedPages * kPageSize - kGuardedAlign;
// A guard page before every slot and one after the last: the small slots
// first, then the large ones.
constexpr uptr kGuardedPoolPages =
    2 * kGuardedSlots + kLargeGuardedSlots * (kLargeGuardedPages + 1) + 1;
constexpr uptr kGuardedPoolBytes = kGuardedPoolPages * kPageSize;

extern uptr guarded_pool_start;  // 0 unless retention=guard
ALWAYS_INLINE bool InGuardedPool(uptr addr) {
  return guarded_pool_start && addr - guarded_pool_start < kGuardedPoolBytes;
}

// retention=guard, at load: takes the pool's pages from the arena and
// protects its guard pages.
void InitializeGuardedPool();

// The calling thread's allocations left before its next sample
// (retention=guard); below zero, expired. In the other modes the thread's
// first allocation sets it out of reach (heap_alloc.cpp).
extern THREADLOCAL s64 sample_countdown;
// The allocation the thread's countdown expired at, made at the site whose
// stack id is stack: true when it is to be sampled, and then the countdown
// starts again (guarded_pool.cpp says which).
bool SampleNow(u32 stack);
// A free slot made ready for an object of size bytes (at most
// kMaxGuardedSize; a large slot when a page cannot hold it): the span is in
// the heap (page map, every span), its object at s->start, its alloc bit
// still clear, the slot's bytes before it poisoned. Null when every slot of
// that kind is taken: the object is made as usual.
Span *TakeGuardedSlot(uptr size, bool noscan);
// The sweep found the object of the pool's span s dead and out of
// quarantine: the slot is free again (heap lock held).
void ReturnGuardedSlot(Span *s);

// A lent object's allocation site: its next objects are preferred.
void NoteLendingSite(u32 alloc_stack);
// The pool's object at base is lent again: how many times it has been,
// this one included (from 1 for each object the slot holds).
u32 CountGuardedLend(uptr base);

struct GuardedPoolStats {
  u64 sampled;      // objects made in the pool
  u64 pool_full;    // samples the pool had no slot for (made as usual)
  u64 deferred;     // expired countdowns passed on to a later allocation
  uptr slots_in_use;
};
GuardedPoolStats GetGuardedPoolStats();

}  // namespace __cgosan

#endif  // CGOSAN_RTL_HEAP_GUARDED_POOL_H
