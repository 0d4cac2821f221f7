// race_shadow.cpp — the shadow: what happened last to each 8-byte word of
// memory that crossed the boundary, and the race check of a new access.
//
// Only memory some access was recorded for has a shadow (a node in a hash
// keyed by word address), so the cost follows what crosses the boundary,
// not the heap. Each word keeps up to kCells accesses (TSan's four shadow
// cells): the epoch, read/write, the whole range the access covered, its
// stack, its G and side, and the foreign call it belongs to. A new access by thread T races with a cell when
// their bytes in this word overlap, one of them writes, the cell is another
// thread's, and T has not seen the cell's epoch (vc_T[cell.tid] < clock).
// Then the new access takes a cell: it replaces the cells it supersedes (its
// own thread's accesses it covers, and, for a write, every covered access
// ordered before it: a later access racing with one of those races with the
// write too), else an empty cell, else a pseudo-random victim; losing a cell
// can only hide a race (as in TSan), never invent one.
// When the collector frees a managed object, its words' shadow goes with it
// (RaceObjectDied, the object_died hook), so an object allocated at the same
// address later is not said to race with its predecessor. To keep the sweep
// cheap, a byte per 64 KiB granule of the arena says whether any word in it
// ever got a shadow; a dead object in unmarked granules costs one load.
// Allowed on purpose: foreign memory's shadow is never dropped (free() is not
// intercepted), so a foreign buffer freed and reused for new data can report
// a race with the old data's accesses; suppress it, or cgosan_release /
// cgosan_acquire around the reuse.
// Cost: one bucket lock per word; one stack capture per access that adds
// something: a repeat in the same epoch (no release since) of an access
// already recorded stops at the lookup (TSan's same-epoch shortcut; the
// report then shows the first such access's stack).
#include "race.h"

#include "heap.h"

