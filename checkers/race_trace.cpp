// race_trace.cpp — each thread's trace of the accesses it recorded: what a
// report says about the previous access (its whole range and its context:
// stack, G, side, call) is kept here, once per access, instead of in every
// shadow cell it left (TSan v3's trace, restored at report time).
//
// A shadow cell keeps only what the race check reads: epoch, thread, type
// and the bytes of its word, 8 bytes. The access's event — range, epoch,
// type, context id — goes to its thread's trace before any of its cells is
// stored, so a thread that finds the cell finds the event. A report looks
// the cell up in the trace of the cell's thread: the oldest event of the
// cell's epoch and type whose range covers the cell's bytes (a thread's
// epochs only grow, so the search runs back from the newest event and
// stops at an older epoch). The oldest, because a later access of the same
// epoch covering the word left the first one's cell in place.
// A trace is a ring of kTraceEvents events (24 bytes each: 192 KiB),
// reserved when the thread records its first access and committed as it
// fills: written by its thread alone, without a lock, read by a reporting
// thread, which trusts an event only if the ring cannot have wrapped over
// it while it was read. Allowed on purpose: an access recorded more than
// kTraceEvents recorded accesses before the race (its thread's) has left
// the ring; the report then names the cell's bytes and no stack (TSan v3
// drops such a report; a race is never missed here for it). Cost: three
// stores and one release store per access that adds a cell; nothing per
// repeat.
#include "race.h"

namespace __cgosan {

TraceEvent *ReserveTraceEvents(AccessTrace *trace) {
  if (!trace->events) {
    trace->events = reinterpret_cast<uptr>(MmapNoReserveOrDie(
        kTraceEvents * sizeof(TraceEvent), "cgosan race trace"));
  }
  return reinterpret_cast<TraceEvent *>(trace->events);
}

bool RestoreAccess(u16 tid, u32 epoch, u8 type, uptr lo, uptr hi,
                   RaceAccess *out) {
  RaceThread *thr = RaceThreadOfTid(tid);
  if (!thr)
    return false;
  AccessTrace *trace = &thr->trace;
  u64 head = atomic_load(&trace->head, memory_order_acquire);
  uptr events = __atomic_load_n(&trace->events, __ATOMIC_ACQUIRE);
  if (!events)
    return false;
  const TraceEvent *ring = reinterpret_cast<const TraceEvent *>(events);
  bool found = false;
  // Event i's slot is rewritten by event i + kTraceEvents, which the owner
  // writes while head is i + kTraceEvents: the oldest event trusted is the
  // one after that, checked again after it is read (a seqlock's reader).
  u64 oldest = head >= kTraceEvents ? head - kTraceEvents + 1 : 0;
  for (u64 i = head; i-- > oldest;) {
    const TraceEvent *e = &ring[i % kTraceEvents];
    u64 w0 = __atomic_load_n(&e->words[0], __ATOMIC_RELAXED);
    u64 w1 = __atomic_load_n(&e->words[1], __ATOMIC_RELAXED);
    u64 w2 = __atomic_load_n(&e->words[2], __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (atomic_load(&trace->head, memory_order_relaxed) - i >= kTraceEvents)
      break;  // the owner may have been rewriting slot i as it was read
    u32 e_epoch = static_cast<u32>(w1 >> 32);
    if (e_epoch < epoch)
      break;
    uptr addr = w0, size = static_cast<u32>(w1);
    if (e_epoch != epoch || static_cast<u8>(w2 >> 32) != type || lo < addr ||
        hi > addr + size)
      continue;
    *out = RaceContext(static_cast<u32>(w2));
    out->addr = addr;
    out->size = size;
    found = true;  // keep looking for an older one of the epoch
  }
  return found;
}

}  // namespace __cgosan
