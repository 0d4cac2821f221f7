// race_shadow.cpp — the shadow: what happened last to each 8-byte word of
// memory that crossed the boundary, and the race check of a new access.
//
// Only memory some access was recorded for has a shadow, so the cost follows
// what crosses the boundary, not the heap. The shadow is made of blocks, one
// per 64 bytes touched, each with a spin lock: the managed arena's blocks are
// mapped directly (block i of the arena at a fixed place of a reserved map,
// committed by the pages touched: no hashing; its lock and shape in a map
// of two bytes a block); other memory (what the program records itself)
// has its blocks in a hash. Each word keeps up to kCells accesses (TSan's four shadow
// cells), 8 bytes each: the epoch, the thread, the type (read/write, atomic)
// and the bytes of the word it covered. The rest a report says of an access
// (its whole range, its stack and accessor) is in its thread's trace
// (race_trace.cpp), written once per access, not once per word. A block is
// 256 bytes for 64 bytes of memory, and its lock and shape two more.
// One word of an arena block whose words differ (`mixed`, below), and a
// whole uniform arena block, are checked and updated without the lock, one
// load or store per cell (as TSan's shadow); other ranges and blocks
// changing shape take the lock.
// Buffers cross the boundary whole (a row filled, a buffer passed to a
// call), so while every access to a block covers all of it, its eight words
// hold the same cells and the block keeps word 0's alone (`mixed` false): a
// whole-block access is one word's check, on one cache line. The first
// access to part of it copies word 0 to the others; a whole-block access
// that leaves all eight alike makes it uniform again.
// A new access by thread T races with a cell when their bytes in this word
// overlap, one of them writes, not both are atomic, the cell is another
// thread's, and T has not seen the cell's epoch (vc_T[cell.tid] < clock).
// Then the new access takes a cell: it replaces the cells it supersedes (its
// own thread's accesses it covers, and, for a plain write, every covered
// access ordered before it: a later access racing with one of those races
// with the write too), else an empty cell, else a pseudo-random victim;
// losing a cell can only hide a race (as in TSan), never invent one.
// When the collector frees a managed object, its words' shadow goes with it
// (RaceObjectDied, the object_died hook), so an object allocated at the same
// address later is not said to race with its predecessor; and, since a new
// object at a dead one's address must be checked afresh, every per-thread
// shortcut that remembers ranges (the recent ranges, race.h) forgets what it
// learnt before the collection (shadow_deaths). To keep the sweep cheap, a
// byte per 64 KiB granule of the arena says whether any word in it ever got
// a shadow; a dead object in unmarked granules costs one load.
// Allowed on purpose: only managed memory reaches the shadow from the
// interposer and the pass (foreign memory is recycled where the checker
// cannot see it: free(), a G stack reused); memory a program records itself
// keeps its shadow until the program says otherwise. A range longer than
// kMaxPiece (64 MiB) is recorded, and reported, as pieces of that size.
// Runs: pass-built code touches a buffer one store at a time (a fill loop is
// 256 one-byte or 16 sixteen-byte stores). A store that continues the
// thread's last recorded one (same kind, same epoch, no shadow freed since,
// adjacent, up to kMaxRunBytes, and with the same stack and accessor; for
// a run that grew, made by the same instruction in the same activation)
// joins its run instead of the shadow; the run's first store went to the
// shadow at once (the run is written only when a second store continues
// it: the first is found in the thread's trace), and the rest goes, as one
// access with the first's context, when the run ends: at the thread's next
// other access, before any edge it takes part in (a release or acquire: the
// run keeps its epoch and the knowledge it had), before the program's own
// records, and when the thread ends. Until then another thread does not see
// those bytes; if it races with them, the race is found when the run ends
// (reported from this side). A collection before the run ends keeps it
// unless the run's object died (then its first store's cell is gone: the
// memory may be a new object's, and the rest is dropped).
// Cost: one block lock per 64-byte block of a range (none for one word of a
// mixed block, nor for a whole uniform block of the arena); a context
// (race_records.cpp) and a trace event per
// access (or run) that adds something: for pass-built code a site-cache
// probe, else a stack walk. A repeat in the same epoch (no release since) of
// an access already recorded stops at the cells, or before any lock when the
// thread recorded the very same range lately (TSan's same-epoch shortcut;
// the report then shows the first such access's stack).
#include "race.h"

#include "heap/heap.h"