namespace __cgosan {

namespace {
constexpr uptr kCells = 4;
constexpr uptr kWordSize = 8;

struct ShadowWord {
  uptr key;  // word address
  ShadowWord *next;
  RaceAccess cells[kCells];
};

// The bytes of [addr, addr + size) inside the word at w.
struct Bytes {
  uptr lo, hi;
};
ALWAYS_INLINE Bytes InWord(uptr w, uptr addr, uptr size) {
  uptr end = addr + size;
  return {addr > w ? addr : w, end < w + kWordSize ? end : w + kWordSize};
}
}  // namespace

static AddrTable<ShadowWord, 65521> shadow_table;

// One byte per granule of the arena: 1 once a word in it got a shadow. The
// map is reserved on first use and committed by the pages touched.
static constexpr uptr kGranuleShift = 16;
static atomic_uintptr_t shadowed_granules_map;
static StaticSpinMutex shadowed_granules_mu;

static u8 *ShadowedGranules() {
  uptr map = atomic_load(&shadowed_granules_map, memory_order_acquire);
  if (LIKELY(map))
    return reinterpret_cast<u8 *>(map);
  SpinMutexLock l(&shadowed_granules_mu);
  map = atomic_load(&shadowed_granules_map, memory_order_relaxed);
  if (!map) {
    map = reinterpret_cast<uptr>(MmapNoReserveOrDie(
        kArenaSize >> kGranuleShift, "cgosan race shadowed-granule map"));
    atomic_store(&shadowed_granules_map, map, memory_order_release);
  }
  return reinterpret_cast<u8 *>(map);
}

// Marks the granules of [addr, end) inside the arena.
static void NoteShadowed(uptr addr, uptr end) {
  if (!InArena(addr))
    return;
  u8 *granules = ShadowedGranules();
  uptr last = (Min(end, arena_start + kArenaSize) - 1 - arena_start) >> kGranuleShift;
  for (uptr i = (addr - arena_start) >> kGranuleShift; i <= last; i++)
    if (!granules[i])  // read first: the common case dirties no line
      granules[i] = 1;
}

static bool AnyShadowed(uptr addr, uptr end) {
  uptr map = atomic_load(&shadowed_granules_map, memory_order_acquire);
  if (!map)
    return false;
  const u8 *granules = reinterpret_cast<const u8 *>(map);
  uptr last = (end - 1 - arena_start) >> kGranuleShift;
  for (uptr i = (addr - arena_start) >> kGranuleShift; i <= last; i++)
    if (granules[i])
      return true;
  return false;
}

void RaceObjectDied(uptr base, uptr size) {
  uptr end = base + size;
  if (!AnyShadowed(base, end))
    return;
  for (uptr w = RoundDownTo(base, kWordSize); w < end; w += kWordSize) {
    StaticSpinMutex *mu;
    ShadowWord **head = shadow_table.Lock(w, &mu);
    BucketLock l(mu);
    shadow_table.Remove(head, w);
  }
}

// Who is accessing: the G on this thread, and which side of the boundary.
static void DescribeAccessor(const char *call, RaceAccess *a) {
  M *m = CurrentM();
  G *g = m ? m->curg : nullptr;
  a->goid = g ? g->id : 0;
  bool on_g = g && atomic_load(&g->status, memory_order_relaxed) == kGRunning;
  a->side = call || !on_g ? kSideForeign : kSideManaged;
  a->call = call;
  a->call_fn = !call && !on_g && m ? reinterpret_cast<uptr>(m->foreign_call) : 0;
}

// TSan's same-epoch shortcut: the word already holds an access of this
// thread, in this epoch, at least as strong, covering these bytes. Then the
// new access adds nothing: any race it has, that one had (and reported).
static bool RecordedInThisEpoch(const ShadowWord *sw, uptr w, Bytes mine,
                                const RaceAccess &cur) {
  for (uptr i = 0; i < kCells; i++) {
    const RaceAccess *c = &sw->cells[i];
    if (!c->used || c->tid != cur.tid || c->clock != cur.clock ||
        (cur.is_write && !c->is_write))
      continue;
    Bytes theirs = InWord(w, c->addr, c->size);
    if (theirs.lo <= mine.lo && mine.hi <= theirs.hi)
      return true;
  }
  return false;
}

// The same shortcut for a whole range, without a lock: this thread recorded
// this very range, in this epoch, at least as strongly, a moment ago.
static RecentAccess *RecentSlot(RaceThread *thr, uptr addr) {
  // Multiplicative hashing: buffers of one size class sit at multiples of a
  // power of two, which a plain modulo would pile onto a few slots.
  u64 hash = static_cast<u64>(addr) * 0x9E3779B97F4A7C15ull;
  return &thr->recent[hash >> (64 - __builtin_ctzll(kRecentAccesses))];
}
static bool RecentlyRecorded(RaceThread *thr, uptr addr, uptr size,
                             bool is_write) {
  const RecentAccess *r = RecentSlot(thr, addr);
  u32 stamp = thr->Epoch() * 2;
  return r->addr == addr && r->size == size &&
         (r->stamp == stamp + 1 || (!is_write && r->stamp == stamp));
}
static void NoteRecent(RaceThread *thr, uptr addr, uptr size, bool is_write) {
  if (size > ~(u32)0)
    return;
  RecentAccess *r = RecentSlot(thr, addr);
  r->addr = addr;
  r->size = static_cast<u32>(size);
  r->stamp = thr->Epoch() * 2 + is_write;
}

void RaceAccessRange(RaceThread *thr, uptr addr, uptr size, bool is_write,
                     const char *call) {
  if (RecentlyRecorded(thr, addr, size, is_write))
    return;
  RaceAccess cur = {};
  cur.addr = addr;
  cur.size = size;
  cur.clock = thr->Epoch();
  cur.tid = thr->tid;
  cur.is_write = is_write;
  cur.used = 1;
  bool described = false;  // stack and accessor: only once a word needs them

  bool raced = false;
  RaceAccess prev;
  uptr end = addr + size < addr ? ~(uptr)0 : addr + size;  // no wrap
  NoteShadowed(addr, end);
  for (uptr w = RoundDownTo(addr, kWordSize); w < end; w += kWordSize) {
    Bytes mine = InWord(w, addr, end - addr);
    StaticSpinMutex *mu;
    ShadowWord **head = shadow_table.Lock(w, &mu);
    BucketLock l(mu);
    ShadowWord *sw = shadow_table.FindOrCreate(head, w);
    if (RecordedInThisEpoch(sw, w, mine, cur))
      continue;
    if (!described) {
      cur.stack = CaptureStackIdFast(&thr->stacks);
      DescribeAccessor(call, &cur);
      described = true;
    }
    RaceAccess *slot = nullptr;
    for (uptr i = 0; i < kCells; i++) {
      RaceAccess *c = &sw->cells[i];
      if (!c->used) {
        if (!slot)
          slot = c;
        continue;
      }
      Bytes theirs = InWord(w, c->addr, c->size);
      bool overlap = mine.lo < theirs.hi && theirs.lo < mine.hi;
      bool covers = mine.lo <= theirs.lo && theirs.hi <= mine.hi;
      bool same_thread = c->tid == cur.tid;
      bool ordered = same_thread || thr->Saw(c->tid, c->clock);
      if (overlap && !ordered && (is_write || c->is_write)) {
        if (!raced) {
          raced = true;
          prev = *c;
        }
        continue;  // stays: it may race with others too
      }
      // Superseded: the same thread's covered access of the same or weaker
      // kind, or (for a write) any covered access ordered before it.
      if (covers && ((same_thread && (is_write || !c->is_write)) ||
                     (is_write && ordered))) {
        c->used = 0;
        if (!slot)
          slot = c;
      }
    }
    if (!slot)
      slot = &sw->cells[(cur.clock + w / kWordSize) % kCells];
    *slot = cur;
  }
  NoteRecent(thr, addr, size, is_write);
  if (UNLIKELY(raced))
    ReportRace(cur, prev);
}

}  // namespace __cgosan
