// race_pthread_handoff.cpp — edges from one-way handoffs: semaphores,
// barriers and pthread_once (C11's call_once: race_c11_threads.cpp).
// sem_post releases the semaphore (keyed by its address) before the real
// post; sem_wait, sem_trywait, sem_timedwait and sem_clockwait acquire it
// after they succeed, so what a poster did before posting is ordered before
// what the waiter that took the count does after. sem_getvalue acquires it
// too, as TSan's does: a program that polls the value until a post shows
// is ordered after that post.
// pthread_barrier_wait releases the barrier before the real wait and, once
// every thread has arrived (0 or PTHREAD_BARRIER_SERIAL_THREAD), acquires
// it: each thread's work before the barrier is ordered before every
// thread's work after it.
// pthread_once runs the program's init routine through a trampoline: the
// thread that runs it releases the once control right after it, and every
// caller whose pthread_once returns 0 acquires it (the init has then
// finished, whoever ran it).
// Allowed on purpose: a semaphore is one clock, so a wait acquires every
// earlier post, not just the one whose count it took (TSan does the same),
// and a thread already past a barrier may release into it before a slow
// thread of the same round acquires: both can only hide races. As with
// locks, a destroyed object forgets its clock (race_pthread_destroy.cpp).
// Cost: see race_pthread.cpp; one edge per call (two for a barrier), and a
// thread-local save and restore around pthread_once when tracking.
#include <pthread.h>
#include <semaphore.h>

#include "race_pthread.h"

// Called by OnceTracked, defined by the interceptor below it.
DECLARE_REAL(int, pthread_once, pthread_once_t *control, void (*init)(void))

using namespace __cgosan;

// Every thread arrived at the barrier.
static bool Passed(int result) {
  return result == 0 || result == PTHREAD_BARRIER_SERIAL_THREAD;
}

// --- Semaphores -------------------------------------------------------------------
INTERCEPTOR(int, sem_post, sem_t *sem) {
  if (LIKELY(PassThrough()))
    return REAL(sem_post)(sem);
  return ReleaseThenCall(&REAL(sem_post), sem, sem);
}

INTERCEPTOR(int, sem_wait, sem_t *sem) {
  if (LIKELY(PassThrough()))
    return REAL(sem_wait)(sem);
  return CallThenAcquire<Succeeded>(&REAL(sem_wait), sem, sem);
}

INTERCEPTOR(int, sem_trywait, sem_t *sem) {
  if (LIKELY(PassThrough()))
    return REAL(sem_trywait)(sem);
  return CallThenAcquire<Succeeded>(&REAL(sem_trywait), sem, sem);
}

INTERCEPTOR(int, sem_timedwait, sem_t *sem, const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(sem_timedwait)(sem, abstime);
  return CallThenAcquire<Succeeded>(&REAL(sem_timedwait), sem, sem, abstime);
}

INTERCEPTOR(int, sem_clockwait, sem_t *sem, clockid_t clock,
            const struct timespec *abstime) {
  if (LIKELY(PassThrough()))
    return REAL(sem_clockwait)(sem, clock, abstime);
  return CallThenAcquire<Succeeded>(&REAL(sem_clockwait), sem, sem, clock,
                                abstime);
}

INTERCEPTOR(int, sem_getvalue, sem_t *sem, int *value) {
  if (LIKELY(PassThrough()))
    return REAL(sem_getvalue)(sem, value);
  return CallThenAcquire<Succeeded>(&REAL(sem_getvalue), sem, sem, value);
}

// --- Barrier ----------------------------------------------------------------------
INTERCEPTOR(int, pthread_barrier_wait, pthread_barrier_t *b) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_barrier_wait)(b);
  return ReleaseCallAcquire<Passed>(&REAL(pthread_barrier_wait), b, b);
}

// --- Once -------------------------------------------------------------------------
namespace __cgosan {

static THREADLOCAL ScopedOnceCall *once_call
    __attribute__((tls_model("initial-exec")));

ScopedOnceCall::ScopedOnceCall(const volatile void *control, void (*init)(void))
    : control_(control), init_(init), outer_(once_call) {
  once_call = this;
}

ScopedOnceCall::~ScopedOnceCall() { once_call = outer_; }

void ScopedOnceCall::RunInitThenRelease() {
  ScopedOnceCall *call = once_call;  // an init may call pthread_once itself
  call->init_();
  ReleaseEdge(call->control_);
}

}  // namespace __cgosan

static NOINLINE int OnceTracked(pthread_once_t *control, void (*init)(void)) {
  if (!SyncTracked())
    return REAL(pthread_once)(control, init);
  int result;
  {
    ScopedOnceCall call(control, init);
    result = REAL(pthread_once)(control, ScopedOnceCall::RunInitThenRelease);
  }
  if (result == 0)
    AcquireEdge(control);
  return result;
}

INTERCEPTOR(int, pthread_once, pthread_once_t *control, void (*init)(void)) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_once)(control, init);
  return OnceTracked(control, init);
}

namespace __cgosan {

void InterceptHandoffFunctions() {
  CGOSAN_INTERCEPT(sem_post);
  CGOSAN_INTERCEPT(sem_wait);
  CGOSAN_INTERCEPT(sem_trywait);
  CGOSAN_INTERCEPT(sem_timedwait);
  CGOSAN_INTERCEPT(sem_clockwait);
  CGOSAN_INTERCEPT(sem_getvalue);
  CGOSAN_INTERCEPT(pthread_barrier_wait);
  CGOSAN_INTERCEPT(pthread_once);
}

}  // namespace __cgosan
