// race.cpp — rule 5: accesses to memory shared across the boundary must be
// ordered by happens-before. Go's race detector orders every cgo call with
// one global variable (racecgosync: release before the call, acquire after),
// so two goroutines that merely both call C look synchronised, and it never
// sees C's own accesses: races across the boundary hide twice.
// Here the accesses come from three places: what a foreign call receives (the
// interposer records each pointer argument's range as the callee's read or
// write: cgosan_race_read_range / _write_range with the callee's name), the
// loads and stores of code compiled with the clang pass and -cgosan-race
// (__cgosan_race_read8 & co., managed memory only, managed or foreign side by
// thread state), and the program's own calls of the range API. Two accesses
// race when they overlap, at least one writes, they come from different
// threads, and no chain of release -> acquire orders them.
// Edges: pthread (interceptors/pthread: create/join, mutexes, rwlocks, conds,
// semaphores, spin locks, barriers, once), atomics in pass-compiled code,
// cgosan_release / cgosan_acquire (managed-side sync, like __tsan_release /
// __tsan_acquire), and program order on one thread (a cgocall and its
// callbacks run on one thread, so they are ordered with no hook at all).
// Modes (CGOSAN_OPTIONS=race=): `off` (the default: see below) installs
// nothing and every entry point returns after one load; `go` reproduces
// Go's verdicts exactly: racecgosync's global fence at every crossing, and
// foreign code's accesses unseen (the interposer's, and those of pass-built
// code off a G; the program's own range calls stay, as Go's
// runtime.RaceReadRange does); `precise` sees everything and has no fence.
// Why off by default: like TSan, race tracking is a mode one asks for; it
// costs a shadow update per new access (and a stack walk per new site),
// memory per shared word, and a clock join per lock operation; a program
// preloaded for the pointer checks should not pay for it. CI jobs
// that want rule 5 set race=precise (cgosan-run and the README show how).
// Allowed on purpose: reads never race with reads; a thread never races with
// itself. Cost: see race_shadow.cpp (per access) and race_sync.cpp (per
// edge); in a process built with -fsanitize=thread the edges and ranges also
// go to TSan (race_tsan_bridge.cpp). See race.h for the engine.
#include "race.h"

#include "heap/heap.h"
#include "heap/heap_registry.h"
#include "hooks.h"

// Everything, until InitializeRace knows the mode (race.h).
__sanitizer::uptr __cgosan_race_tracked[2] = {0, ~static_cast<__sanitizer::uptr>(0)};
THREADLOCAL __sanitizer::uptr __cgosan_race_frame_version
    __attribute__((tls_model("initial-exec")));

