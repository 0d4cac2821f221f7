// race.h — the happens-before engine of rule 5, shared by race*.cpp.
//
// Time is counted per thread (an OS thread; an M runs on exactly one, so this
// is "per M"): each thread has a tid and a vector clock, whose own entry is
// the thread's epoch. An access is recorded as the epoch (tid, clock) it
// happened at; a later access by thread u is ordered after it exactly when
// u's vector clock has caught up: vc_u[tid] >= clock (FastTrack's epochs, as
// in TSan v3). Clocks travel only through sync objects: a release joins the
// thread's clock into the object's and then ticks the thread's own entry; an
// acquire joins the object's clock into the thread's.
//
// Clocks are fixed arrays of kMaxThreads 32-bit entries (1 KiB); a join
// reads only the entries of tids handed out so far (a program's thread count,
// not kMaxThreads). A thread also keeps the ranges it recorded lately, so
// repeating one in the same epoch costs no lock. Tids of ended threads are
// reclaimed when fresh ones run out (race_threads.cpp).
//
// Sync objects, and the shadow of accessed memory outside the managed arena,
// live in AddrTables: hashed buckets, each a spin lock and a list of nodes
// from sanitizer_common's internal allocator (no malloc); the arena's shadow
// is mapped directly (race_shadow.cpp). A sync object lives until the
// primitive at its address is destroyed (pthread_*_destroy, sem_destroy; an
// address the program names itself, for ever); the shadow of a managed
// object goes when the collector frees the object.
#ifndef CGOSAN_CHECKERS_RACE_H
#define CGOSAN_CHECKERS_RACE_H

#include "report.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

// The addresses whose accesses the race checker records from pass-built
// code: {lo, size}. The clang pass (-cgosan-race) tests each access before
// it calls an entry: __cgosan_race_writeN(p) runs only if p - lo < size
// (unsigned), so race=off and memory that is not managed cost two loads, a
// subtract, a compare and a branch. InitializeRace sets it once, after the
// flags: {0, 0} for race=off, {arena_start, kArenaSize} for go and precise
// (only managed memory reaches the shadow from the pass). Until then it is
// {0, ~0}: every access calls its entry, whose first call initialises the
// checker, so code that runs before the load-time constructor loses nothing.
// Instrumented code reads it with plain loads, as ASan's code reads
// __asan_shadow_memory_dynamic_address. The entries keep their own checks:
// hand-written callers and binaries built before the guard call them
// unguarded. Exported with the entries (rtl/cgosan.map, __cgosan_race_*).
extern "C" SANITIZER_INTERFACE_ATTRIBUTE __sanitizer::uptr
    __cgosan_race_tracked[2];

// Bumped by pass-built code each time an instrumented function that records
// accesses returns (RaceAccesses.cpp: an inline thread-local increment, at
// every exit, an exception's included): while it has not moved, no such
// function returned, so the activation whose frame made an earlier access
// at the same pc is still the one running, and its whole stack is the same.
// Exported with the entries (initial-exec TLS of libcgosan).
extern "C" SANITIZER_INTERFACE_ATTRIBUTE THREADLOCAL __sanitizer::uptr
    __cgosan_race_frame_version;

