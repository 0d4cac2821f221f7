// race_pthread.h — what the pthread interceptors share: whether a call feeds
// the race engine at all, the RAII shape of the part that does, and the
// edges they add. race_pthread.cpp installs them and explains the cost.
//
// Every interceptor has the same shape:
//
//   INTERCEPTOR(int, pthread_mutex_lock, pthread_mutex_t *m) {
//     if (LIKELY(PassThrough())) return REAL(pthread_mutex_lock)(m);
//     return CallThenAcquire<Locked>(&REAL(pthread_mutex_lock), m, m);
//   }
//
// The first line is the whole of race=off: a load, a compare and a tail call
// of the real function with the caller's arguments. Everything else is out
// of line (and the interceptor files are built with
// -momit-leaf-frame-pointer), so that path sets up no frame.
#ifndef CGOSAN_INTERCEPTORS_PTHREAD_RACE_PTHREAD_H
#define CGOSAN_INTERCEPTORS_PTHREAD_RACE_PTHREAD_H

#include "interception/interception.h"
#include "race.h"

namespace __cgosan {

enum PthreadInterception : u32 {
  // The real functions are not resolved yet, or the race mode is not known
  // yet (a call before the runtime's constructors): pass through.
  kInterceptionUnsettled = 0,
  kInterceptionPassThrough = 1,  // race=off
  kInterceptionTracking = 2,     // race=go|precise: calls add edges
};
extern atomic_uint32_t pthread_interception;

// Whether every pthread call passes straight through: race=off, settled.
// Acquire: a thread that sees a settled state sees the resolved REAL pointers.
ALWAYS_INLINE bool PassThrough() {
  return atomic_load(&pthread_interception, memory_order_acquire) ==
         kInterceptionPassThrough;
}

// The slow path's question: settles the state if need be (resolving the
// real functions first) and says whether this call adds edges: tracking,
// and not made by the runtime's own edge work on this thread.
bool SyncTracked();

// The part of an interceptor that talks to the engine: keeps the caller's
// errno, marks the thread as inside the runtime (so a pthread call made
// underneath passes straight through), and finds the thread's race state.
class ScopedRaceEdge {
 public:
  ScopedRaceEdge();
  ~ScopedRaceEdge();
  // Null for a thread the engine does not track (past kMaxThreads).
  RaceThread *thread() const { return thr_; }

 private:
  ErrnoSaver errno_saver_;
  RaceThread *thr_;
};

// Edges on a sync object keyed by the primitive's address (race_sync.cpp);
// volatile for pthread_spinlock_t.
void AcquireEdge(const volatile void *sync);
void ReleaseEdge(const volatile void *sync);

// A clock handed from one thread to exactly one other (a thread's start to
// it, its end to its joiner): TSan's ReleaseStore, not a merge into a
// long-lived sync object, so nothing of an earlier thread that had the same
// pthread_t or stack address can flow in. thr null: an untracked thread
// (race.h), which hands on every thread's present.
ALWAYS_INLINE void ReleaseTo(RaceThread *thr, VectorClock *to) {
  if (!thr) {
    internal_memset(to, 0, sizeof(*to));
    JoinEveryThreadsPresent(to);
    return;
  }
  FlushAccessRun(thr);
  *to = thr->vc;
  thr->vc.clk[thr->tid]++;
}
ALWAYS_INLINE void AcquireFrom(RaceThread *thr, const VectorClock &from) {
  if (!thr)
    return;
  FlushAccessRun(thr);
  thr->vc.Join(from);
}

// Resolve REAL(...) of each file's interceptors (called once, under a lock).
void InterceptThreadFunctions();  // race_pthread_thread.cpp
void InterceptLockFunctions();    // race_pthread_lock.cpp
void InterceptHandoffFunctions(); // race_pthread_handoff.cpp
void InterceptDestroyFunctions(); // race_pthread_destroy.cpp
void InterceptC11SyncFunctions(); // race_c11_threads.cpp
void InterceptLibcMemoryFunctions();  // race_libc_memory.cpp
void InterceptPrintfFunctions();      // race_printf.cpp

// A call that returns 0 on success (a semaphore wait that took a count, a
// C11 call that returned thrd_success).
inline bool Succeeded(int result) { return result == 0; }
// A condition variable wait holds the mutex again whatever it returns.
inline bool Always(int) { return true; }

// libc wrote (read) n bytes at p for the program: an access of the calling
// thread when p is managed memory (race_libc_memory.cpp). For the slow path
// of an interceptor, after SyncTracked() said yes and outside any
// ScopedRaceEdge (the read()/recv() interceptors call it with their result).
void RecordLibcWrite(const void *p, uptr n);
void RecordLibcRead(const void *p, uptr n);

// A once-only init run by the real pthread_once or call_once: the real
// function is handed RunInitThenRelease, which runs this thread's innermost
// ScopedOnceCall's init and then releases its control (the init takes no
// argument, so the call is found through a thread-local). Every caller
// acquires the control once the real function returned.
class ScopedOnceCall {
 public:
  ScopedOnceCall(const volatile void *control, void (*init)(void));
  ~ScopedOnceCall();
  static void RunInitThenRelease();

