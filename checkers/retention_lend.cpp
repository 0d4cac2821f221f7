// retention_lend.cpp — which objects a cgocall lends (retention=guard, full). An
// object is lent by a call that is handed a pointer into it, for as long as
// that call runs (Go's rule 2: the callee may not keep it after it returns).
// The argument checks (cgosan_check_arg, _var: the interposer's wrappers and
// the pass's call sites) note each managed argument on the calling G, and
// the call's return hands the records to the watch table. A pinned object
// is lent too, but watched only from its unpin (foreign code may keep it
// until then, not after). Not lent on purpose: memory
// on a G stack (the G is parked, its frames live, for the call's duration
// only; after it the memory is reused by managed code), foreign memory, and
// a handle (an integer). Arguments checked off a G (foreign code calling
// foreign code) lend nothing: no cgocall follows. A callee that promised
// noescape (`noescape = yes`, -cgosan-noescape: cgosan_lend_noescape) lends
// the same way; its record carries the promise, which the report names.
// guard lends only the objects of the guarded pool (rtl/heap/guarded_pool.h)
// and notes every lent object's allocation site for its sampler.
// Cost: off and annotations, nothing (the records stay empty: a cgocall
// compares two counters of its G). guard: a FindObject per managed
// argument, and for a sampled object what full pays. full: a FindObject, a
// stack id and the table's lock per managed argument.
#include "foreign_retention_watch.h"
#include "heap/gc.h"
#include "heap/guarded_pool.h"
#include "hooks.h"
#include "retention.h"

extern "C" {
SANITIZER_INTERFACE_ATTRIBUTE __sanitizer::u8 __cgosan_lending;
extern __sanitizer::u8 __cgosan_foreign_lending;  // heap_registry.cpp
}

namespace __cgosan {

// One page of records per G, taken at its first lend; Gs are never freed.
static constexpr uptr kLendPageBytes = 4096;
static constexpr u32 kMaxLendRecords = kLendPageBytes / sizeof(LendRecord);

void NoteLent(uptr p, const char *callee, int argno, bool noescape) {
  if (UNLIKELY(__cgosan_foreign_lending) && !InArena(p))
    return NoteForeignLent(p, callee, argno);  // on a G or not
  G *g = CurrentG();
  ObjectInfo obj;
  if (!InArena(p) || !IsRunningG(g) || !FindObject(p, &obj))
    return;
  for (u32 i = g->lent_floor; g->lent && i < g->nlent; i++) {
    if (g->lent[i].base == obj.base) {
      // Passed twice to one call (or checked, then noted with the call's
      // promise): one lend, under the promise if either note made it, and
      // counted once by guard's sampler.
      if (noescape && !g->lent[i].noescape) {
        g->lent[i].noescape = true;
        g->lent[i].argno = argno;
      }
      return;
    }
  }
  if (retention_mode == kRetentionGuard && !GuardWatchesLend(obj))
    return;
  if (!g->lent)
    g->lent = static_cast<LendRecord *>(
        MmapOrDie(kLendPageBytes, "cgosan lending records"));
  if (g->nlent == kMaxLendRecords)
    return;  // a call with that many managed arguments: the rest go unwatched
  BeginLend(obj);
  g->lent[g->nlent++] = {obj.base, obj.size, callee, argno, CaptureStackIdFast(),
                         noescape};
}

static void LendingCallReturned(G *g) {
  for (u32 i = g->lent_floor; i < g->nlent; i++)
    EndLend(g->lent[i]);
  g->nlent = g->lent_floor;
  ProtectOpenPagesUnlessTheyMayWait();
}

static void PinChanged(uptr base, bool pinned) {
  ObjectInfo obj;
  if (FindObject(base, &obj))
    WatchPinChanged(obj, pinned);
  ProtectOpenPagesUnlessTheyMayWait();
}

static constexpr char kMsgReopenedPages[] =
    "CgoSanitizer: retention=%s: %llu faults on watched pages were not "
    "foreign code in a watched object (opened, no report)\n";
static constexpr char kMsgPageProtections[] =
    "CgoSanitizer: retention=%s: %llu page protections\n";
static constexpr char kMsgGuardedPool[] =
    "CgoSanitizer: retention=guard: %llu objects sampled into the guarded "
    "pool (%zu KiB), %llu found it full, %llu expiries deferred to a lending "
    "site\n";

// With verbosity=1, at exit: what watching cost in faults that found nothing.
static void PrintRetentionStats() {
  if (!Verbosity())
    return;
  bool guard = retention_mode == kRetentionGuard;
  const char *mode = guard ? "guard" : "full";
  Printf(kMsgReopenedPages, mode, (unsigned long long)RetentionReopenedPages());
  if (guard) {
    GuardedPoolStats s = GetGuardedPoolStats();
    Printf(kMsgGuardedPool, (unsigned long long)s.sampled,
           (usize)(kGuardedPoolBytes >> 10), (unsigned long long)s.pool_full,
           (unsigned long long)s.deferred);
  }
  Printf(kMsgPageProtections, mode, (unsigned long long)RetentionPageProtections());
}

// Hooks go in before main, so no call lends unrecorded. guard watches the
// objects of its pool, full every lent object: the same watch.
__attribute__((constructor)) static void cgosan_retention_load_time_init() {
  EnsureInitialized();
  if (retention_mode != kRetentionGuard && retention_mode != kRetentionFull)
    return;
  if (retention_mode == kRetentionGuard)
    InitializeGuardedPool();
  InitializeWatchTable();
  hooks.lending_call_returned = LendingCallReturned;
  hooks.foreign_call_starts = RetentionForeignCallStarts;
  hooks.foreign_code_resumes = ProtectOpenPages;
  CrossingHooksChanged();
  hooks.object_pin_changed = PinChanged;
  // guard watches only the pool's objects: the others die unseen.
  if (retention_mode == kRetentionGuard)
    hooks.pool_object_freed = RetentionOnObjectFreed;
  else
    hooks.object_freed = RetentionOnObjectFreed;
  hooks.protected_page_fault = RetentionFault;
  __cgosan_lending = 1;
  Atexit(PrintRetentionStats);
}

}  // namespace __cgosan

using namespace __cgosan;

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_lend(const void *p,
                                                         const char *callee,
                                                         int argno) {
  NoteIfLent(reinterpret_cast<uptr>(p), callee, argno);
}

extern "C" SANITIZER_INTERFACE_ATTRIBUTE void cgosan_lend_noescape(
    const void *p, const char *callee, int argno) {
  if (UNLIKELY(__cgosan_lending))
    NoteLent(reinterpret_cast<uptr>(p), callee, argno, /*noescape=*/true);
}