namespace __cgosan {

enum RaceMode : u32 {
  kRaceUninitialized = 0,
  kRaceOff = 1,
  kRaceGo = 2,
  kRacePrecise = 3,
};
extern atomic_uint32_t race_mode;
// Reads the race flag, installs the hooks and sets __cgosan_race_tracked;
// once. Returns the mode.
RaceMode InitializeRace();
ALWAYS_INLINE RaceMode RaceModeNow() {
  u32 mode = atomic_load(&race_mode, memory_order_acquire);
  return LIKELY(mode != kRaceUninitialized) ? static_cast<RaceMode>(mode)
                                            : InitializeRace();
}

constexpr uptr kMaxThreads = 256;
constexpr u16 kNoTid = 0xffff;

// How many tids were ever handed out (race_threads.cpp): entries past it
// are zero in every clock.
uptr TidsInUse();

struct VectorClock {
  u32 clk[kMaxThreads];
  void Join(const VectorClock &other) {
    uptr n = TidsInUse();
    for (uptr i = 0; i < n; i++)
      clk[i] = clk[i] > other.clk[i] ? clk[i] : other.clk[i];
  }
};

// What an access did to its bytes: the bits of a shadow cell's type.
enum AccessType : u8 {
  kAccessRead = 0,
  kAccessWrite = 1,
  kAccessAtomic = 2,  // two atomic accesses never race (C11, TSan)
};
// A recorded access of type `had` makes a new one of type `now` redundant
// (same thread, same epoch, same bytes): every access that races with `now`
// races with `had`. A plain write covers everything; a read is covered by
// any write; an atomic access never covers a plain one.
ALWAYS_INLINE bool TypeCovers(u8 had, u8 now) {
  return ((had & kAccessWrite) || !(now & kAccessWrite)) &&
         (!(had & kAccessAtomic) || (now & kAccessAtomic));
}

// A range the thread recorded lately, with the epoch and type it was
// recorded in (race_shadow.cpp's per-thread shortcut).
struct RecentAccess {
  uptr addr;
  u32 size;
  u32 epoch;  // 0: empty
  u32 deaths;  // shadow_deaths when recorded: a death since voids it
  u8 type;
};
constexpr uptr kRecentAccesses = 512;  // a power of two
// Counts the deaths of objects that had a shadow (race_shadow.cpp): a range
// a thread recorded before one may now be another object's, so the
// shortcuts that remember ranges trust only entries made since.
extern atomic_uint32_t shadow_deaths;

// Where pass-built code accessed memory from: the access's return address,
// the frame of the instrumented function that made it, and the thread's
// frame version (__cgosan_race_frame_version, above); pc zero: not known
// (the program's own records, the interposer's). entry_fp: the frame of the
// runtime's entry point, where a stack walk starts (so the runtime's own
// frames take none of its depth); zero: the walk starts where it is made.
struct AccessSite {
  uptr pc, fp;
  uptr version;
  uptr entry_fp;
};
// Where the pass-built caller of the entry whose frame is `fp` made its
// access (race.h): the entry's return address, the caller's frame, the
// thread's frame version.
ALWAYS_INLINE AccessSite SiteOfCaller(uptr fp) {
  const uptr *frame = reinterpret_cast<const uptr *>(fp);
  return {frame[1], frame[0], __cgosan_race_frame_version, fp};
}

// A thread's cache of the contexts of its pass-built access sites
// (race_records.cpp): direct-mapped by site.
struct SiteCacheEntry {
  AccessSite site;
  u32 context;  // 0: empty
};
constexpr uptr kSiteCache = 256;  // a power of two

// The contexts a thread made, by content (race_records.cpp): an
// open-addressing table of its own, grown as needed, so interning takes no
// lock. Zero-initialised: empty.
struct ContextSlot {
  u64 hash;  // 0: empty
  u32 id;
};
struct ContextMap {
  ContextSlot *slots;
  uptr capacity;  // a power of two, or 0
  uptr used;
};

// Which side of the boundary made an access.
enum RaceSide : u8 {
  kSideManaged = 0,  // managed code, running on a G
  kSideForeign = 1,  // foreign code: on a system stack, or for a foreign call
};

// Adjacent accesses of pass-built code merged into one (race_shadow.cpp): a
// loop filling a buffer 16 bytes at a time is one access of the buffer. The
// first access of a run goes to the shadow at once; the bytes the run grew
// by, [addr + recorded, addr + size), go when it ends (FlushAccessRun). A
// run is made only when a store continues the thread's last recorded access
// (its trace's newest event), so it has always grown: an access that
// continues nothing writes no run.
struct AccessRun {
  uptr addr, size, recorded;
  AccessSite site;  // every store of a run was made here (so has its stack)
  u32 epoch;    // every access of a run has this epoch
  u32 context;  // the first access's (its stack and accessor)
  u32 deaths;   // shadow_deaths when it began (and at each of its stores)
  u8 is_write;
  bool active;
};

// A thread's trace of the accesses it recorded (race_trace.cpp): a ring
// of kTraceEvents events, reserved on first use; head counts the events
// ever written.
struct AccessTrace {
  uptr events;  // TraceEvent[kTraceEvents], or 0
  atomic_uint64_t head;
};
constexpr uptr kTraceEvents = 1 << 13;

struct RaceThread {
  u16 tid;
  u32 serial;  // the thread's number in reports (T<serial>), never reused
  VectorClock vc;
  RecentAccess recent[kRecentAccesses];  // direct-mapped by address
  StackIdCache stacks;                   // the thread's hot access stacks
  SiteCacheEntry sites[kSiteCache];      // pass-built sites -> contexts
  ContextMap contexts;
  RaceThread *next_state;  // in race_threads.cpp's retired / reusable lists
  AccessRun run;
  AccessTrace trace;
  // shadow_deaths as read before the trace's newest event was written, or
  // earlier: while it has not moved, no shadow was freed since that access.
  u32 deaths_before_last_event;
  u32 Epoch() const { return vc.clk[tid]; }
  // Happens-before: the access (tid, clock) is ordered before this thread's
  // present.
  bool Saw(u16 other_tid, u32 clock) const { return vc.clk[other_tid] >= clock; }
};

// The calling thread's state, created on first use (race_threads.cpp); null
// for an untracked thread (past kMaxThreads alive). Inline: every recorded
// access asks.
extern THREADLOCAL RaceThread *race_thread;
// Marks a thread that is not tracked: one past kMaxThreads alive, or one
// that is ending (race_thread is never null again for it).
extern RaceThread untracked_thread;
RaceThread *CurrentRaceThreadSlow();
// Joins into vc the present epoch of every thread that has a tid: what an
// untracked thread releases, since what it learnt is not known, so that no
// happens-before chain through it is lost (a race may be missed, none is
// invented).
void JoinEveryThreadsPresent(VectorClock *vc);
ALWAYS_INLINE RaceThread *CurrentRaceThread() {
  RaceThread *thr = race_thread;
  if (LIKELY(thr && thr != &untracked_thread))
    return thr;
  return CurrentRaceThreadSlow();
}
// The calling thread is ending: its state (and tid) can go to a later
// thread once its accesses are cleared. The pthread interceptors call it
// when a thread they started ends.
void RetireRaceThread();

// A map from addresses to nodes of type Node (which must start with
// `uptr key; Node *next;` and be zero-initialisable). Zero-initialised: a
// global AddrTable needs no constructor. Find/FindOrCreate run with the
// bucket of `key` locked by the caller through Lock (and a BucketLock).
template <typename Node, uptr kBuckets>
class AddrTable {
 public:
  Node *Find(Node *head, uptr key) {
    for (Node *n = head; n; n = n->next)
      if (n->key == key)
        return n;
    return nullptr;
  }
  // Locks the bucket of key; the lock is held until `l` goes away.
  Node **Lock(uptr key, StaticSpinMutex **mu) {
    Bucket *b = &buckets_[Hash(key)];
    b->mu.Lock();
    *mu = &b->mu;
    return &b->head;
  }
  // Unlinks and frees the node of key, if any.
  void Remove(Node **head, uptr key) {
    for (Node **link = head; *link; link = &(*link)->next) {
      if ((*link)->key == key) {
        Node *dead = *link;
        *link = dead->next;
        InternalFree(dead);
        return;
      }
    }
  }
  // Calls visit(&head) for every bucket, with its lock held.
  template <typename Visit>
  void ForEachBucket(Visit visit) {
    for (uptr i = 0; i < kBuckets; i++) {
      SpinMutexLock l(&buckets_[i].mu);
      visit(&buckets_[i].head);
    }
  }
  // fork(2): every bucket (race_fork.cpp).
  void LockAllBuckets() {
    for (Bucket &b : buckets_) b.mu.Lock();
  }
  void UnlockAllBuckets() {
    for (Bucket &b : buckets_) b.mu.Unlock();
  }
  Node *FindOrCreate(Node **head, uptr key) {
    if (Node *n = Find(*head, key))
      return n;
    Node *n = static_cast<Node *>(InternalAlloc(sizeof(Node)));
    internal_memset(n, 0, sizeof(Node));
    n->key = key;
    n->next = *head;
    *head = n;
    return n;
  }

