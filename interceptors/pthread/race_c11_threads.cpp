// race_c11_threads.cpp — edges from C11 <threads.h> synchronisation: mtx_*,
// cnd_wait/cnd_timedwait and call_once (thrd_create/thrd_join/thrd_detach
// are with their pthread twins in race_pthread_thread.cpp).
// glibc (2.28 on) builds them on its pthread functions but calls those
// internally, past the pthread interceptors, so without these a C11 program
// would have no edges at all. The edges are the pthread ones: a mtx_t is a
// lock keyed by its address (mtx_unlock releases before the real unlock; a
// mtx_lock, mtx_timedlock or mtx_trylock that returns thrd_success acquires
// after it), a condition variable wait gives up and takes back its mutex
// (release before, acquire after, whatever it returns), mtx_destroy forgets
// the mutex's clock, and call_once orders its init's end before every
// caller's return (the pthread_once trampoline, ScopedOnceCall).
// Allowed on purpose: as for pthread (race_pthread_lock.cpp), cnd_signal and
// cnd_broadcast add no edge: the mutex carries the order.
// Cost: see race_pthread.cpp; one edge per call when tracking.
#include <threads.h>

#include "race_pthread.h"

// Called by the slow paths below, defined by the interceptors after them.
DECLARE_REAL(void, mtx_destroy, mtx_t *m)
DECLARE_REAL(void, call_once, once_flag *flag, void (*init)(void))

using namespace __cgosan;


// --- Mutex --------------------------------------------------------------------
INTERCEPTOR(int, mtx_lock, mtx_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(mtx_lock)(m);
  return CallThenAcquire<Succeeded>(&REAL(mtx_lock), m, m);
}

INTERCEPTOR(int, mtx_trylock, mtx_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(mtx_trylock)(m);
  return CallThenAcquire<Succeeded>(&REAL(mtx_trylock), m, m);
}

INTERCEPTOR(int, mtx_timedlock, mtx_t *m, const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(mtx_timedlock)(m, abstime);
  return CallThenAcquire<Succeeded>(&REAL(mtx_timedlock), m, m, abstime);
}

INTERCEPTOR(int, mtx_unlock, mtx_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(mtx_unlock)(m);
  return ReleaseThenCall(&REAL(mtx_unlock), m, m);
}

static NOINLINE void MtxDestroyTracked(mtx_t *m) {
  bool tracked = SyncTracked();
  REAL(mtx_destroy)(m);  // cannot fail
  if (tracked)
    RaceSyncDestroyed(reinterpret_cast<uptr>(m));
}

INTERCEPTOR(void, mtx_destroy, mtx_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(mtx_destroy)(m);
  return MtxDestroyTracked(m);
}

// --- Condition variable waits (the mutex's edges) --------------------------------
INTERCEPTOR(int, cnd_wait, cnd_t *c, mtx_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(cnd_wait)(c, m);
  return ReleaseCallAcquire<Always>(&REAL(cnd_wait), m, c, m);
}

INTERCEPTOR(int, cnd_timedwait, cnd_t *c, mtx_t *m,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(cnd_timedwait)(c, m, abstime);
  return ReleaseCallAcquire<Always>(&REAL(cnd_timedwait), m, c, m, abstime);
}

// --- Once -------------------------------------------------------------------------
static NOINLINE void CallOnceTracked(once_flag *flag, void (*init)(void)) {
  if (!SyncTracked())
    return REAL(call_once)(flag, init);
  {
    ScopedOnceCall call(flag, init);
    REAL(call_once)(flag, ScopedOnceCall::RunInitThenRelease);
  }
  AcquireEdge(flag);  // call_once returns once the init has run, by anyone
}

INTERCEPTOR(void, call_once, once_flag *flag, void (*init)(void)) {
  if (LIKELY(PassThrough()))
    return REAL(call_once)(flag, init);
  return CallOnceTracked(flag, init);
}

namespace __cgosan {

void InterceptC11SyncFunctions() {
  CGOSAN_INTERCEPT(mtx_lock);
  CGOSAN_INTERCEPT(mtx_trylock);
  CGOSAN_INTERCEPT(mtx_timedlock);
  CGOSAN_INTERCEPT(mtx_unlock);
  CGOSAN_INTERCEPT(mtx_destroy);
  CGOSAN_INTERCEPT(cnd_wait);
  CGOSAN_INTERCEPT(cnd_timedwait);
  CGOSAN_INTERCEPT(call_once);
}

}  // namespace __cgosan