namespace __cgosan {

atomic_uint32_t race_mode;
static StaticSpinMutex race_init_mu;

// Set once, from the load-time constructor, before the program starts its
// threads. Instrumented code reads the two words with plain loads, in any
// order: an access racing with this store could pair old and new words and
// skip its call (go unrecorded), never record a wrong access.
// With a foreign heap registered, its objects may be anywhere: every
// address is admitted, and TracksAddress sorts them out.
static void SetTrackedRange(RaceMode m) {
  bool tracked = m != kRaceOff;
  bool everything = tracked && AnyForeignHeap();
  __atomic_store_n(&__cgosan_race_tracked[0],
                   tracked && !everything ? arena_start : 0, __ATOMIC_RELAXED);
  __atomic_store_n(&__cgosan_race_tracked[1],
                   everything ? ~static_cast<uptr>(0) : tracked ? kArenaSize : 0,
                   __ATOMIC_RELEASE);
}

static void RaceHeapRegistered(u32) {
  SetTrackedRange(static_cast<RaceMode>(atomic_load(&race_mode, memory_order_acquire)));
}

// The memory the race checker follows: cgosan's arena, and the objects of
// registered foreign heaps (race=precise on them too). Inline for the arena.
static ALWAYS_INLINE bool TracksAddress(uptr addr) {
  if (LIKELY(InArena(addr)))
    return true;
  ObjectInfo obj;
  return UNLIKELY(AnyForeignHeap()) && FindForeignObject(addr, &obj);
}

RaceMode InitializeRace() {
  EnsureInitialized();
  SpinMutexLock l(&race_init_mu);
  u32 mode = atomic_load(&race_mode, memory_order_relaxed);
  if (mode != kRaceUninitialized)
    return static_cast<RaceMode>(mode);
  const char *flag = flags()->race;  // validated by InitializeFlags
  RaceMode m = !internal_strcmp(flag, "go")        ? kRaceGo
               : !internal_strcmp(flag, "precise") ? kRacePrecise
                                                   : kRaceOff;
  if (m == kRaceGo)
    InstallGoModeHooks();
  if (m != kRaceOff) {
    hooks.object_died = RaceObjectDied;
    hooks.heap_registered = RaceHeapRegistered;
    InstallRaceForkLocks();
  }
  // precise needs no hook: same-G crossings are program order on one thread.
  SetTrackedRange(m);
  atomic_store(&race_mode, m, memory_order_release);
  return m;
}

static ALWAYS_INLINE RaceThread *TrackedThread() {
  if (LIKELY(RaceModeNow() == kRaceOff))
    return nullptr;
  return CurrentRaceThread();
}

// Go's race detector never sees C's accesses: race=go drops the foreign
// side's (the program's own records, like Go's runtime.RaceReadRange, stay).
static ALWAYS_INLINE bool GoModeHidesForeignCode(RaceMode mode) {
  if (mode != kRaceGo)
    return false;
  return !IsRunningG(CurrentG());
}

// An access the program (or the interposer, for a foreign call) records
// itself: any memory, since what it names crossed the boundary. With a
// `call`, it is that foreign call's.
// entry_fp: the entry point's frame, where the access's stack starts.
static void RecordedAccess(const void *p, uptr n, bool is_write,
                           const char *call, uptr caller_pc, uptr entry_fp) {
  TsanAccessRange(reinterpret_cast<uptr>(p), n, is_write, caller_pc);
  RaceThread *thr = TrackedThread();
  if (!thr || !n || (call && RaceModeNow() == kRaceGo))
    return;
  FlushAccessRun(thr);
  u8 type = is_write ? kAccessWrite : kAccessRead;
  uptr addr = reinterpret_cast<uptr>(p);
  if (!RecentlyRecorded(thr, addr, n, type))
    RaceAccessRangeSlow(thr, addr, n, type, call, AccessSite{0, 0, 0, entry_fp});
}

// An access of pass-built code outside the arena, with a foreign heap
// registered: an object of that heap is followed too, but not through the
// run of plain accesses or the one-word shortcut (both read the arena's
// shadow by address): through the path of recorded ranges, which shadows
// any memory. Out of line, so the arena's path keeps its shape.
static NOINLINE void ForeignObjectAccess(uptr addr, uptr n, u8 type, uptr fp) {
  if (!n || GoModeHidesForeignCode(RaceModeNow()) || !TracksAddress(addr))
    return;
  RaceThread *thr = CurrentRaceThread();
  if (!thr)
    return;
  FlushAccessRun(thr);
  RaceAccessRangeSlow(thr, addr, n, type, nullptr, SiteOfCaller(fp));
}

// An access of code compiled with the pass: only managed memory is tracked
// (that is what can cross; the rest is TSan's business). Plain accesses may
// merge into runs; atomic ones never do (each is one access, and an edge
// may follow it).
static ALWAYS_INLINE void InstrumentedAccess(const void *p, uptr n, u8 type,
                                             uptr fp) {
  RaceMode mode = RaceModeNow();
  if (LIKELY(mode == kRaceOff))
    return;
  uptr addr = reinterpret_cast<uptr>(p);
  if (!InArena(addr)) {
    if (UNLIKELY(AnyForeignHeap()))
      ForeignObjectAccess(addr, n, type, fp);
    return;
  }
  if (!n || GoModeHidesForeignCode(mode))
    return;
  RaceThread *thr = CurrentRaceThread();
  if (!thr)
    return;
  if (InOneWord(addr, n) && !(type & kAccessAtomic))
    return RaceWordAccess(thr, addr, n, type, fp);
  if (RecentlyRecorded(thr, addr, n, type))
    return;
  if (type & kAccessAtomic) {
    FlushAccessRun(thr);
    RaceAccessRangeSlow(thr, addr, n, type, nullptr, SiteOfCaller(fp));
    return;
  }
  RaceRunAccess(thr, addr, n, type & kAccessWrite, SiteOfCaller(fp));
}

void RaceLibcAccess(RaceThread *thr, uptr addr, uptr size, bool is_write) {
  if (!TracksAddress(addr) || !size || GoModeHidesForeignCode(RaceModeNow()))
    return;
  FlushAccessRun(thr);
  RaceAccessRange(thr, addr, size, is_write, nullptr);
}

// The load-time hook (rtl.h's rule 1 allows this shape): hooks go in before
// main, so no crossing runs half-instrumented.
__attribute__((constructor)) static void cgosan_race_load_time_init() {
  InitializeRace();
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" {

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_acquire(const void *addr) {
  TsanAcquire(reinterpret_cast<uptr>(addr));
  if (RaceModeNow() != kRaceOff)
    RaceAcquire(CurrentRaceThread(), reinterpret_cast<uptr>(addr));
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_release(const void *addr) {
  TsanRelease(reinterpret_cast<uptr>(addr));
  if (RaceModeNow() != kRaceOff)
    RaceRelease(CurrentRaceThread(), reinterpret_cast<uptr>(addr));
}

// A release store of an atomic in pass-built code (race_sync.cpp).
SANITIZER_INTERFACE_ATTRIBUTE
void __cgosan_race_release_store(const void *addr) {
  TsanRelease(reinterpret_cast<uptr>(addr));
  if (RaceModeNow() != kRaceOff)
    RaceReleaseStore(CurrentRaceThread(), reinterpret_cast<uptr>(addr));
}

SANITIZER_INTERFACE_ATTRIBUTE
int cgosan_race_enabled(void) {
  return RaceModeNow() != kRaceOff || TsanPresent();
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_race_read_range(const void *p, size_t n, const char *where) {
  RecordedAccess(p, n, false, where, GET_CALLER_PC(),
                 reinterpret_cast<uptr>(__builtin_frame_address(0)));
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_race_write_range(const void *p, size_t n, const char *where) {
  RecordedAccess(p, n, true, where, GET_CALLER_PC(),
                 reinterpret_cast<uptr>(__builtin_frame_address(0)));
}

// The clang pass's entry points (-cgosan-race): one per load or store of the
// instrumented code that __cgosan_race_tracked admits, so the "not managed"
// exit comes first. Each is called from the function that makes the access,
// which keeps its frame pointer and bumps __cgosan_race_frame_version when
// it returns (the pass does both): the site cache relies on it. No tail
// calls out of them: the word path reads the access's site from the entry's
// frame (SiteOfCaller), which must still be there.
#define FRAME() reinterpret_cast<uptr>(__builtin_frame_address(0))
#define ENTRY SANITIZER_INTERFACE_ATTRIBUTE __attribute__((disable_tail_calls))
#define CGOSAN_RACE_SIZED_ACCESS(size)                           \
  ENTRY                                                          \
  void __cgosan_race_read##size(const void *p) {                 \
    InstrumentedAccess(p, size, kAccessRead, FRAME());           \
  }                                                              \
  ENTRY                                                          \
  void __cgosan_race_write##size(const void *p) {                \
    InstrumentedAccess(p, size, kAccessWrite, FRAME());          \
  }
CGOSAN_RACE_SIZED_ACCESS(1)
CGOSAN_RACE_SIZED_ACCESS(2)
CGOSAN_RACE_SIZED_ACCESS(4)
CGOSAN_RACE_SIZED_ACCESS(8)
CGOSAN_RACE_SIZED_ACCESS(16)
#undef CGOSAN_RACE_SIZED_ACCESS

ENTRY
void __cgosan_race_read_range(const void *p, size_t n) {
  InstrumentedAccess(p, n, kAccessRead, FRAME());
}

ENTRY
void __cgosan_race_write_range(const void *p, size_t n) {
  InstrumentedAccess(p, n, kAccessWrite, FRAME());
}

// Atomic loads, and atomic stores and read-modify-writes, of n bytes.
ENTRY
void __cgosan_race_atomic_read(const void *p, size_t n) {
  InstrumentedAccess(p, n, kAccessRead | kAccessAtomic, FRAME());
}

ENTRY
void __cgosan_race_atomic_write(const void *p, size_t n) {
  InstrumentedAccess(p, n, kAccessWrite | kAccessAtomic, FRAME());
}
#undef ENTRY
#undef FRAME

}  // extern "C"
