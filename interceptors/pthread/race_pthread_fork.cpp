// race_pthread_fork.cpp — the interceptors' tables across fork(2)
// (rtl/fork.cpp). A thread starting or being joined holds a bucket of the
// join-record table for a moment, a thread opening or closing an fd one of
// the table of fd sync objects' users; held at the fork, the bucket would
// stay locked in the child, and the child's own pthread_create, join, pipe
// or close hashing there would wait for ever. The forking thread takes them
// all (1021 + 509 spin locks, only when tracking; each is a leaf) and
// releases them in both processes. The join records of the parent's other
// threads stay in the child's table, unused: nobody in the child can join
// those threads.
// The lock that resolves the real functions is not taken: it is held only
// until the load-time constructor has resolved them, before any fork.
#include "hooks.h"
#include "race_fd.h"
#include "race_pthread.h"

namespace __cgosan {

static void LockInterceptorTablesForFork() {
  LockJoinSlotsForFork();
  LockFdSyncUsersForFork();
}

static void UnlockInterceptorTablesAfterFork(bool) {
  UnlockFdSyncUsersAfterFork();
  UnlockJoinSlotsAfterFork();
}

void InstallPthreadForkLocks() {
  hooks.fork_locks[kForkLocksPthread] = {LockInterceptorTablesForFork,
                                         UnlockInterceptorTablesAfterFork};
}

}  // namespace __cgosan
