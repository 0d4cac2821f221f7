// race_pthread_destroy.cpp — a destroyed primitive forgets its clock.
// Locks, semaphores and barriers are sync objects keyed by their address
// (race_sync.cpp). pthread_mutex_destroy, pthread_rwlock_destroy,
// pthread_spin_destroy, sem_destroy and pthread_barrier_destroy drop the
// address's clock once the real destroy succeeds, as TSan's MutexDestroy
// does: a primitive made later at the same address (a struct freed and
// allocated again, a mutex destroyed and initialised) starts with no edges,
// so what the old one ordered does not order what the new one guards. And a
// program that makes and destroys primitives by the million keeps a bounded
// sync table. A failed destroy (EBUSY: still in use) keeps the clock.
// Allowed on purpose: memory freed without a destroy call, or reused by
// other means, keeps its clock: races can then be hidden, never invented.
// Condition variables carry no clock here (race_pthread_lock.cpp), so
// pthread_cond_destroy is not intercepted.
// Cost: one sync-table bucket lock per destroy when tracking.
#include <pthread.h>
#include <semaphore.h>

#include "race_pthread.h"

using namespace __cgosan;

namespace {

// The slow path of every destroy: the real call, then the clock is dropped.
template <typename Primitive>
NOINLINE int DestroyThenForget(int (**real)(Primitive *), Primitive *sync) {
  if (!SyncTracked())
    return (*real)(sync);
  int result = (*real)(sync);
  if (result == 0)
    RaceSyncDestroyed(reinterpret_cast<uptr>(sync));
  return result;
}

}  // namespace

INTERCEPTOR(int, pthread_mutex_destroy, pthread_mutex_t *m) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_mutex_destroy)(m);
  return DestroyThenForget(&REAL(pthread_mutex_destroy), m);
}

INTERCEPTOR(int, pthread_rwlock_destroy, pthread_rwlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_rwlock_destroy)(l);
  return DestroyThenForget(&REAL(pthread_rwlock_destroy), l);
}

INTERCEPTOR(int, pthread_spin_destroy, pthread_spinlock_t *l) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_spin_destroy)(l);
  return DestroyThenForget(&REAL(pthread_spin_destroy), l);
}

INTERCEPTOR(int, sem_destroy, sem_t *sem) {
  if (LIKELY(PassThrough()))
    return REAL(sem_destroy)(sem);
  return DestroyThenForget(&REAL(sem_destroy), sem);
}

INTERCEPTOR(int, pthread_barrier_destroy, pthread_barrier_t *b) {
  if (LIKELY(PassThrough()))
    return REAL(pthread_barrier_destroy)(b);
  return DestroyThenForget(&REAL(pthread_barrier_destroy), b);
}

namespace __cgosan {

void InterceptDestroyFunctions() {
  CGOSAN_INTERCEPT(pthread_mutex_destroy);
  CGOSAN_INTERCEPT(pthread_rwlock_destroy);
  CGOSAN_INTERCEPT(pthread_spin_destroy);
  CGOSAN_INTERCEPT(sem_destroy);
  CGOSAN_INTERCEPT(pthread_barrier_destroy);
}

}  // namespace __cgosan
