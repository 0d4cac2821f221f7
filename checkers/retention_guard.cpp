// retention_guard.cpp — which lends retention=guard watches. Only objects of
// the guarded pool (rtl/heap/guarded_pool.h), each alone on its page, so
// watching one faults on no other object; and of each, lends 1, 2, 4, 8...
// (a power of two), so an object lent on every round of a loop costs a
// page protection a doubling, not one a round (18 µs a pair). A lend that
// is not watched opens the object for good, until its next watched lend:
// the call may use it, and so may foreign code after it, unseen (a miss,
// never a false report). Every lent object's allocation site is told to
// the sampler, which prefers such sites.
// Allowed on purpose: everything retention=full allows (pinned, re-passed,
// handles), since the same watch does the rest.
// Cost: a FindObject per managed argument (retention_lend.cpp), one
// relaxed load of the lending-site table, and for a pool object a counter.
#include "heap/guarded_pool.h"
#include "retention.h"

namespace __cgosan {

bool GuardWatchesLend(const ObjectInfo &obj) {
  NoteLendingSite(obj.alloc_stack);
  if (!InGuardedPool(obj.base))
    return false;  // not in the sample
  if (IsPowerOfTwo(CountGuardedLend(obj.base)))
    return true;
  StopWatching(obj.base);
  return false;
}

}  // namespace __cgosan
