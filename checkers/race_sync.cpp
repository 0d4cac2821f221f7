// race_sync.cpp — where happens-before edges come from: sync objects keyed by
// address, and, in race=go, Go's racecgosync fence at every crossing.
//
// A sync object is a vector clock for an address the program synchronises
// on (a mutex, an atomic flag, a channel: whatever it names with
// cgosan_release / cgosan_acquire). Release joins the thread's clock into the
// object's and ticks the thread's own entry, so what the thread does next is
// not covered by this release (TSan's ReleaseMerge, Go's racereleasemerge);
// acquire joins the object's clock into the thread's. An acquire of an
// address nobody released is a no-op and creates nothing.
// A release STORE (an atomic store with release ordering, from the pass)
// replaces the object's clock with the thread's instead (TSan's
// ReleaseStore): C11's release sequence headed by a store is that store and
// the read-modify-writes after it, so an earlier store's thread is no longer
// in it. Read-modify-writes that release join (they continue the sequence),
// as cgosan_release does. A relaxed store does not break the sequence here
// (it touches no clock), so a race after one can be missed, as in TSan.
//
// race=go reproduces Go's runtime/cgocall.go exactly: cgocall does
// racereleasemerge(&racecgosync) before the foreign call and
// raceacquire(&racecgosync) after it; cgocallback does raceacquire before the
// managed function and racereleasemerge after. Every crossing goes through
// the one global clock below, so any two threads that both cross are
// ordered: the compatible mode, and the false negatives that come with it.
// Cost per crossing in race=go: two spin-locked 1 KiB clock joins.
#include "hooks.h"
#include "race.h"

namespace __cgosan {

namespace {
struct SyncVar {
  uptr key;
  SyncVar *next;
  VectorClock vc;
};
}  // namespace

static AddrTable<SyncVar, 4093> sync_table;

void RaceAcquire(RaceThread *thr, uptr addr) {
  if (!thr)
    return;
  FlushAccessRun(thr);
  StaticSpinMutex *mu;
  SyncVar **head = sync_table.Lock(addr, &mu);
  BucketLock l(mu);
  if (SyncVar *s = sync_table.Find(*head, addr))
    thr->vc.Join(s->vc);
}

// An untracked thread's release (a merge, for a release store too: a
// larger clock only orders more).
static void ReleaseFromUntracked(uptr addr) {
  VectorClock present = {};
  JoinEveryThreadsPresent(&present);
  StaticSpinMutex *mu;
  SyncVar **head = sync_table.Lock(addr, &mu);
  BucketLock l(mu);
  sync_table.FindOrCreate(head, addr)->vc.Join(present);
}

void RaceRelease(RaceThread *thr, uptr addr) {
  if (!thr)
    return ReleaseFromUntracked(addr);
  FlushAccessRun(thr);
  {
    StaticSpinMutex *mu;
    SyncVar **head = sync_table.Lock(addr, &mu);
    BucketLock l(mu);
    sync_table.FindOrCreate(head, addr)->vc.Join(thr->vc);
  }
  thr->vc.clk[thr->tid]++;
}

void RaceReleaseStore(RaceThread *thr, uptr addr) {
  if (!thr)
    return ReleaseFromUntracked(addr);
  FlushAccessRun(thr);
  {
    StaticSpinMutex *mu;
    SyncVar **head = sync_table.Lock(addr, &mu);
    BucketLock l(mu);
    sync_table.FindOrCreate(head, addr)->vc = thr->vc;
  }
  thr->vc.clk[thr->tid]++;
}

void RaceSyncDestroyed(uptr addr) {
  StaticSpinMutex *mu;
  SyncVar **head = sync_table.Lock(addr, &mu);
  BucketLock l(mu);
  sync_table.Remove(head, addr);
}

// racecgosync: one global clock (zero-initialised, 1 KiB of bss).
static StaticSpinMutex cgosync_mu;
static VectorClock cgosync_clock;

static void CgoSyncRelease(G *) {
  RaceThread *thr = CurrentRaceThread();
  if (!thr) {
    VectorClock present = {};
    JoinEveryThreadsPresent(&present);
    SpinMutexLock l(&cgosync_mu);
    cgosync_clock.Join(present);
    return;
  }
  FlushAccessRun(thr);
  {
    SpinMutexLock l(&cgosync_mu);
    cgosync_clock.Join(thr->vc);
  }
  thr->vc.clk[thr->tid]++;
}

static void CgoSyncAcquire(G *) {
  RaceThread *thr = CurrentRaceThread();
  if (!thr)
    return;
  FlushAccessRun(thr);
  SpinMutexLock l(&cgosync_mu);
  thr->vc.Join(cgosync_clock);
}

void LockSyncForFork() {
  sync_table.LockAllBuckets();
  cgosync_mu.Lock();
}

void UnlockSyncAfterFork() {
  cgosync_mu.Unlock();
  sync_table.UnlockAllBuckets();
}

void InstallGoModeHooks() {
  hooks.cgocall_begin = CgoSyncRelease;
  hooks.cgocall_end = CgoSyncAcquire;
  hooks.callback_begin = CgoSyncAcquire;
  hooks.callback_end = CgoSyncRelease;
  CrossingHooksChanged();  // maybe while Gs run: InitializeRace is lazy
}

}  // namespace __cgosan
