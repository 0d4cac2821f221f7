// race_shadow.cpp — the shadow: what happened last to each 8-byte word of
// memory that crossed the boundary, and the race check of a new access.
//
// Only memory some access was recorded for has a shadow, so the cost follows
// what crosses the boundary, not the heap. The shadow is a hash of blocks,
// one per 64 bytes touched (a block's lock covers its 8 words, so a range
// takes one lock per 64 bytes, not per word). Each word keeps up to kCells
// accesses (TSan's four shadow cells), 12 bytes each: the epoch, the thread,
// read/write, the bytes of the word it covered, and the id of its record
// (race_records.cpp: the whole range, stack, G, side and foreign call, kept
// once for every repeat). A block is 408 bytes for 64 bytes of memory.
// Buffers cross the boundary whole (a row filled, a buffer passed to a
// call), so while every access to a block covers all of it, its eight words
// hold the same cells and the block keeps word 0's alone (`mixed` false): a
// whole-block access is one word's check, on one cache line. The first
// access to part of it copies word 0 to the others; a whole-block access
// that leaves all eight alike makes it uniform again.
// A new access by thread T races with a cell when their bytes in this word
// overlap, one of them writes, the cell is another thread's, and T has not
// seen the cell's epoch (vc_T[cell.tid] < clock). Then the new access takes
// a cell: it replaces the cells it supersedes (its own thread's accesses it
// covers, and, for a write, every covered access ordered before it: a later
// access racing with one of those races with the write too), else an empty
// cell, else a pseudo-random victim; losing a cell can only hide a race (as
// in TSan), never invent one.
// When the collector frees a managed object, its words' shadow goes with it
// (RaceObjectDied, the object_died hook), so an object allocated at the same
// address later is not said to race with its predecessor. To keep the sweep
// cheap, a byte per 64 KiB granule of the arena says whether any word in it
// ever got a shadow; a dead object in unmarked granules costs one load.
// Allowed on purpose: only managed memory reaches the shadow from the
// interposer and the pass (foreign memory is recycled where the checker
// cannot see it: free(), a G stack reused); memory a program records itself
// keeps its shadow until the program says otherwise.
// Runs: pass-built code touches a buffer one store at a time (a fill loop is
// 256 one-byte or 16 sixteen-byte stores). A store that continues the
// thread's last one (same kind, same epoch, adjacent, up to kMaxRunBytes)
// joins its run instead of the shadow; the run's first store went to the
// shadow at once, and the rest goes, as one access with the first's stack,
// when the run ends: at the thread's next other access, before any edge it
// takes part in (a release or acquire: the run keeps its epoch and the
// knowledge it had), before the program's own records, and when the thread
// ends. Until then another thread does not see those bytes; if it races
// with them, the race is found when the run ends (reported from this side).
// A collection between start and end drops the rest (the memory may be a new
// object's by then): a race can be missed, never invented.
// Cost: one bucket lock per 64-byte block; one stack capture and record per
// access (or run) that adds something. A repeat in the same epoch (no release since)
// of an access already recorded stops at the lookup, or before any lock when
// the thread recorded the very same range lately (TSan's same-epoch
// shortcut; the report then shows the first such access's stack).
#include "race.h"

#include "gc.h"
#include "heap.h"

