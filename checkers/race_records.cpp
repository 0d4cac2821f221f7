// race_records.cpp — the access contexts: what a report says about an
// access besides its range, epoch and type (its stack, G, side, foreign
// call and thread), kept once and named by an id in the access's event of
// its thread's trace (race_trace.cpp), instead of a copy of all that.
//
// A thread repeats the same accesses (from the same line, in the same call)
// in epoch after epoch, over many addresses; only the epoch and the range
// change, and those live in the cell. So a context is interned: each thread
// keeps a hash table of the contexts it made, by their contents, which finds
// an equal one (compared field by field, never by hash alone) with no lock:
// a context names its thread, so no two threads ever share one. In front of
// it, pass-built code's accesses go through the thread's site cache
// (race.h, SiteContext): the same pc in the same activation of the same
// function has the same stack, so a repeat costs no stack walk at all.
// Contexts are never freed, like the stack depot's stacks: their number
// follows the program's distinct access stacks, not its running time.
// Layout: chunks of kChunkContexts contexts, allocated as needed; the chunk
// table is fixed, so a lookup is two loads and no lock. Append takes an id
// with one atomic add; a new chunk is made under a spin lock. Past
// kMaxContexts contexts, new accesses share the last one's id: reports about
// them name the wrong stack rather than crash (said once in verbose mode).
// A thread's table costs 16 bytes per slot, at most half of them used.
#include "race.h"

namespace __cgosan {

namespace {
constexpr uptr kChunkContexts = 4096;
constexpr uptr kMaxChunks = kMaxContexts / kChunkContexts;
}  // namespace

static atomic_uintptr_t chunks[kMaxChunks];  // RaceAccess[kChunkContexts] each
static atomic_uint32_t next_context = {1};   // 0 is "no context"
static StaticSpinMutex chunks_mu;

static RaceAccess *Slot(u32 id) {
  uptr chunk = atomic_load(&chunks[id / kChunkContexts], memory_order_acquire);
  return reinterpret_cast<RaceAccess *>(chunk) + id % kChunkContexts;
}

const RaceAccess &RaceContext(u32 id) { return *Slot(id); }

static u32 AppendContext(const RaceAccess &a) {
  u32 id = atomic_fetch_add(&next_context, 1, memory_order_relaxed);
  if (UNLIKELY(id >= kMaxContexts)) {
    VReport(1, "%s: race access contexts are full; reports may name the "
               "wrong stack\n", SanitizerToolName);
    return kMaxContexts - 1;
  }
  atomic_uintptr_t *chunk = &chunks[id / kChunkContexts];
  if (UNLIKELY(!atomic_load(chunk, memory_order_acquire))) {
    SpinMutexLock l(&chunks_mu);
    if (!atomic_load(chunk, memory_order_relaxed)) {
      void *mem = InternalAlloc(kChunkContexts * sizeof(RaceAccess));
      atomic_store(chunk, reinterpret_cast<uptr>(mem), memory_order_release);
    }
  }
  RaceAccess *c = Slot(id);
  *c = a;
  c->addr = c->size = 0;  // the cell's
  return id;
}

static bool SameContext(const RaceAccess &a, const RaceAccess &b) {
  return a.stack == b.stack && a.call == b.call && a.call_fn == b.call_fn &&
         a.goid == b.goid && a.thread == b.thread && a.side == b.side;
}

static u64 ContentHash(const RaceAccess &a) {
  u64 h = (u64)a.stack * 0x9E3779B97F4A7C15ull ^ a.goid << 40 ^
          reinterpret_cast<uptr>(a.call) ^ a.call_fn ^ (u64)a.side << 62;
  h = (h ^ h >> 29) * 0xff51afd7ed558ccdull;
  return (h ^ h >> 32) | 1;  // 0 marks an empty slot
}

// Doubles the thread's table (or makes its first one), re-inserting by hash.
static void GrowContextMap(ContextMap *map) {
  constexpr uptr kFirstCapacity = 64;
  uptr capacity = map->capacity ? map->capacity * 2 : kFirstCapacity;
  auto *slots =
      static_cast<ContextSlot *>(InternalAlloc(capacity * sizeof(ContextSlot)));
  internal_memset(slots, 0, capacity * sizeof(ContextSlot));
  for (uptr i = 0; i < map->capacity; i++) {
    const ContextSlot &old = map->slots[i];
    if (!old.hash)
      continue;
    uptr j = old.hash & (capacity - 1);
    while (slots[j].hash) j = (j + 1) & (capacity - 1);
    slots[j] = old;
  }
  if (map->slots)
    InternalFree(map->slots);
  map->slots = slots;
  map->capacity = capacity;
}

u32 InternContext(RaceThread *thr, const RaceAccess &a) {
  ContextMap *map = &thr->contexts;
  if (UNLIKELY(2 * (map->used + 1) > map->capacity))
    GrowContextMap(map);
  u64 hash = ContentHash(a);
  uptr mask = map->capacity - 1;
  for (uptr i = hash & mask;; i = (i + 1) & mask) {
    ContextSlot *slot = &map->slots[i];
    if (slot->hash == hash && SameContext(RaceContext(slot->id), a))
      return slot->id;
    if (!slot->hash) {
      slot->hash = hash;
      slot->id = AppendContext(a);
      map->used++;
      return slot->id;
    }
  }
}

void ForgetThreadContexts(RaceThread *thr) {
  if (thr->contexts.slots)
    InternalFree(thr->contexts.slots);
  thr->contexts = {};
  internal_memset(thr->sites, 0, sizeof(thr->sites));
}

// Contexts are interned per thread, without a lock; only a new chunk of
// them takes one.
void LockRecordsForFork() { chunks_mu.Lock(); }

void UnlockRecordsAfterFork() { chunks_mu.Unlock(); }

}  // namespace __cgosan
