// world.cpp — exitsyscall, and stopping the world around it.
//
// A G in a cgocall is parked: its stack is [saved_sp, stack_hi) and the
// collector may scan it while the thread keeps running foreign code. The
// price is paid on the way back: exitsyscall must not let the G touch managed
// memory while the world is stopped, so it re-reads the stop flag after
// announcing itself as running, and waits if a stop is in progress.
//
// The protocol is Dekker's: exitsyscall stores status=running then loads
// world_stopped; StopTheWorld stores world_stopped=1 then loads the statuses.
// Both are sequentially consistent, so at least one side sees the other: the
// stopper never believes a G is parked while it runs, and the G never runs
// while the stopper believes it parked. (A G that is running managed code when
// the world stops is the collector's to suspend; that arrives with the heap.)
#include "rtl.h"

namespace __cgosan {

static atomic_uint32_t world_stopped;  // futex word: 1 while stopped
static StaticSpinMutex stw_mu;         // one stopper at a time

void ExitSyscall(G *g) {
  for (;;) {
    atomic_store(&g->status, kGRunning, memory_order_seq_cst);
    if (LIKELY(!atomic_load(&world_stopped, memory_order_seq_cst)))
      return;
    atomic_store(&g->status, kGSyscall, memory_order_release);
    while (atomic_load(&world_stopped, memory_order_acquire))
      FutexWait(&world_stopped, 1);
  }
}

void StopTheWorld() {
  stw_mu.Lock();
  atomic_store(&world_stopped, 1, memory_order_seq_cst);
}

void StartTheWorld() {
  atomic_store(&world_stopped, 0, memory_order_release);
  FutexWake(&world_stopped, (1u << 31) - 1);
  stw_mu.Unlock();
}

}  // namespace __cgosan
