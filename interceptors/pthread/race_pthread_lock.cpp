// race_pthread_lock.cpp — edges from locks: mutex, rwlock, spin lock, and
// the mutex a condition variable wait gives up and takes back.
// A lock is a sync object keyed by its address: unlocking releases before
// the real unlock, a successful lock (also trylock, timed and clock locks,
// and EOWNERDEAD, which hands over a robust mutex) acquires after the real
// lock, so whatever one critical section did is ordered before the next.
// pthread_cond_wait and its timed forms release the mutex before waiting and
// acquire it after, whatever the result: the mutex is held again even on a
// timeout. Signal and broadcast add no edge: a correct waiter re-checks its
// predicate under the mutex, and the mutex carries the order from whoever
// set the predicate; a wakeup alone (spurious wakeups are allowed) orders
// nothing the program could rely on.
// Allowed on purpose: a read unlock is a release on the same object as a
// write unlock (no separate readers' clock as TSan has), so a reader is
// ordered after earlier readers: only a write made under a read lock, itself
// a bug, can be hidden. A destroyed lock forgets its clock
// (race_pthread_destroy.cpp). A wait cancelled by
// pthread_cancel takes the mutex back without the acquire.
// Cost: see race_pthread.cpp; one edge per call when tracking.
#include <errno.h>
#include <pthread.h>

#include "race_pthread.h"

using namespace __cgosan;

// Which results of a lock call mean the lock is held.
static bool Locked(int result) { return result == 0 || result == EOWNERDEAD; }

// --- Mutex --------------------------------------------------------------------
INTERCEPTOR(int, pthread_mutex_lock, pthread_mutex_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_mutex_lock)(m);
  return CallThenAcquire<Locked>(&REAL(pthread_mutex_lock), m, m);
}

INTERCEPTOR(int, pthread_mutex_trylock, pthread_mutex_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_mutex_trylock)(m);
  return CallThenAcquire<Locked>(&REAL(pthread_mutex_trylock), m, m);
}

INTERCEPTOR(int, pthread_mutex_timedlock, pthread_mutex_t *m,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_mutex_timedlock)(m, abstime);
  return CallThenAcquire<Locked>(&REAL(pthread_mutex_timedlock), m, m,
                                 abstime);
}

INTERCEPTOR(int, pthread_mutex_clocklock, pthread_mutex_t *m, clockid_t clock,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_mutex_clocklock)(m, clock, abstime);
  return CallThenAcquire<Locked>(&REAL(pthread_mutex_clocklock), m, m, clock,
                                 abstime);
}

INTERCEPTOR(int, pthread_mutex_unlock, pthread_mutex_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_mutex_unlock)(m);
  return ReleaseThenCall(&REAL(pthread_mutex_unlock), m, m);
}

// --- Read-write lock ------------------------------------------------------------
INTERCEPTOR(int, pthread_rwlock_rdlock, pthread_rwlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_rdlock)(l);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_rdlock), l, l);
}

INTERCEPTOR(int, pthread_rwlock_tryrdlock, pthread_rwlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_tryrdlock)(l);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_tryrdlock), l, l);
}

INTERCEPTOR(int, pthread_rwlock_timedrdlock, pthread_rwlock_t *l,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_timedrdlock)(l, abstime);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_timedrdlock), l, l,
                                 abstime);
}

INTERCEPTOR(int, pthread_rwlock_clockrdlock, pthread_rwlock_t *l,
            clockid_t clock, const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_clockrdlock)(l, clock, abstime);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_clockrdlock), l, l,
                                 clock, abstime);
}

INTERCEPTOR(int, pthread_rwlock_wrlock, pthread_rwlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_wrlock)(l);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_wrlock), l, l);
}

INTERCEPTOR(int, pthread_rwlock_trywrlock, pthread_rwlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_trywrlock)(l);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_trywrlock), l, l);
}

INTERCEPTOR(int, pthread_rwlock_timedwrlock, pthread_rwlock_t *l,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_timedwrlock)(l, abstime);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_timedwrlock), l, l,
                                 abstime);
}

