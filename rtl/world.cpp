// world.cpp — exitsyscall, and stopping the world around it.
//
// A G in a cgocall is parked: its stack is [saved_sp, stack_hi) and the
// collector may scan it while the thread keeps running foreign code. The
// price is paid on the way back: exitsyscall must not let the G touch managed
// memory while the world is stopped, so it re-reads the stop flag after
// announcing itself as running, and waits if a stop is in progress.
//
// The protocol is Dekker's: exitsyscall stores status=running, then loads
// world_stopped; StopTheWorld stores world_stopped=1, then (the collector)
// loads the statuses. A full barrier between store and load on both sides
// guarantees that at least one side sees the other: the stopper never believes
// a G parked while it runs, and the G never runs while the stopper believes
// it parked. The barrier is asymmetric, as in userspace RCU: the stopper,
// which is rare, calls membarrier(PRIVATE_EXPEDITED), which executes a full
// barrier on every running thread of the process; exitsyscall, which runs on
// every cgocall, then needs only a compiler barrier. Where the kernel lacks
// membarrier, exitsyscall uses a real fence (one locked instruction).
//
// Allowed on purpose: a G that is running managed code when the world stops is
// not stopped here; suspending it is the collector's job (with the heap).
#include "fork.h"
#include "rtl.h"

namespace __cgosan {

atomic_uint32_t world_stopped;
bool world_uses_membarrier;
// Threads in ExitSyscallSlow that may sleep on world_stopped. StartTheWorld
// makes the futex call, a system call, only when there are any: most
// collections have no G coming back from C. The waiter counts itself before
// it reads world_stopped, the starter clears world_stopped before it reads
// the count (both seq_cst): either the starter sees the waiter, or the
// waiter sees the world started and does not sleep.
static atomic_uint32_t world_waiters;
static StaticSpinMutex stw_mu;  // one stopper at a time

void InitializeWorld() { world_uses_membarrier = RegisterProcessBarrier(); }

// Parked again while it waits, the G is scanned from g->saved_sp. Back from
// a cgocall, the G's own stack is the one this runs on, and the switch's
// spill of the callee-saved registers below it is popped (and overwritten by
// this wait's frames), so the registers, which may hold the only copy of a
// managed pointer, are spilled again here and saved_sp is moved below them.
// Entering a callback or a new G, this runs on the system stack and the G's
// saved_sp stays where the G was parked.
void NOINLINE ExitSyscallSlow(G *g) {
  __builtin_unwind_init();  // spill every callee-saved register in this frame
  volatile uptr marker = 0;
  uptr sp = reinterpret_cast<uptr>(&marker);
  if (sp >= g->stack_lo && sp < g->stack_hi)
    g->saved_sp = sp;
  while (atomic_load(&world_stopped, memory_order_acquire)) {
    atomic_store(&g->status, kGSyscall, memory_order_release);
    atomic_fetch_add(&world_waiters, 1, memory_order_seq_cst);
    while (atomic_load(&world_stopped, memory_order_seq_cst))
      FutexWait(&world_stopped, 1);
    atomic_fetch_sub(&world_waiters, 1, memory_order_relaxed);
    atomic_store(&g->status, kGRunning, memory_order_relaxed);
    if (world_uses_membarrier)
      atomic_signal_fence(memory_order_seq_cst);
    else
      atomic_thread_fence(memory_order_seq_cst);
  }
}

void StopTheWorld() {
  stw_mu.Lock();
  atomic_store(&world_stopped, 1, memory_order_seq_cst);
  if (world_uses_membarrier)
    ProcessWideBarrier();
}

void StartTheWorld() {
  atomic_store(&world_stopped, 0, memory_order_seq_cst);
  if (atomic_load(&world_waiters, memory_order_seq_cst))
    FutexWake(&world_stopped, (1u << 31) - 1);
  stw_mu.Unlock();
}

// The forking thread holds the collector's lock, so the world is not
// stopped; in the child no thread is left to wait for it to start.
void LockWorldForFork() { stw_mu.Lock(); }

void UnlockWorldAfterFork(bool child) {
  if (child) {
    atomic_store_relaxed(&world_stopped, 0);
    atomic_store_relaxed(&world_waiters, 0);
  }
  ReleaseAfterFork(&stw_mu, child);
}

}  // namespace __cgosan