namespace __cgosan {

namespace {
constexpr uptr kCells = 4;
constexpr uptr kWordSize = 8;
constexpr uptr kBlockWords = 8;
constexpr uptr kBlockSize = kBlockWords * kWordSize;

// One access's share of one word. hi == 0: empty.
struct Cell {
  u32 clock;
  u32 record;  // RaceRecord(record): the access as a report describes it
  u8 tid;      // kMaxThreads <= 256
  u8 is_write;
  u8 lo, hi;   // the bytes [lo, hi) of the word, 0 <= lo < hi <= 8
};
static_assert(kMaxThreads <= 256, "Cell::tid is a byte");
inline bool SameCell(const Cell &a, const Cell &b) {
  return a.clock == b.clock && a.record == b.record && a.tid == b.tid &&
         a.is_write == b.is_write && a.lo == b.lo && a.hi == b.hi;
}

struct ShadowBlock {
  uptr key;  // block address
  ShadowBlock *next;
  // false (as created: all empty): every word has the cells of word 0, as
  // when each access so far covered the whole block (a buffer filled or
  // passed whole), and only cells[0] is kept: such an access is checked
  // against it alone, and touches one cache line of the block, not seven.
  // The first access to part of the block copies word 0 to the others.
  bool mixed;
  Cell cells[kBlockWords][kCells];
};

// The bytes of [addr, end) inside the word at w, relative to w.
struct Bytes {
  u8 lo, hi;
};
ALWAYS_INLINE Bytes InWord(uptr w, uptr addr, uptr end) {
  uptr lo = addr > w ? addr - w : 0;
  uptr hi = end < w + kWordSize ? end - w : kWordSize;
  return {static_cast<u8>(lo), static_cast<u8>(hi)};
}
}  // namespace

static AddrTable<ShadowBlock, 16381> shadow_table;

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

// Gives every word of a uniform block word 0's cells, so it can change word
// by word.
static void MakeMixed(ShadowBlock *block) {
  if (block->mixed)
    return;
  for (uptr i = 1; i < kBlockWords; i++)
    for (uptr k = 0; k < kCells; k++) block->cells[i][k] = block->cells[0][k];
  block->mixed = true;
}

void RaceObjectDied(uptr base, uptr size) {
  uptr end = base + size;
  if (!AnyShadowed(base, end))
    return;
  for (uptr b = RoundDownTo(base, kBlockSize); b < end; b += kBlockSize) {
    StaticSpinMutex *mu;
    ShadowBlock **head = shadow_table.Lock(b, &mu);
    BucketLock l(mu);
    ShadowBlock *block = shadow_table.Find(*head, b);
    if (!block)
      continue;
    bool empty = true;
    if (base > b || end < b + kBlockSize)
      MakeMixed(block);  // part of it dies
    for (uptr i = 0; i < (block->mixed ? kBlockWords : 1); i++) {
      uptr w = b + i * kWordSize;
      bool dead = w + kWordSize > base && w < end;
      for (uptr k = 0; k < kCells; k++) {
        Cell *c = &block->cells[i][k];
        if (dead)
          c->hi = 0;
        empty &= c->hi == 0;
      }
    }
    if (empty)
      shadow_table.Remove(head, b);
  }
}

void ForgetThreadsAccesses(const u64 *tids) {
  shadow_table.ForEachBucket([&](ShadowBlock **head) {
    for (ShadowBlock *block = *head; block; block = block->next)
      for (uptr i = 0; i < kBlockWords; i++)
        for (uptr k = 0; k < kCells; k++) {
          Cell *c = &block->cells[i][k];
          if (c->hi && (tids[c->tid / 64] >> (c->tid % 64) & 1))
            c->hi = 0;
        }
  });
}

// TSan's same-epoch shortcut for one word: it already holds an access of
// this thread, in this epoch, at least as strong, covering these bytes. Then
// the new access adds nothing: any race it has, that one had (and reported).
static bool RecordedInThisEpoch(const Cell *cells, Bytes mine, u8 tid,
                                u32 clock, bool is_write) {
  for (uptr i = 0; i < kCells; i++) {
    const Cell *c = &cells[i];
    if (c->hi && c->tid == tid && c->clock == clock &&
        (c->is_write || !is_write) && c->lo <= mine.lo && mine.hi <= c->hi)
      return true;
  }
  return false;
}

// Remembers a range recorded in this epoch (RecentlyRecorded, race.h).
static void NoteRecent(RaceThread *thr, uptr addr, uptr size, bool is_write) {
  if (size > ~(u32)0)
    return;
  RecentAccess *r = RecentSlot(thr, addr, size);
  r->addr = addr;
  r->size = static_cast<u32>(size);
  r->stamp = thr->Epoch() * 2 + is_write;
}

// Who is accessing: the G on this thread, and which side of the boundary.
static void DescribeAccessor(const char *call, RaceAccess *a) {
  M *m = CurrentM();
  G *g = m ? m->curg : nullptr;
  a->goid = g ? g->id : 0;
  bool on_g = IsRunningG(g);
  a->side = call || !on_g ? kSideForeign : kSideManaged;
  a->call = call;
  a->call_fn = !call && !on_g && m ? reinterpret_cast<uptr>(m->foreign_call) : 0;
}

// Checks the new access against one word's cells and takes a cell for it.
// Returns true, with *raced_with, the first time a cell races with it.
static bool CheckAndRecordWord(RaceThread *thr, Cell *cells, Cell cur,
                               Cell *raced_with) {
  bool raced = false;
  Cell *slot = nullptr;
  for (uptr i = 0; i < kCells; i++) {
    Cell *c = &cells[i];
    if (!c->hi) {
      if (!slot)
        slot = c;
      continue;
    }
    bool overlap = cur.lo < c->hi && c->lo < cur.hi;
    bool covers = cur.lo <= c->lo && c->hi <= cur.hi;
    bool same_thread = c->tid == cur.tid;
    bool ordered = same_thread || thr->Saw(c->tid, c->clock);
    if (overlap && !ordered && (cur.is_write || c->is_write)) {
      if (!raced) {
        raced = true;
        *raced_with = *c;
      }
      continue;  // stays: it may race with others too
    }
    // Superseded: the same thread's covered access of the same or weaker
    // kind, or (for a write) any covered access ordered before it.
    if (covers && ((same_thread && (cur.is_write || !c->is_write)) ||
                   (cur.is_write && ordered))) {
      c->hi = 0;
      if (!slot)
        slot = c;
    }
  }
  if (!slot)
    slot = &cells[(cur.clock + reinterpret_cast<uptr>(cells) / sizeof(Cell)) % kCells];
  *slot = cur;
  return raced;
}

// Every word holds the same cells: a whole-block access may make a mixed
// block uniform again (a write supersedes what it is ordered after).
static bool AllWordsAlike(const ShadowBlock &block) {
  for (uptr i = 1; i < kBlockWords; i++)
    for (uptr k = 0; k < kCells; k++)
      if (!SameCell(block.cells[i][k], block.cells[0][k]))
        return false;
  return true;
}

// Records [cur->addr, cur->addr + cur->size) at epoch cur->clock, checking
// it against each word's cells. `described`: cur already has its stack and
// accessor (a run's rest); otherwise they are taken here, once a word needs
// them, and `*described` says whether that happened.
static void RecordAccess(RaceThread *thr, RaceAccess *cur, const char *call,
                         bool *described) {
  uptr addr = cur->addr;
  bool is_write = cur->is_write;
  bool made_now = !*described;  // else a run's rest, made since its first store
  u32 record = *described ? InternRecord(thr, *cur) : 0;
  bool raced = false;
  Cell prev_cell;
  uptr end = addr + cur->size < addr ? ~(uptr)0 : addr + cur->size;  // no wrap
  NoteShadowed(addr, end);
  uptr last_block = RoundDownTo(end - 1, kBlockSize);
  // One word of one block: the check and the record; false when this thread
  // already recorded these bytes in this epoch.
  auto record_word = [&](Cell *cells, Bytes mine) {
    if (RecordedInThisEpoch(cells, mine, static_cast<u8>(cur->tid), cur->clock,
                            is_write))
      return false;
    if (!record) {
      cur->stack = CaptureStackIdFast(&thr->stacks);
      DescribeAccessor(call, cur);
      *described = true;
      record = InternRecord(thr, *cur);
    }
    Cell cell = {cur->clock, record, static_cast<u8>(cur->tid), is_write,
                 mine.lo, mine.hi};
    Cell theirs;
    if (CheckAndRecordWord(thr, cells, cell, &theirs) && !raced) {
      raced = true;
      prev_cell = theirs;
    }
    return true;
  };
  for (uptr b = RoundDownTo(addr, kBlockSize);; b += kBlockSize) {
    StaticSpinMutex *mu;
    ShadowBlock **head = shadow_table.Lock(b, &mu);
    BucketLock l(mu);
    ShadowBlock *block = shadow_table.FindOrCreate(head, b);
    bool whole = addr <= b && b + kBlockSize <= end;
    if (whole && !block->mixed) {
      record_word(block->cells[0], {0, kWordSize});  // every word is word 0
    } else {
      MakeMixed(block);
      uptr first = addr > b ? (addr - b) / kWordSize : 0;
      for (uptr i = first; i < kBlockWords && b + i * kWordSize < end; i++) {
        uptr w = b + i * kWordSize;
        record_word(block->cells[i], InWord(w, addr, end));
      }
      block->mixed = !whole || !AllWordsAlike(*block);
    }
    if (b == last_block)
      break;
  }
  NoteRecent(thr, addr, cur->size, is_write);
  if (UNLIKELY(raced)) {
    RaceAccess prev = RaceRecord(prev_cell.record);
    prev.clock = prev_cell.clock;
    prev.is_write = prev_cell.is_write;
    ReportRace(*cur, prev, made_now);
  }
}

static RaceAccess NewAccess(RaceThread *thr, uptr addr, uptr size,
                            bool is_write) {
  RaceAccess cur = {};
  cur.addr = addr;
  cur.size = size;
  cur.clock = thr->Epoch();
  cur.tid = thr->tid;
  cur.thread = thr->serial;
  cur.is_write = is_write;
  return cur;
}

void RaceAccessRangeSlow(RaceThread *thr, uptr addr, uptr size, bool is_write,
                         const char *call) {
  ErrnoSaver errno_saver;  // the stack capture may call into libunwind
  RaceAccess cur = NewAccess(thr, addr, size, is_write);
  bool described = false;
  RecordAccess(thr, &cur, call, &described);
}

// A run's bytes past its first access: as one access, with the first's stack.
static constexpr uptr kMaxRunBytes = 1024;

void FlushAccessRunSlow(RaceThread *thr) {
  AccessRun &run = thr->run;
  run.active = false;
  if (run.size == run.recorded || NumGc() != run.gc)
    return;  // nothing grew; or the memory may be another object's now
  ErrnoSaver errno_saver;
  RaceAccess cur = NewAccess(thr, run.addr, run.size, run.is_write);
  cur.clock = run.epoch;
  cur.stack = run.stack;
  cur.goid = run.goid;
  cur.call_fn = run.call_fn;
  cur.side = run.side;
  bool described = true;
  RecordAccess(thr, &cur, nullptr, &described);
}

void RaceRunAccess(RaceThread *thr, uptr addr, uptr size, bool is_write) {
  AccessRun &run = thr->run;
  if (run.active && run.is_write == is_write && run.epoch == thr->Epoch() &&
      addr == run.addr + run.size && run.size + size <= kMaxRunBytes) {
    run.size += size;
    NoteRecent(thr, addr, size, is_write);
    return;
  }
  FlushAccessRun(thr);
  ErrnoSaver errno_saver;
  RaceAccess cur = NewAccess(thr, addr, size, is_write);
  bool described = false;
  RecordAccess(thr, &cur, nullptr, &described);
  if (!described)
    return;  // nothing new: a run would have no stack to lend
  run = {addr, size, size, cur.clock, cur.stack, NumGc(), cur.goid,
         cur.call_fn, cur.side, is_write, true};
}

void LockShadowForFork() {
  shadow_table.LockAllBuckets();
  shadowed_granules_mu.Lock();
}

void UnlockShadowAfterFork() {
  shadowed_granules_mu.Unlock();
  shadow_table.UnlockAllBuckets();
}

}  // namespace __cgosan
