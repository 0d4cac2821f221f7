// race_records.cpp — the access records: what a report says about an access
// (its whole range, stack, G, side, foreign call), kept once and named by a
// 32-bit id, so a shadow cell is 12 bytes instead of a copy of all that.
//
// A thread repeats the same accesses (the same buffer, from the same line,
// in the same call) in epoch after epoch; only the epoch changes, and the
// epoch lives in the cell. So a record is interned: each thread keeps a
// hash table of the records it made, by their contents, which finds an
// equal one (compared field by field, never by hash alone) with no lock: a
// record names its thread, so no two threads ever share one. Records are
// never freed, like the stack depot's stacks: their number follows the
// program's distinct access sites and ranges, not its running time.
// Layout: chunks of kChunkRecords records, allocated as needed; the chunk
// table is fixed (kMaxChunks), so a lookup is two loads and no lock. Append
// takes an id with one atomic add; a new chunk is made under a spin lock.
// A thread's table costs 16 bytes per slot, at most half of them used.
// Past kMaxChunks * kChunkRecords records (64M), new accesses share the last
// record's id: reports about them name the wrong range or stack rather than
// crash (counted and said once in verbose mode).
#include "race.h"

namespace __cgosan {

namespace {
constexpr uptr kChunkRecords = 4096;
constexpr uptr kMaxChunks = 16384;
}  // namespace

static atomic_uintptr_t chunks[kMaxChunks];  // RaceAccess[kChunkRecords] each
static atomic_uint32_t next_record = {1};    // 0 is "no record"
static StaticSpinMutex chunks_mu;

static RaceAccess *Slot(u32 id) {
  uptr chunk = atomic_load(&chunks[id / kChunkRecords], memory_order_acquire);
  return reinterpret_cast<RaceAccess *>(chunk) + id % kChunkRecords;
}

const RaceAccess &RaceRecord(u32 id) { return *Slot(id); }

static u32 AppendRecord(const RaceAccess &a) {
  u32 id = atomic_fetch_add(&next_record, 1, memory_order_relaxed);
  if (UNLIKELY(id >= kMaxChunks * kChunkRecords)) {
    VReport(1, "%s: race access records are full; reports may name the wrong "
               "range\n", SanitizerToolName);
    return kMaxChunks * kChunkRecords - 1;
  }
  atomic_uintptr_t *chunk = &chunks[id / kChunkRecords];
  if (UNLIKELY(!atomic_load(chunk, memory_order_acquire))) {
    SpinMutexLock l(&chunks_mu);
    if (!atomic_load(chunk, memory_order_relaxed)) {
      void *mem = InternalAlloc(kChunkRecords * sizeof(RaceAccess));
      atomic_store(chunk, reinterpret_cast<uptr>(mem), memory_order_release);
    }
  }
  *Slot(id) = a;
  return id;
}

static bool SameRecord(const RaceAccess &a, const RaceAccess &b) {
  return a.addr == b.addr && a.size == b.size && a.stack == b.stack &&
         a.call == b.call && a.call_fn == b.call_fn && a.goid == b.goid &&
         a.thread == b.thread && a.is_write == b.is_write && a.side == b.side;
}

static u64 ContentHash(const RaceAccess &a) {
  u64 h = a.addr * 0x9E3779B97F4A7C15ull ^ a.size ^ (u64)a.stack << 20 ^
          a.goid << 40 ^ reinterpret_cast<uptr>(a.call) ^ a.call_fn ^
          (u64)a.is_write << 63 ^ (u64)a.side << 62;
  h = (h ^ h >> 29) * 0xff51afd7ed558ccdull;
  return (h ^ h >> 32) | 1;  // 0 marks an empty slot
}

// Doubles the thread's table (or makes its first one), re-inserting by hash.
static void GrowRecordMap(RecordMap *map) {
  constexpr uptr kFirstCapacity = 1024;
  uptr capacity = map->capacity ? map->capacity * 2 : kFirstCapacity;
  auto *slots =
      static_cast<RecordSlot *>(InternalAlloc(capacity * sizeof(RecordSlot)));
  internal_memset(slots, 0, capacity * sizeof(RecordSlot));
  for (uptr i = 0; i < map->capacity; i++) {
    const RecordSlot &old = map->slots[i];
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

// Records of different threads never compare equal (the thread is part of
// the contents), so each thread interns in a table of its own, without a
// lock: a repeat costs a hash, a probe and a comparison.
u32 InternRecord(RaceThread *thr, const RaceAccess &a) {
  RecordMap *map = &thr->records;
  if (UNLIKELY(2 * (map->used + 1) > map->capacity))
    GrowRecordMap(map);
  u64 hash = ContentHash(a);
  uptr mask = map->capacity - 1;
  for (uptr i = hash & mask;; i = (i + 1) & mask) {
    RecordSlot *slot = &map->slots[i];
    if (slot->hash == hash && SameRecord(RaceRecord(slot->id), a))
      return slot->id;
    if (!slot->hash) {
      slot->hash = hash;
      slot->id = AppendRecord(a);
      map->used++;
      return slot->id;
    }
  }
}

void ForgetThreadRecords(RaceThread *thr) {
  if (thr->records.slots)
    InternalFree(thr->records.slots);
  thr->records = {};
}

// A record bucket's lock is held while a new record's chunk is made.
void LockRecordsForFork() {
  record_table.LockAllBuckets();
  chunks_mu.Lock();
}

void UnlockRecordsAfterFork() {
  chunks_mu.Unlock();
  record_table.UnlockAllBuckets();
}

}  // namespace __cgosan
