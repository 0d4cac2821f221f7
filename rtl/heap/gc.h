// gc.h — the collector (gc.cpp): what the allocator and the C API call.
#ifndef CGOSAN_RTL_GC_H
#define CGOSAN_RTL_GC_H

#include "rtl.h"

namespace __cgosan {

// A full collection. From a G, the G parks for its duration.
void Collect();
// True on the thread running a collection: its reads and writes of managed
// memory are the runtime's, whatever the thread's G is doing.
extern THREADLOCAL bool collecting_here;
// Counts bytes handed to allocation (a span's worth at a time); sets
// gc_pending when the heap has grown by gc_percent since the last collection.
void NoteAllocated(uptr bytes);
extern atomic_uint8_t gc_pending;
u64 NumGc();
// What a freed object's bytes are filled with (and a guarded slot's bytes
// before its object).
constexpr u8 kPoison = 0xca;

void ParkAtSafepoint(G *g);
// True when Safepoint would stop or collect.
ALWAYS_INLINE bool SafepointDue() {
  return atomic_load(&world_stopped, memory_order_acquire) |
         atomic_load(&gc_pending, memory_order_relaxed);
}
// The start of every heap call made by a running G: stop here if the world
// is stopped; collect here if a collection is due.
ALWAYS_INLINE void Safepoint(G *g) {
  if (UNLIKELY(atomic_load(&world_stopped, memory_order_acquire)))
    ParkAtSafepoint(g);
  if (UNLIKELY(atomic_load(&gc_pending, memory_order_relaxed)))
    Collect();
}

// The same for calls that running Gs and foreign code both make (pinning,
// handles): a safepoint only when the caller is a running G. A G that only
// pins must not hold off a collection.
ALWAYS_INLINE void SafepointIfRunning() {
  G *g = CurrentG();
  if (IsRunningG(g))
    Safepoint(g);
}

}  // namespace __cgosan

#endif  // CGOSAN_RTL_GC_H
