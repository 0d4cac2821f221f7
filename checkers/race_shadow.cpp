// race_shadow.cpp — the shadow: what happened last to each 8-byte word of
// memory that crossed the boundary, and the race check of a new access.
//
// Only memory some access was recorded for has a shadow (a node in a hash
// keyed by word address), so the cost follows what crosses the boundary,
// not the heap. Each word keeps up to kCells accesses (TSan's four shadow
// cells): the epoch, read/write, the whole range the access covered, its
// stack and its `where`. A new access by thread T races with a cell when
// their bytes in this word overlap, one of them writes, the cell is another
// thread's, and T has not seen the cell's epoch (vc_T[cell.tid] < clock).
// Then the new access takes a cell: it replaces the cells it supersedes (its
// own thread's accesses it covers, and, for a write, every covered access
// ordered before it: a later access racing with one of those races with the
// write too), else an empty cell, else a pseudo-random victim; losing a cell
// can only hide a race (as in TSan), never invent one.
// Allowed on purpose: nothing is reset when managed memory is freed (no
// object-death hook yet); a freed and reused object keeps its old accesses.
// Cost: one stack capture per access, one bucket lock per word.
#include "race.h"

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

void RaceAccessRange(RaceThread *thr, uptr addr, uptr size, bool is_write,
                     const char *where) {
  RaceAccess cur = {};
  cur.addr = addr;
  cur.size = size;
  cur.clock = thr->Epoch();
  cur.stack = CaptureStackIdFast();
  cur.tid = thr->tid;
  cur.is_write = is_write;
  cur.used = 1;
  cur.where = where;

  bool raced = false;
  RaceAccess prev;
  uptr end = addr + size < addr ? ~(uptr)0 : addr + size;  // no wrap
  for (uptr w = RoundDownTo(addr, kWordSize); w < end; w += kWordSize) {
    Bytes mine = InWord(w, addr, end - addr);
    StaticSpinMutex *mu;
    ShadowWord **head = shadow_table.Lock(w, &mu);
    BucketLock l(mu);
    ShadowWord *sw = shadow_table.FindOrCreate(head, w);
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
  if (UNLIKELY(raced))
    ReportRace(cur, prev);
}

}  // namespace __cgosan