namespace __cgosan {

atomic_uint32_t shadow_deaths;

namespace {
constexpr uptr kCells = 4;
constexpr uptr kWordSize = 8;
constexpr uptr kBlockWords = 8;
constexpr uptr kBlockSize = kBlockWords * kWordSize;
constexpr uptr kMaxPiece = 1ull << 26;  // so `before` and `after` fit

// One access's share of one word: what the race check reads. hi == 0:
// empty. The access's whole range and context are in its thread's trace
// (race_trace.cpp), found by tid, clock and type. One word, no padding.
struct Cell {
  u32 clock;
  u8 tid;   // kMaxThreads <= 256
  u8 type;  // AccessType bits
  u8 lo;    // the bytes [lo, hi) of the word, 0 <= lo < hi <= 8
  u8 hi;
};
static_assert(sizeof(Cell) == 8, "a cell is one word");
static_assert(kMaxThreads <= 256, "Cell::tid is a byte");

inline u64 RawCell(const Cell &c) {
  u64 raw;
  __builtin_memcpy(&raw, &c, sizeof(raw));
  return raw;
}

inline bool SameCell(const Cell &a, const Cell &b) {
  return RawCell(a) == RawCell(b);
}

// Cells are read and written whole, with or without the block's lock (the
// lock-free word path, CheckAndRecordWord): one load or store each. The
// store releases and the load acquires, so a thread that finds a cell
// finds its access's event in the trace (race_trace.cpp), written before.
Cell LoadCell(const Cell *c) {
  u64 raw = __atomic_load_n(reinterpret_cast<const u64 *>(c), __ATOMIC_ACQUIRE);
  Cell cell;
  __builtin_memcpy(&cell, &raw, sizeof(cell));
  return cell;
}

void StoreCell(Cell *c, const Cell &cell) {
  __atomic_store_n(reinterpret_cast<u64 *>(c), RawCell(cell), __ATOMIC_RELEASE);
}

// A block's cells, a word's four on one cache line (the arena's blocks are
// 256 bytes from a page-aligned map, so every one starts a line).
struct ShadowBlock {
  Cell cells[kBlockWords][kCells];
};
static_assert(sizeof(ShadowBlock) % 64 == 0, "blocks start cache lines");

// A block's lock and shape, apart from its cells: the arena's in a map of
// their own, two bytes a block, so the lock-free path's test of `mixed`
// reads a line that stays in cache (32 blocks of memory per line) instead
// of one more line per block.
struct BlockState {
  StaticSpinMutex mu;  // the arena's blocks; a hashed block uses its bucket's
  // false (as created: all empty): every word has the cells of word 0, as
  // when each access so far covered the whole block (a buffer filled or
  // passed whole), and only cells[0] is kept: such an access is checked
  // against it alone, and touches one cache line of the block, not four.
  // The first access to part of the block copies word 0 to the others.
  bool mixed;
};

// A block of memory outside the arena, in the hash.
struct HashedBlock {
  uptr key;  // block address
  HashedBlock *next;
  BlockState state;
  ShadowBlock block;
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

static AddrTable<HashedBlock, 16381> shadow_table;

// A map reserved on first use and committed by the pages touched, made by
// whichever thread needs it first.
namespace {
struct LazyMap {
  atomic_uintptr_t map;
  StaticSpinMutex mu;
};
}  // namespace

static uptr Reserved(LazyMap *m, uptr size, const char *name) {
  uptr map = atomic_load(&m->map, memory_order_acquire);
  if (LIKELY(map))
    return map;
  SpinMutexLock l(&m->mu);
  map = atomic_load(&m->map, memory_order_relaxed);
  if (!map) {
    map = reinterpret_cast<uptr>(MmapNoReserveOrDie(size, name));
    atomic_store(&m->map, map, memory_order_release);
  }
  return map;
}

// The arena's blocks.
static LazyMap arena_blocks;

static ShadowBlock *ArenaBlocks() {
  return reinterpret_cast<ShadowBlock *>(Reserved(
      &arena_blocks, kArenaSize / kBlockSize * sizeof(ShadowBlock),
      "cgosan race shadow"));
}

static ShadowBlock *ArenaBlock(uptr b) {
  return &ArenaBlocks()[(b - arena_start) / kBlockSize];
}

static LazyMap arena_states;

static BlockState *ArenaStates() {
  return reinterpret_cast<BlockState *>(Reserved(
      &arena_states, kArenaSize / kBlockSize * sizeof(BlockState),
      "cgosan race shadow states"));
}

static BlockState *ArenaState(uptr b) {
  return &ArenaStates()[(b - arena_start) / kBlockSize];
}

namespace {
// The shadow block of the 64 bytes at b, locked for the scope; null when a
// block of memory outside the arena has no shadow and `create` is false.
class LockedBlock {
 public:
  LockedBlock(uptr b, bool create) {
    if (InArena(b)) {
      block_ = ArenaBlock(b);
      state_ = ArenaState(b);
      mu_ = &state_->mu;
      mu_->Lock();
      return;
    }
    HashedBlock **head = shadow_table.Lock(b, &mu_);
    HashedBlock *node = create ? shadow_table.FindOrCreate(head, b)
                               : shadow_table.Find(*head, b);
    block_ = node ? &node->block : nullptr;
    state_ = node ? &node->state : nullptr;
  }
  ~LockedBlock() { mu_->Unlock(); }
  ShadowBlock *get() const { return block_; }
  BlockState *state() const { return state_; }

