// race_pthread.cpp — how the pthread interceptors are installed, and what
// they cost. Rule 5 needs happens-before edges from the program's own
// synchronisation; pthread is where C and C++ programs (and std::thread,
// std::mutex, std::call_once, which are inline calls into it) synchronise.
// The interceptors are compiler-rt's (interception/interception.h): the
// runtime defines pthread_mutex_lock & co. as weak aliases, exported by
// libcgosan.so (rtl/cgosan.map) or by the program that links libcgosan.a,
// and finds the real ones with dlsym(RTLD_NEXT). libc's own internal locking
// never goes through them (it calls itself directly).
// Installation is lazy and safe at any time: libc, ld.so and other
// libraries' constructors call pthread_once and pthread_mutex_lock before
// ours have run. Until the real functions are resolved and the race mode is
// known, an interceptor takes the slow path, which resolves them (once) and
// passes the call through; it never initialises the runtime from inside a
// pthread call. The load-time constructor below settles the state before
// main.
// Cost: with race=off (the default) an interceptor is one load and one
// branch, then a tail call of the real function (race_pthread.h). With race=go|precise, an
// edge is one sync-object lock and a clock join (race_sync.cpp), done with
// errno saved; a pthread call the runtime itself makes inside that work
// passes through (the re-entrancy guard of ScopedRaceEdge).
#include "race_pthread.h"

namespace __cgosan {

atomic_uint32_t pthread_interception;
static StaticSpinMutex resolve_mu;
static atomic_uint8_t reals_resolved;
static THREADLOCAL bool inside_edge __attribute__((tls_model("initial-exec")));

static void ResolveRealFunctions() {
  ErrnoSaver errno_saver;  // dlsym may leave errno behind
  SpinMutexLock l(&resolve_mu);
  if (atomic_load(&reals_resolved, memory_order_relaxed))
    return;
  InterceptThreadFunctions();
  InterceptLockFunctions();
  InterceptHandoffFunctions();
  InterceptDestroyFunctions();
  InterceptC11SyncFunctions();
  InterceptLibcMemoryFunctions();
  InterceptPrintfFunctions();
  InterceptFdIoFunctions();
  InterceptFdLifeFunctions();
  InterceptEpollFunctions();
  InterceptSignalFunctions();
  InterceptBufferCalls();
  InterceptPathCalls();
  InterceptKeptByLibcCalls();
  atomic_store(&reals_resolved, 1, memory_order_release);
}

// The race mode decides; while it is not known yet, stay unsettled.
static u32 Settle() {
  if (!atomic_load(&reals_resolved, memory_order_acquire))
    ResolveRealFunctions();
  u32 mode = atomic_load(&race_mode, memory_order_acquire);
  u32 state = mode == kRaceUninitialized ? kInterceptionUnsettled
              : mode == kRaceOff         ? kInterceptionPassThrough
                                         : kInterceptionTracking;
  atomic_store(&pthread_interception, state, memory_order_release);
  return state;
}

bool SyncTracked() {
  u32 state = atomic_load(&pthread_interception, memory_order_acquire);
  if (state == kInterceptionUnsettled)
    state = Settle();
  return state == kInterceptionTracking && !inside_edge;
}

ScopedRaceEdge::ScopedRaceEdge() : thr_(nullptr) {
  DCHECK(!inside_edge);
  inside_edge = true;
  thr_ = CurrentRaceThread();
}

ScopedRaceEdge::~ScopedRaceEdge() { inside_edge = false; }

void AcquireEdge(const volatile void *sync) {
  ScopedRaceEdge edge;
  RaceAcquire(edge.thread(), reinterpret_cast<uptr>(const_cast<const void *>(sync)));
}

void ReleaseEdge(const volatile void *sync) {
  ScopedRaceEdge edge;
  RaceRelease(edge.thread(), reinterpret_cast<uptr>(const_cast<const void *>(sync)));
}

// Settles the state before main. RaceModeNow() reads the race flag, and
// initialises the runtime if this constructor runs before the runtime's.
__attribute__((constructor)) static void cgosan_pthread_load_time_init() {
  RaceModeNow();
  if (Settle() == kInterceptionTracking)
    InstallPthreadForkLocks();
}

}  // namespace __cgosan