 private:
  struct Bucket {
    StaticSpinMutex mu;
    Node *head;
  };
  static uptr Hash(uptr key) {
    return static_cast<uptr>((key * 0x9E3779B97F4A7C15ull) >> 40) % kBuckets;
  }
  Bucket buckets_[kBuckets];
};

// Holds a bucket lock for a scope.
class BucketLock {
 public:
  explicit BucketLock(StaticSpinMutex *mu) : mu_(mu) {}
  ~BucketLock() { mu_->Unlock(); }

 private:
  StaticSpinMutex *mu_;
};

// Sync objects (race_sync.cpp). addr is a program address, or a key at 2^59
// and up that the interceptors own (fds and signals: interceptors/pthread/
// race_fd.cpp, race_signal.cpp), never an address.
// thr null: an untracked thread (race_threads.cpp), whose acquire does
// nothing and whose release passes on every thread's present
// (JoinEveryThreadsPresent).
void RaceAcquire(RaceThread *thr, uptr addr);
void RaceRelease(RaceThread *thr, uptr addr);
// A release store: the object's clock becomes the thread's (TSan's
// ReleaseStore), where RaceRelease joins (ReleaseMerge).
void RaceReleaseStore(RaceThread *thr, uptr addr);
// The primitive at addr was destroyed: its clock goes (interceptors/pthread).
void RaceSyncDestroyed(uptr addr);
void InstallGoModeHooks();

// One access, as a report describes it. The shadow keeps an 8-byte cell per
// access and word: its epoch, thread, type and bytes of the word; the
// thread's trace keeps its range and the id of its context, the rest of
// this (race_records.cpp: stack, G, side, foreign call, thread).
struct RaceAccess {
  uptr addr;          // the whole range the access covered
  uptr size;
  // Foreign side: the foreign call the access belongs to, as a label (the
  // `where` of cgosan_race_*_range: a literal, it is kept) or else as the fn
  // of the cgocall in flight; both null on a thread outside any cgocall.
  const char *call;
  uptr call_fn;
  u64 goid;           // the G running or parked on the thread; 0 if none
  u32 clock;          // epoch of the accessing thread (the cell's counts)
  u32 stack;          // stack depot id
  u16 tid;
  u32 thread;         // RaceThread::serial of the accessing thread
  u8 is_write;
  u8 is_atomic;
  RaceSide side;
};

// The context of an access (its stack and accessor: RaceAccess's call,
// call_fn, goid, stack, thread and side; addr, size, clock and type are the
// cell's), interned: the same contents give the same id (race_records.cpp).
// Contexts live for ever; ids fit in 24 bits (kMaxContexts), and past that
// many, new contexts share the last id. a.thread must be thr's.
constexpr u32 kMaxContexts = 1u << 24;
u32 InternContext(RaceThread *thr, const RaceAccess &a);
// An event of a thread's trace (race_trace.cpp). word 0: the range's
// start; word 1: size | epoch << 32; word 2: context id | type << 32.
struct TraceEvent {
  u64 words[3];
};
// The trace's ring, reserved on first use.
TraceEvent *ReserveTraceEvents(AccessTrace *trace);
// Appends the access of [addr, addr + size) by thr at epoch, of type
// `type`, with its context, to thr's trace: before any cell of it is stored.
// Inline: every access that adds a cell writes one.
ALWAYS_INLINE void TraceAccess(RaceThread *thr, uptr addr, uptr size,
                               u32 epoch, u8 type, u32 context) {
  AccessTrace *trace = &thr->trace;
  TraceEvent *events = reinterpret_cast<TraceEvent *>(trace->events);
  if (UNLIKELY(!events))
    events = ReserveTraceEvents(trace);
  u64 head = atomic_load(&trace->head, memory_order_relaxed);
  TraceEvent *e = &events[head % kTraceEvents];
  __atomic_store_n(&e->words[0], static_cast<u64>(addr), __ATOMIC_RELAXED);
  __atomic_store_n(&e->words[1], static_cast<u64>(size) | static_cast<u64>(epoch) << 32,
                   __ATOMIC_RELAXED);
  __atomic_store_n(&e->words[2], static_cast<u64>(context) | static_cast<u64>(type) << 32,
                   __ATOMIC_RELAXED);
  atomic_store(&trace->head, head + 1, memory_order_release);
}
// The access of the trace's newest event (TraceAccess's arguments); false
// for an empty trace. Read by the trace's own thread.
struct TracedAccess {
  uptr addr, size;
  u32 epoch, context;
  u8 type;
};
ALWAYS_INLINE bool LastTracedAccess(const AccessTrace *trace,
                                    TracedAccess *out) {
  u64 head = atomic_load(&trace->head, memory_order_relaxed);
  if (!head)
    return false;
  const TraceEvent *e =
      &reinterpret_cast<const TraceEvent *>(trace->events)[(head - 1) % kTraceEvents];
  out->addr = e->words[0];
  out->size = static_cast<u32>(e->words[1]);
  out->epoch = static_cast<u32>(e->words[1] >> 32);
  out->context = static_cast<u32>(e->words[2]);
  out->type = static_cast<u8>(e->words[2] >> 32);
  return true;
}
// The access a cell of thread `tid` stands for (its epoch and type, the
// bytes [lo, hi) it covered in its word), from that thread's trace: its
// whole range and its context. False when the trace no longer has it.
bool RestoreAccess(u16 tid, u32 epoch, u8 type, uptr lo, uptr hi,
                   RaceAccess *out);
// The state holding tid now, or null (race_threads.cpp).
RaceThread *RaceThreadOfTid(u16 tid);
// A reused thread state starts a new thread: its old contexts can never be
// asked for again (their thread serial is gone).
void ForgetThreadContexts(RaceThread *thr);
const RaceAccess &RaceContext(u32 id);
// The context of the access pass-built code makes at `site`, through the
// thread's site cache; else `capture()` gives it (a stack walk).
template <typename Capture>
ALWAYS_INLINE u32 SiteContext(RaceThread *thr, const AccessSite &site,
                              Capture capture) {
  if (!site.pc)
    return capture();
  u64 key = (site.pc ^ site.fp >> 4) * 0x9E3779B97F4A7C15ull;
  SiteCacheEntry *e = &thr->sites[key >> (64 - __builtin_ctzll(kSiteCache))];
  if (e->context && e->site.pc == site.pc && e->site.fp == site.fp &&
      e->site.version == site.version)
    return e->context;
  u32 context = capture();
  e->site = site;
  e->context = context;
  return context;
}

// TSan's same-epoch shortcut for a whole range, inline and without a lock:
// this thread recorded this very range, in this epoch, at least as strongly,
// a moment ago, so the access adds nothing (race_shadow.cpp fills the table).
// Keyed by address and size: a fill's first store and the whole buffer start
// at the same address and must not evict each other. Multiplicative hashing:
// buffers of one size class sit at multiples of a power of two, which a
// plain modulo would pile onto a few slots.
ALWAYS_INLINE RecentAccess *RecentSlot(RaceThread *thr, uptr addr, uptr size) {
  u64 hash = (static_cast<u64>(addr) ^ static_cast<u64>(size) << 40) *
             0x9E3779B97F4A7C15ull;
  return &thr->recent[hash >> (64 - __builtin_ctzll(kRecentAccesses))];
}
ALWAYS_INLINE bool RecentlyRecorded(RaceThread *thr, uptr addr, uptr size,
                                    u8 type) {
  const RecentAccess *r = RecentSlot(thr, addr, size);
  return r->addr == addr && r->size == size && r->epoch == thr->Epoch() &&
         TypeCovers(r->type, type) &&
         r->deaths == atomic_load(&shadow_deaths, memory_order_relaxed);
}

// An access of [addr, addr + size) inside one 8-byte word.
ALWAYS_INLINE bool InOneWord(uptr addr, uptr size) {
  return (addr & 7) + size <= 8;
}

// Records an access of [addr, addr + size) and reports a race with an
// earlier unordered one (race_shadow.cpp). Keeps errno. A `call` label
// makes it a foreign access on behalf of that call; otherwise the side is
// the thread's.
void RaceAccessRangeSlow(RaceThread *thr, uptr addr, uptr size, u8 type,
                         const char *call, const AccessSite &site);
ALWAYS_INLINE void RaceAccessRange(RaceThread *thr, uptr addr, uptr size,
                                   bool is_write, const char *call) {
  u8 type = is_write ? kAccessWrite : kAccessRead;
  if (!RecentlyRecorded(thr, addr, size, type))
    RaceAccessRangeSlow(thr, addr, size, type, call, AccessSite{});
}

// Whether the checker records accesses at addr: the range the pass's guard
// tests (managed memory once the mode is known; nothing with race=off).
ALWAYS_INLINE bool RaceTracksAddress(uptr addr) {
  return addr - __atomic_load_n(&__cgosan_race_tracked[0], __ATOMIC_RELAXED) <
         __atomic_load_n(&__cgosan_race_tracked[1], __ATOMIC_RELAXED);
}

// An access libc made for the calling thread (memcpy, read(), snprintf...,
// interceptors/pthread/race_libc_memory.cpp) of [addr, addr + size), in
// managed memory: recorded as one range, like the pass's accesses (the side
// is the thread's; race=go drops the foreign side's, as Go never sees C's).
void RaceLibcAccess(RaceThread *thr, uptr addr, uptr size, bool is_write);

// A plain access of pass-built code at `site` of more than one word: joins
// the thread's run when it continues it, else ends the run and starts one
// (race_shadow.cpp).
void RaceRunAccess(RaceThread *thr, uptr addr, uptr size, bool is_write,
                   const AccessSite &site);
// A plain access of pass-built code at `site` inside one word of the arena
// (InOneWord): RaceRunAccess's work, with TSan's same-epoch shortcut read
// from the shadow itself, without a lock, before it (the word holds an
// access of this thread, in this epoch, at least as strong, covering these
// bytes, or the thread's run does), the word's cells found once for the
// shortcut and the check (race_shadow.cpp).
// fp: the entry's frame (SiteOfCaller), read here so that the site is
// made in registers, not passed through memory.
void RaceWordAccess(RaceThread *thr, uptr addr, uptr size, u8 type, uptr fp);
// Ends the thread's run: its grown bytes go to the shadow. Called
// before every edge the thread takes part in (its epoch or knowledge
// changes), before the program's own records, and when the thread ends.
void FlushAccessRunSlow(RaceThread *thr);
ALWAYS_INLINE void FlushAccessRun(RaceThread *thr) {
  if (UNLIKELY(thr->run.active))
    FlushAccessRunSlow(thr);
}

// Clears every cell of the tids set in `tids` (a bitmap of kMaxThreads
// bits), bucket by bucket (race_shadow.cpp).
void ForgetThreadsAccesses(const u64 *tids);

// The object-death hook: forgets the shadow of [base, base + size), so an
// object allocated there later starts clean (race_shadow.cpp).
void RaceObjectDied(uptr base, uptr size);

// The TSan bridge (race_tsan_bridge.cpp): no-ops unless the process runs
// TSan.
bool TsanPresent();
void TsanAcquire(uptr addr);
void TsanRelease(uptr addr);
// pc: the program's call site, for TSan's frame #0.
void TsanAccessRange(uptr addr, uptr size, bool is_write, uptr pc);

// fork(2) (race_fork.cpp takes them in this order): each file's locks.
void LockThreadStatesForFork();    // race_threads.cpp
void UnlockThreadStatesAfterFork();
void LockShadowForFork();          // race_shadow.cpp
void UnlockShadowAfterFork();
void ReleaseArenaBlocksInChild();  // race_shadow.cpp: the child's only
void LockRecordsForFork();         // race_records.cpp
void UnlockRecordsAfterFork();
void LockSyncForFork();            // race_sync.cpp
void UnlockSyncAfterFork();
void LockReportedForFork();        // race_report.cpp
void UnlockReportedAfterFork();
// In the child: the states of the threads that did not survive the fork
// are retired, as if they had ended (race_threads.cpp).
void RetireThreadsLostInFork();
// Fills hooks.fork_locks for the engine (InitializeRace, when tracking).
void InstallRaceForkLocks();

// The data-race report, once per stack pair (race_report.cpp).
// cur_is_now: cur is the calling thread's access being made, so the report's
// stack is captured here; otherwise cur was made earlier (a run of stores
// recorded when it ends) and its recorded stack is the report's.
void ReportRace(const RaceAccess &cur, const RaceAccess &prev, bool cur_is_now);

}  // namespace __cgosan

#endif  // CGOSAN_CHECKERS_RACE_H
