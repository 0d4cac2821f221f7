// race_threads.cpp — the engine's thread states, and how kMaxThreads tids
// serve any number of threads over a program's life.
//
// A thread gets its state (tid, clock, caches) the first time it touches the
// engine. A tid is an index into every vector clock, so there are few
// (kMaxThreads). When a thread the pthread interceptors started ends, its
// state is retired: its accesses stay in the shadow (they can still race
// with threads that never synchronised with it), so its tid cannot go to a
// new thread yet: a new occupant's clock would stand for the old one's
// accesses too, and a thread that joins the new occupant would wrongly see
// the old one's (tests/unit: pthread_t_reuse). When fresh tids run out, the
// retired ones are reclaimed all at once: their cells are cleared from the
// shadow (race_shadow.cpp), and each state becomes reusable. A reused state
// keeps its tid and continues its clock, so any clock entry learnt about the
// old occupant stays below every access of the new one.
// Allowed on purpose: a reclaim forgets the retired threads' accesses, so a
// race between one of them and a live thread that never synchronised with it
// is missed from then on (TSan v3 resets the same way when its slots run
// out). Past kMaxThreads threads alive at once, new ones are not tracked:
// their accesses are not checked (a warning says so, once), and as what
// they learn from others is not known, whatever they release (a mutex, a
// thread start or end, an fd) hands on every thread's present epoch, so
// a happens-before chain through them is never broken (no race invented,
// some may be missed among the threads they synchronise).
// Reports number threads by a serial that is never reused (T<serial>).
// Cost: a reclaim walks the whole shadow, once per kMaxThreads thread ends
// at most; a state is about 40 KiB (its clock and caches), allocated once
// per tid, never freed.
#include "race.h"

namespace __cgosan {

static atomic_uint32_t next_tid;
static atomic_uint32_t next_serial;
THREADLOCAL RaceThread *race_thread __attribute__((tls_model("initial-exec")));
RaceThread untracked_thread;

static StaticSpinMutex states_mu;
static RaceThread *retired;   // ended; their cells may still be in the shadow
static RaceThread *reusable;  // reclaimed: no cell of their tid remains
static RaceThread *states[kMaxThreads];  // by tid, once made (under states_mu)

// Moves every retired state to reusable, clearing their tids' cells.
// states_mu held; the cells are cleared bucket by bucket under the
// shadow's own locks, so other threads keep going.
static void ReclaimRetired() {
  u64 tids[kMaxThreads / 64] = {};
  for (RaceThread *t = retired; t; t = t->next_state)
    tids[t->tid / 64] |= 1ull << (t->tid % 64);
  ForgetThreadsAccesses(tids);
  while (RaceThread *t = retired) {
    retired = t->next_state;
    t->next_state = reusable;
    reusable = t;
  }
}

// A state for the calling thread: a reclaimed one, a fresh tid, or, when
// fresh tids are gone, a reclaimed one after a reclaim. Null: untracked.
static RaceThread *TakeState() {
  SpinMutexLock l(&states_mu);
  if (!reusable && atomic_load(&next_tid, memory_order_relaxed) >= kMaxThreads &&
      retired)
    ReclaimRetired();
  if (RaceThread *t = reusable) {
    reusable = t->next_state;
    t->next_state = nullptr;
    ForgetThreadContexts(t);
    u32 start = t->vc.clk[t->tid] + 1;  // above anything known of the old one
    internal_memset(&t->vc, 0, sizeof(t->vc));
    t->vc.clk[t->tid] = start;
    return t;
  }
  u32 tid = atomic_fetch_add(&next_tid, 1, memory_order_relaxed);
  if (tid >= kMaxThreads)
    return nullptr;
  RaceThread *t = static_cast<RaceThread *>(InternalAlloc(sizeof(RaceThread)));
  internal_memset(t, 0, sizeof(*t));
  t->tid = static_cast<u16>(tid);
  t->vc.clk[tid] = 1;  // epoch 0 means "never"
  __atomic_store_n(&states[tid], t, __ATOMIC_RELEASE);
  return t;
}

static constexpr char kMsgUntrackedThreads[] =
    "WARNING: %s: more than %zu threads alive at once: race=precise does not "
    "check the accesses of the threads past them (README, \"Races across the boundary\")\n";
static atomic_uint8_t warned_untracked;

static NOINLINE RaceThread *CreateRaceThread() {
  RaceThread *thr = TakeState();
  if (!thr) {
    if (!atomic_exchange(&warned_untracked, 1, memory_order_relaxed))
      Report(kMsgUntrackedThreads, SanitizerToolName, (usize)kMaxThreads);
    race_thread = &untracked_thread;
    return nullptr;
  }
  thr->serial = atomic_fetch_add(&next_serial, 1, memory_order_relaxed);
  race_thread = thr;
  return thr;
}

RaceThread *RaceThreadOfTid(u16 tid) {
  return tid < kMaxThreads ? __atomic_load_n(&states[tid], __ATOMIC_ACQUIRE)
                           : nullptr;
}

uptr TidsInUse() {
  return Min<uptr>(atomic_load(&next_tid, memory_order_relaxed), kMaxThreads);
}

// Each state's own entry is its thread's present; another thread writes it
// meanwhile, so it is read as an atomic (an entry a moment old is fine: the
// untracked thread that asks synchronised with that thread, if at all,
// before that moment).
void JoinEveryThreadsPresent(VectorClock *vc) {
  SpinMutexLock l(&states_mu);
  uptr n = TidsInUse();
  for (uptr tid = 0; tid < n; tid++) {
    if (!states[tid])
      continue;
    u32 now = __atomic_load_n(&states[tid]->vc.clk[tid], __ATOMIC_RELAXED);
    vc->clk[tid] = Max(vc->clk[tid], now);
  }
}

RaceThread *CurrentRaceThreadSlow() {
  RaceThread *thr = race_thread;
  if (thr)
    return thr == &untracked_thread ? nullptr : thr;
  return CreateRaceThread();
}

void RetireRaceThread() {
  RaceThread *thr = race_thread;
  if (!thr || thr == &untracked_thread)
    return;
  FlushAccessRun(thr);
  race_thread = &untracked_thread;  // the thread's last moments go untracked
  SpinMutexLock l(&states_mu);
  thr->next_state = retired;
  retired = thr;
}

void LockThreadStatesForFork() { states_mu.Lock(); }
void UnlockThreadStatesAfterFork() { states_mu.Unlock(); }

// Every state that is neither the caller's nor already retired or reusable
// belonged to a thread of the parent: it ends here. Its accesses stay in
// the shadow (they happened, and one the child's thread never synchronised
// with still races with the child's), its unrecorded run is dropped, and
// its tid is reclaimed like any ended thread's.
void RetireThreadsLostInFork() {
  u64 ended[kMaxThreads / 64] = {};
  SpinMutexLock l(&states_mu);
  RaceThread *lists[] = {retired, reusable};
  for (RaceThread *list : lists)
    for (RaceThread *t = list; t; t = t->next_state)
      ended[t->tid / 64] |= 1ull << (t->tid % 64);
  for (uptr tid = 0; tid < kMaxThreads; tid++) {
    RaceThread *t = states[tid];
    if (!t || t == race_thread || (ended[tid / 64] >> (tid % 64) & 1))
      continue;
    t->run.active = false;
    t->next_state = retired;
    retired = t;
  }
}

}  // namespace __cgosan