 private:
  ShadowBlock *block_;
  BlockState *state_;
  StaticSpinMutex *mu_;
};
}  // namespace

// One byte per granule of the arena: 1 once a word in it got a shadow.
static constexpr uptr kGranuleShift = 16;
static LazyMap shadowed_granules;

static u8 *ShadowedGranules() {
  return reinterpret_cast<u8 *>(Reserved(&shadowed_granules,
                                         kArenaSize >> kGranuleShift,
                                         "cgosan race shadowed-granule map"));
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

static bool Shadowed(uptr granule) {
  uptr map = atomic_load(&shadowed_granules.map, memory_order_acquire);
  return map && reinterpret_cast<const u8 *>(map)[granule];
}

static bool AnyShadowed(uptr addr, uptr end) {
  uptr last = (end - 1 - arena_start) >> kGranuleShift;
  for (uptr i = (addr - arena_start) >> kGranuleShift; i <= last; i++)
    if (Shadowed(i))
      return true;
  return false;
}

// Gives every word of a uniform block word 0's cells, so it can change word
// by word.
static void MakeMixed(ShadowBlock *block, BlockState *state) {
  if (state->mixed)
    return;
  for (uptr i = 1; i < kBlockWords; i++)
    for (uptr k = 0; k < kCells; k++)
      StoreCell(&block->cells[i][k], LoadCell(&block->cells[0][k]));
  __atomic_store_n(&state->mixed, true, __ATOMIC_RELEASE);  // after the copies
}

// Whether the block may hold a cell, read without its lock: a block the
// checker never wrote reads as all zero (and stays uncommitted, where
// locking it would write). A cell being written as this reads can be missed
// only by a thread's own concurrent access, which ClearCells' callers do
// not have to see (a live thread's new access; an object that is dying).
static bool MaybeShadowed(const ShadowBlock *block, const BlockState *state) {
  if (__atomic_load_n(&state->mixed, __ATOMIC_RELAXED))
    return true;
  for (uptr k = 0; k < kCells; k++) {
    const u64 *word = reinterpret_cast<const u64 *>(&block->cells[0][k]);
    if (__atomic_load_n(word, __ATOMIC_RELAXED))
      return true;
  }
  return false;
}

// Empties the cells of the words of `block` (at b) for which `dead(word,
// cell)` says so; a block left empty is uniform again.
template <typename Dead>
static void ClearCells(ShadowBlock *block, BlockState *state, uptr b,
                       Dead dead) {
  bool empty = true;
  for (uptr i = 0; i < (state->mixed ? kBlockWords : 1); i++)
    for (uptr k = 0; k < kCells; k++) {
      Cell c = LoadCell(&block->cells[i][k]);
      if (c.hi && dead(b + i * kWordSize, c)) {
        StoreCell(&block->cells[i][k], Cell{});
        c.hi = 0;
      }
      empty &= c.hi == 0;
    }
  if (empty)
    __atomic_store_n(&state->mixed, false, __ATOMIC_RELAXED);
}

// Empties the cells of the dead bytes [base, end) in block b, locked.
static void ClearDeadWords(const LockedBlock &l, uptr b, uptr base, uptr end) {
  if (base > b || end < b + kBlockSize)
    MakeMixed(l.get(), l.state());  // part of it dies
  ClearCells(l.get(), l.state(), b, [&](uptr w, const Cell &) {
    return w + kWordSize > base && w < end;
  });
}

// A foreign heap's object died (heap_registry.cpp): its blocks, hashed, are
// looked up without being made; deaths are counted only when one had cells.
static void ForeignObjectDied(uptr base, uptr end) {
  bool cleared = false;
  for (uptr b = RoundDownTo(base, kBlockSize); b < end; b += kBlockSize) {
    LockedBlock l(b, /*create=*/false);
    if (!l.get() || !MaybeShadowed(l.get(), l.state()))
      continue;
    ClearDeadWords(l, b, base, end);
    cleared = true;
  }
  if (cleared)
    atomic_fetch_add(&shadow_deaths, 1, memory_order_relaxed);
}

void RaceObjectDied(uptr base, uptr size) {
  uptr end = base + size;
  if (!InArena(base))
    return ForeignObjectDied(base, end);
  if (!AnyShadowed(base, end))
    return;
  for (uptr b = RoundDownTo(base, kBlockSize); b < end; b += kBlockSize) {
    if (!MaybeShadowed(ArenaBlock(b), ArenaState(b)))
      continue;
    LockedBlock l(b, /*create=*/false);
    ClearDeadWords(l, b, base, end);
  }
  atomic_fetch_add(&shadow_deaths, 1, memory_order_relaxed);
}

// Calls fn(b) for the address b of every block of the arena's granules
// that have shadow: a walk of the granules, block by block.
template <typename Fn>
static void ForEachBlockOfShadowedGranules(Fn fn) {
  if (!atomic_load(&shadowed_granules.map, memory_order_acquire))
    return;
  constexpr uptr kGranuleBytes = 1ull << kGranuleShift;
  for (uptr g = 0; g < kArenaSize >> kGranuleShift; g++) {
    if (!Shadowed(g))
      continue;
    uptr from = arena_start + g * kGranuleBytes;
    for (uptr b = from; b < from + kGranuleBytes; b += kBlockSize)
      fn(b);
  }
}

// Calls fn(b) for the address b of every arena block that may hold cells.
template <typename Fn>
static void ForEachShadowedArenaBlock(Fn fn) {
  ForEachBlockOfShadowedGranules([&](uptr b) {
    if (MaybeShadowed(ArenaBlock(b), ArenaState(b)))
      fn(b);
  });
}

void ForgetThreadsAccesses(const u64 *tids) {
  auto of_tids = [&](uptr, const Cell &c) {
    return tids[c.tid / 64] >> (c.tid % 64) & 1;
  };
  shadow_table.ForEachBucket([&](HashedBlock **head) {
    for (HashedBlock *node = *head; node; node = node->next)
      ClearCells(&node->block, &node->state, node->key, of_tids);
  });
  ForEachShadowedArenaBlock([&](uptr b) {
    LockedBlock l(b, /*create=*/false);
    ClearCells(l.get(), l.state(), b, of_tids);
  });
}

// A word's cells as read, one load each: the same-epoch test and the check
// of a one-word access work on these values (RaceWordAccess).
struct WordCells {
  Cell c[kCells];
};
static ALWAYS_INLINE WordCells LoadWordCells(const Cell *cells) {
  WordCells w;
  for (uptr i = 0; i < kCells; i++)
    w.c[i] = LoadCell(&cells[i]);
  return w;
}

// TSan's same-epoch shortcut for one word: it already holds an access of
// this thread, in this epoch, at least as strong, covering these bytes. Then
// the new access adds nothing: any race it has, that one had (and reported).
static ALWAYS_INLINE bool RecordedInThisEpoch(const WordCells &w, Bytes mine,
                                              u8 tid, u32 clock, u8 type) {
  for (uptr i = 0; i < kCells; i++) {
    const Cell &c = w.c[i];
    if (c.hi && c.tid == tid && c.clock == clock && TypeCovers(c.type, type) &&
        c.lo <= mine.lo && mine.hi <= c.hi)
      return true;
  }
  return false;
}
static bool RecordedInThisEpoch(const Cell *cells, Bytes mine, u8 tid,
                                u32 clock, u8 type) {
  return RecordedInThisEpoch(LoadWordCells(cells), mine, tid, clock, type);
}

// Remembers a range recorded in this epoch (RecentlyRecorded, race.h).
static void NoteRecent(RaceThread *thr, uptr addr, uptr size, u8 type) {
  if (size > ~(u32)0)
    return;
  RecentAccess *r = RecentSlot(thr, addr, size);
  r->addr = addr;
  r->size = static_cast<u32>(size);
  r->epoch = thr->Epoch();
  r->deaths = atomic_load(&shadow_deaths, memory_order_relaxed);
  r->type = type;
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

// The context of the calling thread's access now, from a stack walk.
static NOINLINE u32 CaptureContext(RaceThread *thr, const char *call,
                                   const AccessSite &site) {
  ErrnoSaver errno_saver;  // the stack capture may call into libunwind
  RaceAccess a = {};
  DescribeAccessor(call, &a);
  a.stack = site.entry_fp ? CaptureStackIdFastAt(site.entry_fp, &thr->stacks)
                          : CaptureStackIdFast(&thr->stacks);
  a.thread = thr->serial;
  return InternContext(thr, a);
}

// The context of the calling thread's access now: through the site cache
// for pass-built code (inline), else from a stack walk.
static ALWAYS_INLINE u32 ContextNow(RaceThread *thr, const char *call,
                                    const AccessSite &site) {
  return SiteContext(thr, site, [&] { return CaptureContext(thr, call, site); });
}

static bool Races(const Cell &c, const Cell &cur, bool ordered) {
  bool overlap = cur.lo < c.hi && c.lo < cur.hi;
  bool writes = (cur.type | c.type) & kAccessWrite;
  bool both_atomic = cur.type & c.type & kAccessAtomic;
  return overlap && !ordered && writes && !both_atomic;
}

// Checks the new access against one word's cells and takes a cell for it.
// Returns true, with *raced_with, the first time a cell races with it.
// Each cell is one load and at most one store, so this runs with or
// without the block's lock: another thread updating the word at the same
// moment may overwrite the cell taken here, or this the one it took (as in
// TSan): a lost cell, like an evicted one, can hide a race, never invent one.
// `seen`: the cells as read (LoadWordCells), maybe a moment ago: the same
// as a read made now that another thread's update overtook.
static ALWAYS_INLINE bool CheckAndRecordSeen(RaceThread *thr, Cell *cells,
                                             const WordCells &seen, Cell cur,
                                             Cell *raced_with) {
  bool raced = false;
  Cell *slot = nullptr;
  for (uptr i = 0; i < kCells; i++) {
    Cell c = seen.c[i];
    if (!c.hi) {
      if (!slot)
        slot = &cells[i];
      continue;
    }
    bool covers = cur.lo <= c.lo && c.hi <= cur.hi;
    bool same_thread = c.tid == cur.tid;
    bool ordered = same_thread || thr->Saw(c.tid, c.clock);
    if (Races(c, cur, ordered)) {
      if (!raced) {
        raced = true;
        *raced_with = c;
      }
      continue;  // stays: it may race with others too
    }
    // Superseded: the same thread's covered access of the same or weaker
    // type, or (for a plain write) any covered access ordered before it.
    if (covers && ((same_thread && TypeCovers(cur.type, c.type)) ||
                   (cur.type == kAccessWrite && ordered))) {
      if (!slot)
        slot = &cells[i];
      else
        StoreCell(&cells[i], Cell{});
    }
  }
  if (!slot)
    slot = &cells[(cur.clock + reinterpret_cast<uptr>(cells) / sizeof(Cell)) % kCells];
  StoreCell(slot, cur);
  return raced;
}
// A plain write of the whole word (`x += y` on a long, whose read the pass
// drops) covers every cell: a cell of this thread and epoch that covers it
// at least as strongly is this very cell, so the same-epoch test is one
// compare a cell; and when every cell is empty, this thread's or ordered
// before it, none races and each is superseded, so CheckAndRecordSeen's
// outcome is the write in the first cell and the others empty. Returns
// false, storing nothing, when a cell may race: the general check decides.
static ALWAYS_INLINE bool HoldsCell(const WordCells &seen, Cell cur) {
  u64 raw = RawCell(cur);
  bool held = false;
  for (uptr i = 0; i < kCells; i++)
    held |= RawCell(seen.c[i]) == raw;
  return held;
}
static ALWAYS_INLINE bool RecordedOrderedWholeWrite(RaceThread *thr,
                                                   Cell *cells,
                                                   const WordCells &seen,
                                                   Cell cur) {
  for (uptr i = 0; i < kCells; i++) {
    const Cell &c = seen.c[i];
    if (c.hi && c.tid != cur.tid && !thr->Saw(c.tid, c.clock))
      return false;
  }
  StoreCell(&cells[0], cur);
  for (uptr i = 1; i < kCells; i++)
    if (seen.c[i].hi)
      StoreCell(&cells[i], Cell{});
  return true;
}

static bool CheckAndRecordWord(RaceThread *thr, Cell *cells, Cell cur,
                               Cell *raced_with) {
  return CheckAndRecordSeen(thr, cells, LoadWordCells(cells), cur, raced_with);
}

// Every word holds the same cells: a whole-block access may make a mixed
// block uniform again (a write supersedes what it is ordered after).
static bool AllWordsAlike(const ShadowBlock &block) {
  for (uptr i = 1; i < kBlockWords; i++)
    for (uptr k = 0; k < kCells; k++)
      if (!SameCell(LoadCell(&block.cells[i][k]),
                    LoadCell(&block.cells[0][k])))
        return false;
  return true;
}

// The access a cell of the word at w stands for, as a report describes it:
// from its thread's trace; if the trace lost it, the cell's bytes and the
// thread, with no stack.
static RaceAccess AccessOfCell(const Cell &c, uptr w) {
  RaceAccess a = {};
  if (!RestoreAccess(c.tid, c.clock, c.type, w + c.lo, w + c.hi, &a)) {
    a.addr = w + c.lo;
    a.size = c.hi - c.lo;
    RaceThread *owner = RaceThreadOfTid(c.tid);
    a.thread = owner ? owner->serial : 0;
    a.side = kSideForeign;
  }
  a.clock = c.clock;
  a.tid = static_cast<u16>(c.tid);
  a.is_write = c.type & kAccessWrite;
  a.is_atomic = (c.type & kAccessAtomic) != 0;
  return a;
}

// The access being recorded, and how its context is made if a word needs it.
struct PendingAccess {
  uptr addr, end;  // end - addr <= kMaxPiece
  u32 clock;
  u8 type;
  u32 context;     // 0 until a word needs it
  const char *call;
  const AccessSite *site;
  bool traced;     // its event is in the thread's trace
};

// Makes the access's context if it has none yet, and appends its event to
// the thread's trace, before its first cell is stored.
static ALWAYS_INLINE void TraceOnce(RaceThread *thr, PendingAccess *p) {
  if (p->traced)
    return;
  if (!p->context)
    p->context = ContextNow(thr, p->call, *p->site);
  TraceAccess(thr, p->addr, p->end - p->addr, p->clock, p->type, p->context);
  p->traced = true;
}

// Reports the race of the access p (made by thr) with the cell `theirs` of
// the word at w; made_now as for RecordPiece.
static NOINLINE void ReportRaceWithCell(RaceThread *thr, const PendingAccess &p,
                                        const Cell &theirs, uptr w,
                                        bool made_now) {
  ErrnoSaver errno_saver;  // the report prints
  RaceAccess cur = RaceContext(p.context);
  cur.addr = p.addr;
  cur.size = p.end - p.addr;
  cur.clock = p.clock;
  cur.tid = thr->tid;
  cur.is_write = p.type & kAccessWrite;
  cur.is_atomic = (p.type & kAccessAtomic) != 0;
  ReportRace(cur, AccessOfCell(theirs, w), made_now);
}


// Records [addr, addr + size), inside one word of the arena, for a plain
// access of pass-built code made now at `site`: RecordPiece's work for one
// word, without its loop. Returns false when the word already held it.
static bool RecordWord(RaceThread *thr, uptr addr, uptr size, u8 type,
                       const AccessSite &site) {
  uptr end = addr + size;
  uptr w = RoundDownTo(addr, kWordSize), b = RoundDownTo(w, kBlockSize);
  NoteShadowed(addr, end);
  Bytes mine = InWord(w, addr, end);
  u8 tid = static_cast<u8>(thr->tid);
  PendingAccess p = {addr, end, thr->Epoch(), type, 0, nullptr, &site, false};
  Cell theirs;
  bool raced;
  ShadowBlock *block = ArenaBlock(b);
  BlockState *state = ArenaState(b);
  Cell *cells = block->cells[(w - b) / kWordSize];
  Cell cell = {p.clock, tid, type, mine.lo, mine.hi};
  if (LIKELY(__atomic_load_n(&state->mixed, __ATOMIC_ACQUIRE))) {
    // Words of their own: no lock (CheckAndRecordWord). A whole-block
    // access making the block uniform meanwhile drops this cell, as an
    // eviction would.
    TraceOnce(thr, &p);
    raced = CheckAndRecordWord(thr, cells, cell, &theirs);
  } else {
    SpinMutexLock l(&state->mu);
    // A uniform block's word 0 cells are every word's.
    if (!state->mixed) {
      if (RecordedInThisEpoch(block->cells[0], mine, tid, p.clock, type))
        return false;
      MakeMixed(block, state);
    }
    if (RecordedInThisEpoch(cells, mine, tid, p.clock, type))
      return false;
    TraceOnce(thr, &p);
    raced = CheckAndRecordWord(thr, cells, cell, &theirs);
  }
  if (UNLIKELY(raced))
    ReportRaceWithCell(thr, p, theirs, w, /*made_now=*/true);
  return true;
}

// A uniform block of the arena, without its lock: a whole-block access is
// one word's check and record (its word 0 is every word: CheckAndRecordWord,
// one load or store per cell, as for a word of a mixed block); a part of it
// needs nothing when word 0 holds this thread's access of this epoch, at
// least as strong, over the whole word. True when that settled the block;
// false: it needs the lock. A thread making the block mixed meanwhile
// copies word 0 before or after this record: a lost cell, as an eviction.
template <typename RecordWordFn>
static ALWAYS_INLINE bool UniformArenaBlockDone(RaceThread *thr,
                                                const PendingAccess *p, uptr b,
                                                bool whole,
                                                RecordWordFn record_word) {
  if (__atomic_load_n(&ArenaState(b)->mixed, __ATOMIC_ACQUIRE))
    return false;
  Cell *word0 = ArenaBlock(b)->cells[0];
  if (whole) {
    record_word(word0, b, Bytes{0, kWordSize});
    return true;
  }
  return RecordedInThisEpoch(word0, {0, kWordSize}, static_cast<u8>(thr->tid),
                             p->clock, p->type);
}

// Records [p->addr, p->end) at epoch p->clock, checking it against each
// word's cells. Returns false when every word already held it (this thread,
// this epoch: nothing new, and no context made). A race is reported from
// here: `made_now` says the access is being made (its stack is the
// report's), else it is a run's rest, made earlier with p->context's stack.
static bool RecordPiece(RaceThread *thr, PendingAccess *p, bool made_now) {
  uptr addr = p->addr, end = p->end;
  bool recorded = false, raced = false;
  Cell prev_cell;
  uptr prev_word = 0;
  NoteShadowed(addr, end);
  uptr last_block = RoundDownTo(end - 1, kBlockSize);
  for (uptr b = RoundDownTo(addr, kBlockSize);; b += kBlockSize) {
    // One word of this block: the check and the record.
    // One word of this block (at w; for a uniform block's word 0, the
    // first word of the access in it): the check and the record.
    auto record_word = [&](Cell *cells, uptr w, Bytes mine) {
      if (RecordedInThisEpoch(cells, mine, static_cast<u8>(thr->tid), p->clock,
                              p->type))
        return;
      TraceOnce(thr, p);
      Cell cell = {p->clock, static_cast<u8>(thr->tid), p->type, mine.lo, mine.hi};
      recorded = true;
      Cell theirs;
      if (CheckAndRecordWord(thr, cells, cell, &theirs) && !raced) {
        raced = true;
        prev_cell = theirs;
        prev_word = w;
      }
    };
    bool whole = addr <= b && b + kBlockSize <= end;
    if (InArena(b) && UniformArenaBlockDone(thr, p, b, whole, record_word)) {
      if (b == last_block)
        break;
      continue;
    }
    LockedBlock l(b, /*create=*/true);
    ShadowBlock *block = l.get();
    BlockState *state = l.state();
    if (whole && !state->mixed) {
      record_word(block->cells[0], b, {0, kWordSize});  // every word is word 0
    } else if (!state->mixed &&
               RecordedInThisEpoch(block->cells[0], {0, kWordSize},
                                   static_cast<u8>(thr->tid), p->clock, p->type)) {
      // part of a uniform block whose every word this thread accessed in
      // this epoch, at least as strongly: nothing to add, and the block
      // stays uniform
    } else {
      MakeMixed(block, state);
      uptr first = addr > b ? (addr - b) / kWordSize : 0;
      for (uptr i = first; i < kBlockWords && b + i * kWordSize < end; i++) {
        uptr w = b + i * kWordSize;
        record_word(block->cells[i], w, InWord(w, addr, end));
      }
      __atomic_store_n(&state->mixed, !whole || !AllWordsAlike(*block),
                       __ATOMIC_RELAXED);
    }
    if (b == last_block)
      break;
  }
  if (UNLIKELY(raced))
    ReportRaceWithCell(thr, *p, prev_cell, prev_word, made_now);
  return recorded;
}

// Records [addr, addr + size), in pieces of at most kMaxPiece bytes.
static bool RecordAccess(RaceThread *thr, uptr addr, uptr size,
                         PendingAccess *p, bool made_now) {
  uptr end = addr + size < addr ? ~(uptr)0 : addr + size;  // no wrap
  bool recorded = false;
  for (uptr from = addr; from < end; from += Min(end - from, kMaxPiece)) {
    p->addr = from;
    p->traced = false;  // each piece is an event of its own
    p->end = from + Min(end - from, kMaxPiece);
    recorded |= RecordPiece(thr, p, made_now);
    if (p->end == end)
      break;
  }
  NoteRecent(thr, addr, size, p->type);
  return recorded;
}

void RaceAccessRangeSlow(RaceThread *thr, uptr addr, uptr size, u8 type,
                         const char *call, const AccessSite &site) {
  PendingAccess p = {0, 0, thr->Epoch(), type, 0, call, &site, false};
  RecordAccess(thr, addr, size, &p, /*made_now=*/true);
}

// A run's bytes past its first access: as one access, with the first's context.
static constexpr uptr kMaxRunBytes = 1024;

// The run's first store is still in the shadow: its object has not died
// (a death empties the dead words' cells) since the run began.
static bool RunStillShadowed(RaceThread *thr, const AccessRun &run) {
  uptr w = RoundDownTo(run.addr, kWordSize);
  uptr b = RoundDownTo(w, kBlockSize);
  LockedBlock l(b, /*create=*/false);
  if (!l.get())
    return false;
  const Cell *cells = l.get()->cells[l.state()->mixed ? (w - b) / kWordSize : 0];
  for (uptr k = 0; k < kCells; k++) {
    Cell c = LoadCell(&cells[k]);
    if (c.hi && c.tid == thr->tid && c.clock == run.epoch &&
        c.type == (run.is_write ? kAccessWrite : kAccessRead))
      return true;
  }
  return false;
}

void FlushAccessRunSlow(RaceThread *thr) {
  AccessRun &run = thr->run;
  run.active = false;
  // A collection freed shadowed memory since: the memory may be a new
  // object's, if the run's object died (its first store's cell is gone);
  // else the run stands.
  if (atomic_load(&shadow_deaths, memory_order_relaxed) != run.deaths &&
      !RunStillShadowed(thr, run))
    return;
  u8 type = run.is_write ? kAccessWrite : kAccessRead;
  PendingAccess p = {0, 0, run.epoch, type, run.context, nullptr, nullptr, false};
  RecordAccess(thr, run.addr, run.size, &p, /*made_now=*/false);
}

static bool SameSite(const AccessSite &a, const AccessSite &b) {
  return a.pc == b.pc && a.fp == b.fp && a.version == b.version;
}

// Whether a plain access of [addr, addr + size) by pass-built code, made
// now at `site`, continues the thread's run: right after its bytes, of the
// same kind, in its epoch, no shadow freed since it began, at most
// kMaxRunBytes in all, made by the same instruction in the same activation.
static ALWAYS_INLINE bool ContinuesRun(const AccessRun &run, uptr addr,
                                       uptr size, bool is_write, u32 epoch,
                                       u32 deaths, const AccessSite &site) {
  return run.active && run.is_write == is_write && run.epoch == epoch &&
         addr == run.addr + run.size && run.size + size <= kMaxRunBytes &&
         run.deaths == deaths && SameSite(site, run.site);
}

// Makes the thread's run when that access continues its last recorded one
// (its trace's newest event), whose bytes are in the shadow: right after
// them, of the same type, in the same epoch, no shadow freed since it was
// recorded, at most kMaxRunBytes in all, and with the same context (the
// same stack and accessor, so the run's report is the one either access
// would make). Only then is a run written: an access that continues
// nothing costs no run record, only the event it writes anyway.
static ALWAYS_INLINE bool StartedRun(RaceThread *thr, uptr addr, uptr size,
                                     u8 type, u32 epoch, u32 deaths,
                                     const AccessSite &site) {
  TracedAccess last;
  if (!LastTracedAccess(&thr->trace, &last) || last.addr + last.size != addr)
    return false;
  if (last.type != type || last.epoch != epoch ||
      thr->deaths_before_last_event != deaths ||
      last.size + size > kMaxRunBytes ||
      ContextNow(thr, nullptr, site) != last.context)
    return false;
  thr->run = {last.addr, last.size + size, last.size, site, epoch,
              last.context, deaths, static_cast<u8>(type & kAccessWrite), true};
  return true;
}

void RaceRunAccess(RaceThread *thr, uptr addr, uptr size, bool is_write,
                   const AccessSite &site) {
  AccessRun &run = thr->run;
  u8 type = is_write ? kAccessWrite : kAccessRead;
  u32 epoch = thr->Epoch();
  u32 deaths = atomic_load(&shadow_deaths, memory_order_relaxed);
  if (ContinuesRun(run, addr, size, is_write, epoch, deaths, site)) {
    run.size += size;
    NoteRecent(thr, addr, size, type);
    return;
  }
  if (run.active) {
    FlushAccessRunSlow(thr);
  } else if (StartedRun(thr, addr, size, type, epoch, deaths, site)) {
    NoteRecent(thr, addr, size, type);
    return;
  }
  PendingAccess p = {0, 0, epoch, type, 0, nullptr, &site, false};
  if (RecordAccess(thr, addr, size, &p, /*made_now=*/true))
    thr->deaths_before_last_event = deaths;
}

void RaceWordAccess(RaceThread *thr, uptr addr, uptr size, u8 type, uptr fp) {
  const AccessSite site = SiteOfCaller(fp);
  AccessRun &run = thr->run;
  u32 epoch = thr->Epoch();
  u32 deaths = atomic_load(&shadow_deaths, memory_order_relaxed);
  bool is_write = type & kAccessWrite;
  if (run.active && run.epoch == epoch && run.deaths == deaths &&
      addr >= run.addr && addr + size <= run.addr + run.size &&
      TypeCovers(run.is_write ? kAccessWrite : kAccessRead, type))
    return;  // a member of the run: its bytes go to the shadow later
  uptr w = RoundDownTo(addr, kWordSize), b = RoundDownTo(w, kBlockSize);
  uptr index = (b - arena_start) / kBlockSize;
  BlockState *state = &ArenaStates()[index];
  bool mixed = __atomic_load_n(&state->mixed, __ATOMIC_ACQUIRE);
  Cell *cells = ArenaBlocks()[index].cells[mixed ? (w - b) / kWordSize : 0];
  Bytes mine = {static_cast<u8>(addr - w), static_cast<u8>(addr - w + size)};  // InOneWord
  u8 tid = static_cast<u8>(thr->tid);
  WordCells seen = LoadWordCells(cells);
  Cell cell = {epoch, tid, type, mine.lo, mine.hi};
  bool whole_write = type == kAccessWrite && mine.lo == 0 && mine.hi == kWordSize;
  if (whole_write ? HoldsCell(seen, cell)
                  : RecordedInThisEpoch(seen, mine, tid, epoch, type))
    return;  // the same-epoch shortcut, read from the shadow without a lock
  if (ContinuesRun(run, addr, size, is_write, epoch, deaths, site)) {
    run.size += size;
    return;
  }
  // The run ends: its bytes may change this word's cells.
  bool flushed = run.active;
  if (flushed)
    FlushAccessRunSlow(thr);
  else if (StartedRun(thr, addr, size, type, epoch, deaths, site))
    return;
  if (LIKELY(mixed && !flushed)) {
    // The cells read above, without a lock (CheckAndRecordWord). A mixed
    // block's granule is marked already (NoteShadowed came before it was
    // made mixed). A whole-block access making the block uniform meanwhile
    // drops this cell, as an eviction would.
    u32 context = ContextNow(thr, nullptr, site);
    TraceAccess(thr, addr, size, epoch, type, context);
    Cell theirs;
    if (LIKELY(whole_write && RecordedOrderedWholeWrite(thr, cells, seen, cell))) {
      // recorded: nothing raced
    } else if (UNLIKELY(CheckAndRecordSeen(thr, cells, seen, cell, &theirs))) {
      PendingAccess p = {addr,    addr + size, epoch, type, context,
                         nullptr, &site,       true};
      ReportRaceWithCell(thr, p, theirs, w, /*made_now=*/true);
    }
  } else if (!RecordWord(thr, addr, size, type, site)) {
    return;  // nothing new, so no event
  }
  thr->deaths_before_last_event = deaths;
}

// The hashed blocks' buckets and the maps' locks are taken around fork. The
// arena's blocks have a lock each, too many to take: in the child, where the
// forking thread is the only thread and holds none, every one a thread held
// at the fork is released (ReleaseArenaBlocksInChild). A block that thread
// was updating may keep a half-made cell: a race can be missed or, rarely,
// a stale cell reported in the child.
void LockShadowForFork() {
  shadow_table.LockAllBuckets();
  shadowed_granules.mu.Lock();
  arena_blocks.mu.Lock();
  arena_states.mu.Lock();
}

void UnlockShadowAfterFork() {
  arena_states.mu.Unlock();
  arena_blocks.mu.Unlock();
  shadowed_granules.mu.Unlock();
  shadow_table.UnlockAllBuckets();
}

// Every block of a shadowed granule, cells or none: a thread may have held
// the lock of a block that had none yet (NoteShadowed marks the granule
// before RecordPiece locks the block, and its first cell waits for the
// access's context, a stack capture that may wait on a lock the forking
// thread holds) or none any more (ClearCells emptied it). Such a block,
// left locked, would hang the child's first access to it, as a new
// object at a lost thread's collected one's address.
// Read first: a block never locked stays on an untouched page.
void ReleaseArenaBlocksInChild() {
  static_assert(sizeof(StaticSpinMutex) == 1, "a block's lock is one byte");
  ForEachBlockOfShadowedGranules([](uptr b) {
    auto *lock = reinterpret_cast<volatile u8 *>(&ArenaState(b)->mu);
    if (*lock)
      *lock = 0;
  });
}

}  // namespace __cgosan
