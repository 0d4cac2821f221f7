// fork.cpp — a child of a multi-threaded program can run managed code.
//
// fork(2) copies the process with one thread in it, the one that called it.
// A lock another thread held at that moment stays held in the child for
// ever, and the structure it guarded may be half-changed: a child that
// allocates would wait on the heap lock of a thread that no longer exists.
// So, as glibc does for malloc and TSan for its runtime (ForkBefore /
// ForkParentAfter / ForkChildAfter), the forking thread takes every lock of
// the runtime before fork, in the order fork.h lists, and gives them back
// after it: unlocked in the parent, made new in the child. In between, no
// other thread is inside the runtime's critical sections, so the child
// inherits every structure whole. The handlers are pthread_atfork's
// (fork_linux.cpp), so they run for fork() and for libc's own forks
// (daemon, ...), and not for vfork, posix_spawn, or system() and popen(),
// which glibc builds on posix_spawn: their child shares or replaces the
// address space and must only exec or _exit, so there is nothing to lock.
//
// The collector's lock comes first. A collection holds it while it stops
// the world and waits for the running Gs to reach a safepoint, so the
// forking thread must not be a running G while it waits for it: a G that
// forks from managed code is parked first, exactly as for a cgocall
// (registers spilled, saved_sp published, status syscall), and the
// collection scans it like any parked G and finishes. Once the forking
// thread holds the collector's lock no collection can start, so nothing
// waits for a running G while the handlers hold the other locks; running
// Gs on other threads simply wait for the heap or handle lock until the
// parent's handler gives it back.
//
// In the child only the forking thread exists. Its M and G go on as they
// were. Every other M is dropped into the pool (thread.cpp), as if its
// thread had exited: its G, running or parked, is gone, so its stack is no
// longer a root, and later threads of the child (callbacks from threads it
// starts) take these Ms afresh. The race checker forgets the other
// threads' states and keeps the forking thread's clock (hooks.h).
//
// The libraries the runtime calls have locks of their own that it cannot
// take (libunwind's cache, the symbolizer's): the fork waits until no
// thread is inside a call to them (ScopedLibraryLocks).
// Not handled: parent and child share the symbolizer's process and pipes,
// as with every sanitizer, so both symbolizing at once may mix their
// answers; an atfork prepare handler registered before the runtime started,
// which runs after ours, must not call the runtime.
#include "fork.h"

#include "hooks.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"
#include "sanitizer_common/sanitizer_file.h"
#include "sanitizer_common/sanitizer_stackdepot.h"

namespace __cgosan {

// The G of this thread that BeforeFork parked (null: none, or it was
// already parked in a cgocall), for the handlers after fork to resume.
static THREADLOCAL G *parked_for_fork __attribute__((tls_model("initial-exec")));

// Threads inside a ScopedLibraryLocks, and whether a fork keeps them out.
static atomic_uint32_t library_lock_users;
static atomic_uint32_t library_locks_closed;

ScopedLibraryLocks::ScopedLibraryLocks() {
  for (;;) {
    atomic_fetch_add(&library_lock_users, 1, memory_order_seq_cst);
    if (!atomic_load(&library_locks_closed, memory_order_seq_cst))
      return;
    atomic_fetch_sub(&library_lock_users, 1, memory_order_relaxed);
    while (atomic_load(&library_locks_closed, memory_order_acquire))
      internal_sched_yield();
  }
}

ScopedLibraryLocks::~ScopedLibraryLocks() {
  atomic_fetch_sub(&library_lock_users, 1, memory_order_release);
}

// Both sides are sequentially consistent (Dekker's): a thread either sees
// the door closed and stays out, or is counted before the fork looks.
static void WaitForLibraryLocks() {
  atomic_store(&library_locks_closed, 1, memory_order_seq_cst);
  while (atomic_load(&library_lock_users, memory_order_seq_cst))
    internal_sched_yield();
}

static void OpenLibraryLocks(bool child) {
  if (child)  // a thread of the parent may have been counted for a moment
    atomic_store(&library_lock_users, 0, memory_order_relaxed);
  atomic_store(&library_locks_closed, 0, memory_order_release);
}

static void LockReportOutputForFork() {
  ScopedErrorReportLock::Lock();
  WaitForLibraryLocks();
  report_file.mu->Lock();
  StackDepotLockBeforeFork();
  InternalAllocatorLock();
}

static void UnlockReportOutputAfterFork(bool child) {
  InternalAllocatorUnlock();
  StackDepotUnlockAfterFork(child);
  report_file.mu->Unlock();
  OpenLibraryLocks(child);
  ScopedErrorReportLock::Unlock();
}

static void LockEverything() {
  LockCollectorForFork();
  LockWorldForFork();
  LockThreadsForFork();
  LockHeapForFork();
  LockPinnersForFork();
  LockHandlesForFork();
  for (const ForkLocks &owner : hooks.fork_locks)
    if (owner.lock)
      owner.lock();
  LockSuppressionsForFork();
  LockReportOutputForFork();
}

static void UnlockEverything(bool child) {
  UnlockReportOutputAfterFork(child);
  UnlockSuppressionsAfterFork(child);
  for (uptr i = kNumForkLockOwners; i-- > 0;)
    if (hooks.fork_locks[i].unlock)
      hooks.fork_locks[i].unlock(child);
  UnlockHandlesAfterFork(child);
  UnlockPinnersAfterFork(child);
  UnlockHeapAfterFork(child);
  UnlockThreadsAfterFork(child);
  UnlockWorldAfterFork(child);
  UnlockCollectorAfterFork(child);
}

// The G parked for the fork goes on. Its live stack is republished here
// first, below this frame's spill of the callee-saved registers: the spill
// BeforeFork made is popped by now, and libc's fork frames may have written
// over it. The collector's lock is still held, so no scan sees the move.
static ALWAYS_INLINE void ResumeParkedG(uptr sp) {
  if (G *g = parked_for_fork)
    g->saved_sp = sp;
}

void NOINLINE BeforeFork() {
  __builtin_unwind_init();  // spill every callee-saved register in this frame
  volatile uptr marker = 0;
  ErrnoSaver errno_saver;
  M *m = CurrentM();
  G *g = m ? m->curg : nullptr;
  if (IsRunningG(g)) {
    g->saved_sp = reinterpret_cast<uptr>(&marker);
    EnterSyscall(g);
    parked_for_fork = g;
  }
  LockEverything();
}

// In the parent (child false) and in the child.
static void NOINLINE AfterFork(bool child) {
  __builtin_unwind_init();
  volatile uptr marker = 0;
  ErrnoSaver errno_saver;
  ResumeParkedG(reinterpret_cast<uptr>(&marker));
  UnlockEverything(child);
  if (child)
    DropMsLostInFork();
  if (G *g = parked_for_fork) {
    parked_for_fork = nullptr;
    ExitSyscall(g);  // in the parent, waits if a collection started meanwhile
  }
}

void AfterForkInParent() { AfterFork(/*child=*/false); }
void AfterForkInChild() { AfterFork(/*child=*/true); }

}  // namespace __cgosan
