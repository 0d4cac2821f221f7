// fork.h — surviving fork(2) (fork.cpp): every lock of the runtime, in the
// one order the forking thread takes them before fork, and what each module
// does with them after it, in the parent and in the child.
//
// The order (outermost first; a thread that holds a lock of the list only
// ever waits for locks further down it, so the forking thread, taking them
// top-down, never waits for a thread that waits for it):
//   1. the collector (gc.cpp: gc_mu): no collection runs across fork
//   2. the world (world.cpp: stw_mu)
//   3. the Ms and Gs (thread.cpp: the M list, the pool of Ms that extra Ms
//      come from, the G pool)
//   4. the heap (heap_alloc.cpp, heap.cpp: the shared cache, the central
//      span lists, the root slots)
//   5. the pinners (pinner.cpp: the pool, every pinner, the pin table)
//   6. the handles (handle.cpp)
//   7. the checkers' and interceptors' tables (hooks.h: fork_locks)
//   8. the suppressions (suppressions.cpp)
//   9. report output (sanitizer_common's report lock)
//  10. the locks of other libraries the runtime calls (libunwind's cache,
//      the symbolizer's): no lock of theirs is the runtime's to take, so the
//      fork waits until no thread is inside a ScopedLibraryLocks
//  11. the report file, the stack depot and the internal allocator
//      (sanitizer_common; fork.cpp)
// A module's Lock...ForFork takes its locks; its ...AfterFork(child)
// releases them in the parent, and in the child (where the forking thread
// is the only thread left) makes them new: a sleeping lock may still count
// waiters that were threads of the parent.
#ifndef CGOSAN_RTL_FORK_H
#define CGOSAN_RTL_FORK_H

#include "rtl.h"

namespace __cgosan {

// The atfork handlers, registered at start-up (fork_linux.cpp).
void InitializeFork();
void BeforeFork();
void AfterForkInParent();
void AfterForkInChild();

void LockCollectorForFork();
void UnlockCollectorAfterFork(bool child);
void LockWorldForFork();
void UnlockWorldAfterFork(bool child);  // child: the world runs
void LockThreadsForFork();
void UnlockThreadsAfterFork(bool child);
// In the child, once every lock is free again: the Ms of the threads that
// did not survive the fork go back to the pool (thread.cpp).
void DropMsLostInFork();
void LockHeapForFork();
void UnlockHeapAfterFork(bool child);
void LockPinnersForFork();
void UnlockPinnersAfterFork(bool child);
void LockHandlesForFork();
void UnlockHandlesAfterFork(bool child);
void LockSuppressionsForFork();
void UnlockSuppressionsAfterFork(bool child);

// Marks a call into a library that takes locks of its own: a stack walk
// (libunwind's cache) or a symbolization (the symbolizer's lock). A fork
// waits, with every runtime lock above it held, until no thread is inside
// one, so the child finds those locks free too; a thread waits to enter one
// while a fork is under way. Never with a lock of steps 1-9 held: by the time
// the fork waits, no thread holds one (the forking thread does), so a
// thread waiting to enter holds none either. Not in a signal handler: the
// signal may have interrupted a scope of its own thread. Symbolizing under
// the suppressions' or the report lock needs none: the fork holds them.
class ScopedLibraryLocks {
 public:
  ScopedLibraryLocks();
  ~ScopedLibraryLocks();
};

// Releases a lock the forking thread took before fork: unlocked in the
// parent, made new in the child.
template <typename Lock>
void ReleaseAfterFork(Lock *mu, bool child) {
  if (child)
    internal_memset(static_cast<void *>(mu), 0, sizeof(*mu));
  else
    mu->Unlock();
}

}  // namespace __cgosan

#endif  // CGOSAN_RTL_FORK_H