INTERCEPTOR(int, pthread_rwlock_clockwrlock, pthread_rwlock_t *l,
            clockid_t clock, const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_clockwrlock)(l, clock, abstime);
  return CallThenAcquire<Locked>(&REAL(pthread_rwlock_clockwrlock), l, l,
                                 clock, abstime);
}

INTERCEPTOR(int, pthread_rwlock_unlock, pthread_rwlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_unlock)(l);
  return ReleaseThenCall(&REAL(pthread_rwlock_unlock), l, l);
}

// --- Spin lock ------------------------------------------------------------------
INTERCEPTOR(int, pthread_spin_lock, pthread_spinlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_spin_lock)(l);
  return CallThenAcquire<Locked>(&REAL(pthread_spin_lock), l, l);
}

INTERCEPTOR(int, pthread_spin_trylock, pthread_spinlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_spin_trylock)(l);
  return CallThenAcquire<Locked>(&REAL(pthread_spin_trylock), l, l);
}

INTERCEPTOR(int, pthread_spin_unlock, pthread_spinlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_spin_unlock)(l);
  return ReleaseThenCall(&REAL(pthread_spin_unlock), l, l);
}

// --- Condition variable waits (the mutex's edges) --------------------------------
INTERCEPTOR(int, pthread_cond_wait, pthread_cond_t *c, pthread_mutex_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_cond_wait)(c, m);
  return ReleaseCallAcquire<Always>(&REAL(pthread_cond_wait), m, c, m);
}

INTERCEPTOR(int, pthread_cond_timedwait, pthread_cond_t *c, pthread_mutex_t *m,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_cond_timedwait)(c, m, abstime);
  return ReleaseCallAcquire<Always>(&REAL(pthread_cond_timedwait), m, c, m,
                                    abstime);
}

INTERCEPTOR(int, pthread_cond_clockwait, pthread_cond_t *c, pthread_mutex_t *m,
            clockid_t clock, const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_cond_clockwait)(c, m, clock, abstime);
  return ReleaseCallAcquire<Always>(&REAL(pthread_cond_clockwait), m, c, m,
                                    clock, abstime);
}

namespace __cgosan {

// glibc's condition variables of the 2.3.2 ABI (the default version, which
// every program built since then uses), as TSan picks them.
static constexpr char kCondVersion[] = "GLIBC_2.3.2";

void InterceptLockFunctions() {
  CGOSAN_INTERCEPT(pthread_mutex_lock);
  CGOSAN_INTERCEPT(pthread_mutex_trylock);
  CGOSAN_INTERCEPT(pthread_mutex_timedlock);
  CGOSAN_INTERCEPT(pthread_mutex_clocklock);
  CGOSAN_INTERCEPT(pthread_mutex_unlock);
  CGOSAN_INTERCEPT(pthread_rwlock_rdlock);
  CGOSAN_INTERCEPT(pthread_rwlock_tryrdlock);
  CGOSAN_INTERCEPT(pthread_rwlock_timedrdlock);
  CGOSAN_INTERCEPT(pthread_rwlock_clockrdlock);
  CGOSAN_INTERCEPT(pthread_rwlock_wrlock);
  CGOSAN_INTERCEPT(pthread_rwlock_trywrlock);
  CGOSAN_INTERCEPT(pthread_rwlock_timedwrlock);
  CGOSAN_INTERCEPT(pthread_rwlock_clockwrlock);
  CGOSAN_INTERCEPT(pthread_rwlock_unlock);
  CGOSAN_INTERCEPT(pthread_spin_lock);
  CGOSAN_INTERCEPT(pthread_spin_trylock);
  CGOSAN_INTERCEPT(pthread_spin_unlock);
  CGOSAN_INTERCEPT_VER(pthread_cond_wait, kCondVersion);
  CGOSAN_INTERCEPT_VER(pthread_cond_timedwait, kCondVersion);
  CGOSAN_INTERCEPT(pthread_cond_clockwait);
}

}  // namespace __cgosan
