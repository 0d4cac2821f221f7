// race_fork.cpp — the race engine across fork(2) (rtl/fork.cpp): its
// tables' locks, and who the child's one thread is.
//
// The forking thread takes every lock of the engine before fork, in the
// order the engine nests them: thread states (a reclaim clears the shadow
// under it), the shadow buckets (an access interns its context under its
// block's lock), the contexts' chunks, the sync objects and Go's fence, the
// table of reported pairs. After fork they are released in both processes;
// the arena's per-block shadow locks, too many to take, are released in the
// child (race_shadow.cpp).
// In the child the forking thread keeps its state: its tid, its vector
// clock (everything it had synchronised with before the fork stays ordered
// before what it does next) and its caches. Every other thread's state is
// retired: those threads are gone, their tids can serve the child's new
// threads. Their recorded accesses stay; one the forking thread never
// synchronised with still races with the child's access to the same word,
// since the child reads whatever that thread left there at the fork.
// Cost: one lock per bucket of each table (about 37 000 spin locks), per
// fork, with race tracking on; nothing with race=off.
#include "hooks.h"
#include "race.h"

namespace __cgosan {

static void LockRaceEngineForFork() {
  LockThreadStatesForFork();
  LockShadowForFork();
  LockRecordsForFork();
  LockSyncForFork();
  LockReportedForFork();
}

static void UnlockRaceEngineAfterFork(bool child) {
  UnlockReportedAfterFork();
  UnlockSyncAfterFork();
  UnlockRecordsAfterFork();
  UnlockShadowAfterFork();
  UnlockThreadStatesAfterFork();
  if (child) {
    ReleaseArenaBlocksInChild();
    RetireThreadsLostInFork();
  }
}

void InstallRaceForkLocks() {
  hooks.fork_locks[kForkLocksRace] = {LockRaceEngineForFork,
                                      UnlockRaceEngineAfterFork};
}

}  // namespace __cgosan
