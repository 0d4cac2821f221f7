// hooks.h — how the core tells the checkers about its events (design.md,
// "Layout"): rtl/ never includes checkers/; a checker that wants to hear of
// an event fills the matching slot of `hooks` from its own load-time
// constructor, after EnsureInitialized(). The table is a zero-initialised
// global, so with no checker interested every call site costs one load and
// one predicted-not-taken branch:
//
//   if (UNLIKELY(hooks.cgocall_begin)) hooks.cgocall_begin(g);
//
// Slots are filled once, and never emptied (so the plain loads are fine);
// most at start-up, before user threads exist, but a checker that starts
// lazily (race.cpp) may fill its slots while Gs run. Whoever fills a slot a
// crossing calls (cgocall_*, callback_*, foreign_call_starts) calls
// CrossingHooksChanged() next: the assembly crossings skip every such slot
// while a byte says all are empty (cgocall.cpp). Only hooks with a user are
// here; add a slot when a checker needs a new event.
#ifndef CGOSAN_RTL_HOOKS_H
#define CGOSAN_RTL_HOOKS_H

#include "rtl.h"

namespace __cgosan {

// Who has tables to lock around fork(2), in the order their locks are taken
// (rtl/fork.h: after the runtime's handle locks, before report output).
enum ForkLockOwner : u32 {
  kForkLocksRace,      // checkers/race*.cpp
  kForkLocksPthread,   // interceptors/pthread
  kForkLocksRetention, // checkers/retention_table.cpp
  kForkLocksRetentionWatch,  // checkers/retention_watch.cpp
  kForkLocksForeignRetention,  // checkers/foreign_retention_watch.cpp
  kNumForkLockOwners,
};
// lock: takes every lock of the owner's tables, on the forking thread.
// unlock: releases them after fork, in the parent (child false) and in the
// child (child true), where the calling thread is the only one left.
struct ForkLocks {
  void (*lock)();
  void (*unlock)(bool child);
};

// A call an annotation says keeps an object after it returns (`retains`,
// checkers/retention_table.cpp), for reports about that object made
// elsewhere: its last pin released, a foreign heap freeing it.
struct RetainingCall {
  const char *callee;  // "sqlite3_bind_text"
  int argno;           // the argument kept, counted from 0
  const char *until;   // "sqlite3_reset/finalize/clear_bindings"
  uptr owner;          // the annotation's `by` argument (the sqlite3_stmt *)
  u32 stack;           // stack depot id of the call
};

// What cgosan answers a heap that asks again about an unreachable object.
enum HeapKeepAnswer : u8 {
  kNotKeptBefore,  // never kept: a first death
  kKeepIt,         // kept, still watched
  kRelease,        // kept until now: the heap may free it
};

struct Hooks {
  // Managed -> foreign (cgosan_cgocall on a running G): begin runs on the G
  // before entersyscall, end after exitsyscall, both on the calling thread.
  void (*cgocall_begin)(G *g);
  void (*cgocall_end)(G *g);
  // Foreign -> managed (cgosan_cgocallback): begin runs after exitsyscall,
  // just before the managed function; end right after it returns, before
  // entersyscall. The G is the parked G called back into, or the fresh G of
  // an extra M.
  void (*callback_begin)(G *g);
  void (*callback_end)(G *g);
  // The collector found [base, base + size) unreachable and is freeing it
  // (gc.cpp's sweep, with the world stopped and the heap locked; the hook
  // must not allocate from the managed heap or wait for a G). A foreign
  // heap's free (cgosan_heap_object_freed) comes here too, on the thread
  // that reported it, maybe under that heap's locks.
  void (*object_died)(uptr base, uptr size);
  // Is the object [base, base + size) kept by an annotated call whose
  // retention has not ended? Fills *call with one such call; with `forget`,
  // that retention is over as well. Any thread, with or without runtime
  // locks of steps 1-6 (rtl/fork.h) held; it takes a lock of step 7 and
  // never reports. A foreign heap freeing an object asks it too.
  bool (*find_retaining_call)(uptr base, uptr size, bool forget,
                              RetainingCall *call);
  // The object at base lost its last pin (cgosan_unpin, cgosan_pinner_free)
  // while `call` kept it: the retained-pointer report. On the unpinning
  // thread, with no runtime lock held.
  void (*report_unpinned_retained)(uptr base, const RetainingCall &call);
  // The same event for retention, with the number of the collection that
  // freed it (1 for the first): any heap calls it for each object it frees,
  // under the same conditions (checkers/retention_watch.cpp).
  void (*object_freed)(uptr base, uptr size, u64 collection);
  // The same, for the objects of the guarded pool only (retention=guard
  // watches no other): the sweep then makes no call per dead object.
  void (*pool_object_freed)(uptr base, uptr size, u64 collection);
  // The sweep is about to free the slot at base, which the previous
  // collection quarantined: true keeps it quarantined (poisoned, not reused)
  // one collection more, because retention still watches the dead object
  // there. Under the same conditions as object_freed; asked of the guarded
  // pool's slots only when pool_object_freed is the freeing hook.
  bool (*keeps_freed_slot)(uptr base);
  // Retention (checkers/retention_*.cpp). A cgocall whose argument checks
  // lent objects returned (or a callback ended with records no call took):
  // on the G, after exitsyscall, before cgocall_end.
  void (*lending_call_returned)(G *g);
  // Any cgocall on a G, before its checks' records are taken and before
  // cgocall_begin: the pages managed code or the collector opened are
  // protected again before foreign code runs.
  void (*foreign_call_starts)();
  // Foreign code runs next on this thread without a cgocall: a callback
  // returns, or a G ends (cgosan_run returns to its caller). After the
  // callback's or the G's lending records are taken.
  void (*foreign_code_resumes)();
  // The heap is about to make an object at [base, base + size), on its
  // slow path (heap_alloc.cpp's Zeroed; DivertAllocationsFrom sends an M
  // there): retention=full opens the pages it protected there, so that the
  // heap's zeroing and the program's first stores take no fault.
  void (*heap_makes_object)(uptr base, uptr size);
  // The object at base got its first pin (pinned) or lost its last one,
  // under the pinner's table lock.
  void (*object_pin_changed)(uptr base, bool pinned);
  // A SIGSEGV at addr that may be the checker's own page protection: true
  // when handled (the access can be retried), from the signal handler.
  bool (*protected_page_fault)(uptr addr, void *ucontext);
  // A registered foreign heap (heap_registry.cpp) freed [base, base + size)
  // or moved the object at from to `to`, on the thread that told cgosan.
  void (*heap_object_freed)(u32 heap, uptr base, uptr size);
  // The same event for the retention table's records of foreign objects
  // (checkers/check_foreign_retention.cpp).
  void (*retained_heap_object_freed)(u32 heap, uptr base, uptr size);
  // A foreign heap was registered (heap_registry.cpp), on the registering
  // thread, once its objects can be found.
  void (*heap_registered)(u32 heap);
  void (*heap_object_moved)(u32 heap, uptr from, uptr to, uptr size);
  // A foreign heap found the object at base unreachable and can keep it
  // (cgosan_heap_object_unreachable; retention=full,
  // checkers/foreign_retention_watch.cpp), under that heap's locks. Asked
  // first whether it keeps it from an earlier collection; if not, the
  // freed events above run, then whether to keep it now (true: kept and
  // watched until the answer is kRelease).
  HeapKeepAnswer (*kept_heap_object)(u32 heap, uptr base);
  bool (*keep_heap_object)(u32 heap, uptr base, uptr size);
  // A foreign heap freed the object at base without asking (the program's
  // own free): after the freed events above.
  void (*lent_heap_object_freed)(u32 heap, uptr base);
  // The heap keeps no unreachable object from now on (its own reason).
  void (*heap_cannot_keep)(u32 heap, const char *why);
  // fork(2), on the forking thread (rtl/fork.cpp).
  ForkLocks fork_locks[kNumForkLockOwners];
};

extern Hooks hooks;  // cgocall.cpp

// The crossings' slots (or gc_at_return, or the program's sanitizer) may
// have changed: every crossing from the next one on sees them (cgocall.cpp).
void CrossingHooksChanged();

}  // namespace __cgosan

#endif  // CGOSAN_RTL_HOOKS_H
