// race.cpp — rule 5: accesses to memory shared across the boundary must be
// ordered by happens-before. Go's race detector orders every cgo call with
// one global variable (racecgosync: release before the call, acquire after),
// so two goroutines that merely both call C look synchronised, and it never
// sees C's own accesses: races across the boundary hide twice. Here an access
// is whatever the call site records (cgosan_race_read_range / _write_range:
// today by hand; the interposer and the clang pass will call them), and two
// accesses race when they overlap, at least one writes, they come from
// different threads, and no chain of release -> acquire orders them.
// Modes (CGOSAN_OPTIONS=race=): `off` (the default, while nothing records
// accesses automatically) installs nothing and the API returns at once;
// `go` adds racecgosync's global fence at every crossing, to reproduce Go's
// verdicts exactly; `precise` has no fence. Edges come from cgosan_release /
// cgosan_acquire (managed-side sync, like __tsan_release/__tsan_acquire) and
// from program order on one thread (a cgocall and its callbacks run on one
// thread, so they are ordered with no hook at all). Thread creation and join
// are not seen without the pthread interceptors: until they land, a handoff
// through them needs an explicit release/acquire pair.
// Allowed on purpose: reads never race with reads; a thread never races with
// itself. Cost: a recorded access captures a stack (a frame-pointer walk on a
// G) and locks one shadow bucket per 8-byte word; a release/acquire is one
// bucket lock and a 256-entry clock join. See race.h for the engine.
#include "race.h"

#include "hooks.h"

namespace __cgosan {

atomic_uint32_t race_mode;
static StaticSpinMutex race_init_mu;
static atomic_uint32_t next_tid;
static THREADLOCAL RaceThread *race_thread
    __attribute__((tls_model("initial-exec")));
// Marks a thread that came after kMaxThreads (race_thread is never null
// again for it, so it takes the fast path to "untracked").
static RaceThread untracked_thread;

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
  // precise needs no hook: same-G crossings are program order on one thread.
  atomic_store(&race_mode, m, memory_order_release);
  return m;
}

static NOINLINE RaceThread *CreateRaceThread() {
  u32 tid = atomic_fetch_add(&next_tid, 1, memory_order_relaxed);
  if (tid >= kMaxThreads) {
    VReport(1, "%s: more than %zu threads; race tracking ignores the rest\n",
            SanitizerToolName, (usize)kMaxThreads);
    race_thread = &untracked_thread;
    return nullptr;
  }
  RaceThread *thr = static_cast<RaceThread *>(InternalAlloc(sizeof(RaceThread)));
  internal_memset(thr, 0, sizeof(*thr));
  thr->tid = static_cast<u16>(tid);
  thr->vc.clk[tid] = 1;  // epoch 0 means "never"
  race_thread = thr;
  return thr;
}

RaceThread *CurrentRaceThread() {
  RaceThread *thr = race_thread;
  if (LIKELY(thr))
    return thr == &untracked_thread ? nullptr : thr;
  return CreateRaceThread();
}

static ALWAYS_INLINE RaceThread *TrackedThread() {
  if (LIKELY(RaceModeNow() == kRaceOff))
    return nullptr;
  return CurrentRaceThread();
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
  if (RaceThread *thr = TrackedThread())
    RaceAcquire(thr, reinterpret_cast<uptr>(addr));
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_release(const void *addr) {
  if (RaceThread *thr = TrackedThread())
    RaceRelease(thr, reinterpret_cast<uptr>(addr));
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_race_read_range(const void *p, size_t n, const char *where) {
  if (RaceThread *thr = TrackedThread()) {
    if (n) {
      ErrnoSaver errno_saver;
      RaceAccessRange(thr, reinterpret_cast<uptr>(p), n, false, where);
    }
  }
}

SANITIZER_INTERFACE_ATTRIBUTE
void cgosan_race_write_range(const void *p, size_t n, const char *where) {
  if (RaceThread *thr = TrackedThread()) {
    if (n) {
      ErrnoSaver errno_saver;
      RaceAccessRange(thr, reinterpret_cast<uptr>(p), n, true, where);
    }
  }
}

}  // extern "C"