 private:
  const volatile void *control_;
  void (*init_)(void);
  ScopedOnceCall *outer_;  // an init may call pthread_once itself
};
void InterceptFdIoFunctions();    // race_fd_io.cpp
void InterceptFdLifeFunctions();  // race_fd_life.cpp
void InterceptEpollFunctions();   // race_fd_epoll.cpp
void InterceptSignalFunctions();  // race_signal.cpp
void InterceptBufferCalls();      // retention_buffer_calls.cpp
void InterceptPathCalls();        // retention_path_calls.cpp
void InterceptKeptByLibcCalls();  // retention_kept_by_libc.cpp

// fork(2): the table of join records (race_pthread_thread.cpp), locked
// around it by race_pthread_fork.cpp.
void LockJoinSlotsForFork();
void UnlockJoinSlotsAfterFork();
// Fills hooks.fork_locks for them (the load-time constructor, when tracking).
void InstallPthreadForkLocks();

// The slow paths of the interceptors whose edge is on the primitive's own
// address. `real` is &REAL(func): it is read only after SyncTracked() has
// resolved it. kAcquires says which results of the real call earn the
// acquire.
template <bool (*kAcquires)(int), typename... Args>
NOINLINE int CallThenAcquire(int (**real)(Args...), const volatile void *sync,
                             Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  int result = (*real)(args...);
  if (kAcquires(result))
    AcquireEdge(sync);
  return result;
}

template <typename... Args>
NOINLINE int ReleaseThenCall(int (**real)(Args...), const volatile void *sync,
                             Args... args) {
  if (SyncTracked())
    ReleaseEdge(sync);
  return (*real)(args...);
}

template <bool (*kAcquires)(int), typename... Args>
NOINLINE int ReleaseCallAcquire(int (**real)(Args...),
                                const volatile void *sync, Args... args) {
  if (!SyncTracked())
    return (*real)(args...);
  ReleaseEdge(sync);
  int result = (*real)(args...);
  if (kAcquires(result))
    AcquireEdge(sync);
  return result;
}

}  // namespace __cgosan

// Resolves REAL(func) to the next definition (libc's); the platform
// (glibc >= 2.34) has every function intercepted here.
#define CGOSAN_INTERCEPT(func) \
  do {                         \
    INTERCEPT_FUNCTION(func);  \
    CHECK(REAL(func));         \
  } while (0)
#define CGOSAN_INTERCEPT_VER(func, version) \
  do {                                      \
    INTERCEPT_FUNCTION_VER(func, version);  \
    CHECK(REAL(func));                      \
  } while (0)

#endif  // CGOSAN_INTERCEPTORS_PTHREAD_RACE_PTHREAD_H
