// race_pthread_fork.cpp — the join records across fork(2) (rtl/fork.cpp).
// A thread starting or being joined holds a bucket of the join-record table
// for a moment; held at the fork, the bucket would stay locked in the child,
// and the child's own pthread_create or pthread_join on a pthread_t hashing
// there would wait for ever. The forking thread takes them all (1021 spin
// locks, only when tracking) and releases them in both processes. The
// records of the parent's other threads stay in the child's table, unused:
// nobody in the child can join those threads.
// The lock that resolves the real functions is not taken: it is held only
// until the load-time constructor has resolved them, before any fork.
#include "hooks.h"
#include "race_pthread.h"

namespace __cgosan {

static void UnlockJoinSlots(bool) { UnlockJoinSlotsAfterFork(); }

void InstallPthreadForkLocks() {
  hooks.fork_locks[kForkLocksPthread] = {LockJoinSlotsForFork, UnlockJoinSlots};
}

}  // namespace __cgosan
