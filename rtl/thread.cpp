// thread.cpp — Ms (threads) and Gs (goroutines): creation, pools, counters.
//
// An M is bound to a thread at its first contact with the runtime (cgosan_run,
// or a callback from a thread foreign code created: Go's needm) and stays
// bound until the thread exits; then it goes back to a pool for the next
// thread (Go's dropm, done once per thread rather than once per callback, as
// Go 1.21's cgoBindM does). Ms are therefore never leaked and never freed: the
// set of Ms is as large as the most threads ever attached at once.
//
// A G's stack is mapped once and reused: each M keeps one idle G, and a global
// pool keeps up to kMaxPooledGs more, so cgosan_run costs no system call in
// the steady state. A G beyond the pool gives its stack's pages back, and its
// slot of the G stacks' region to the next new G (gstack.cpp).
#include "fork.h"
#include "gstack.h"
#include "heap/heap_internal.h"
#include "report.h"
#include "rtl.h"
#include "sanitizer_common/sanitizer_allocator_internal.h"

namespace __cgosan {

THREADLOCAL M *cur_m __attribute__((tls_model("initial-exec")));
const atomic_uint32_t no_g_status = {kGIdle};
}  // namespace __cgosan
extern "C" {
// Initialised in the TLS image, so a thread the runtime has never seen (one
// the program made) reads kGIdle through it with no start-up code.
SANITIZER_INTERFACE_ATTRIBUTE THREADLOCAL const __sanitizer::atomic_uint32_t
    *__cgosan_g_status __attribute__((tls_model("initial-exec"))) =
        &__cgosan::no_g_status;
}
namespace __cgosan {

static constexpr uptr kMaxPooledGs = 64;

static StaticSpinMutex threads_mu;
// Every M ever made, newest first. Added to under threads_mu, read without
// it: Ms are never freed, and an M's next_all is set before the release
// store that publishes it. The collector walks the list while it waits for
// the running Gs, and a running G that reads it (cgosan_num_cgocall) must
// not wait for a lock the collector holds meanwhile: they deadlocked.
static atomic_uintptr_t all_ms;
static M *free_ms;    // pool of Ms with no thread (guarded by threads_mu)
static G *free_gs;    // pool of idle Gs (guarded by threads_mu)
static uptr free_gs_count;
static MStats stats;  // guarded by threads_mu
static atomic_uint64_t next_goid;

M *AcquireM(bool extra) {
  M *m;
  {
    SpinMutexLock l(&threads_mu);
    m = free_ms;
    if (m) {
      free_ms = m->next_free;
      m->pooled = false;
      stats.ms_free--;
    } else {
      m = static_cast<M *>(InternalCalloc(1, sizeof(M)));
      m->id = ++stats.ms_created;
      m->next_all = reinterpret_cast<M *>(atomic_load_relaxed(&all_ms));
      atomic_store(&all_ms, reinterpret_cast<uptr>(m), memory_order_release);
    }
  }
  m->next_free = nullptr;
  m->extra = extra;
  m->curg = nullptr;
  m->g0_sp = 0;
  m->foreign_call = nullptr;  // a pthread_exit in foreign code left it set
  m->errno_location = &errno;  // this thread's
  cur_m = m;
  InstallAltStack(m);
  BindMToThread(m);
  return m;
}

// m's thread is gone: its spans and idle G go back, and m to the pool.
static void PoolM(M *m) {
  FlushHeapCache(m);
  G *cached = m->gcache;
  m->gcache = nullptr;
  if (cached)
    ReleaseG(nullptr, cached);
  SpinMutexLock l(&threads_mu);
  m->pooled = true;
  m->next_free = free_ms;
  free_ms = m;
  stats.ms_free++;
}

void ReleaseM(M *m) {
  if (m->curg) {
    // The thread is ending while a G it ran has not returned (pthread_exit or
    // a longjmp out of managed code). The G's frames are gone; drop it.
    ReportDesc r = {};
    r.kind = kApiMisuse;
    SetMessage(&r,
               "thread of M %u exited while G %llu was still running on it "
               "(pthread_exit or longjmp out of managed code?)",
               m->id, (unsigned long long)m->curg->id);
    CaptureStack(&r.stack);
    m->curg = nullptr;
    SetCurrentGStatusWord(nullptr);
    EmitReport(r);
  }
  RemoveAltStack(m);
  cur_m = nullptr;
  PoolM(m);
}

G *AcquireG(M *m) {
  G *g = m->gcache;
  if (g) {
    m->gcache = nullptr;
  } else {
    {
      SpinMutexLock l(&threads_mu);
      g = free_gs;
      if (g) {
        free_gs = g->next_free;
        free_gs_count--;
      }
    }
    if (!g) {
      g = NewG();
      if (!g)
        return nullptr;
      SpinMutexLock l(&threads_mu);
      stats.gs_mapped++;
    }
  }
  g->id = atomic_fetch_add(&next_goid, 1, memory_order_relaxed) + 1;
  g->m = m;
  g->saved_sp = g->stack_hi;  // no frames yet: parked, its live stack is empty
  g->next_free = nullptr;
  atomic_store(&g->status, kGRunning, memory_order_relaxed);
  return g;
}

bool AnyGEverRan() { return atomic_load(&next_goid, memory_order_relaxed) != 0; }

void ReleaseG(M *m, G *g) {
  atomic_store(&g->status, kGIdle, memory_order_relaxed);
  g->m = nullptr;
  if (m && !m->gcache) {
    m->gcache = g;
    return;
  }
  {
    SpinMutexLock l(&threads_mu);
    if (free_gs_count < kMaxPooledGs) {
      g->next_free = free_gs;
      free_gs = g;
      free_gs_count++;
      return;
    }
    stats.gs_mapped--;
  }
  FreeG(g);
}

void ForEachM(void (*fn)(M *m, void *arg), void *arg) {
  for (M *m = reinterpret_cast<M *>(atomic_load(&all_ms, memory_order_acquire));
       m; m = m->next_all)
    fn(m, arg);
}

u64 TotalCgocalls() {
  u64 total = 0;
  ForEachM([](M *m, void *total) {
    *static_cast<u64 *>(total) += atomic_load(&m->ncgocall, memory_order_relaxed);
  }, &total);
  return total;
}

MStats GetMStats() {
  SpinMutexLock l(&threads_mu);
  return stats;
}

void LockThreadsForFork() { threads_mu.Lock(); }
void UnlockThreadsAfterFork(bool child) { ReleaseAfterFork(&threads_mu, child); }

// The threads of the other Ms are gone, and with them their Gs, running or
// parked: no code will ever run on those stacks again, so they are not
// roots (what they alone reached is garbage now) and go back to the G pool
// with the Ms' idle Gs. The signal stacks stay with their Ms, which callbacks
// from the child's own threads take from the pool afresh.
void DropMsLostInFork() {
  M *self = cur_m;
  ForEachM([](M *m, void *self) {
    if (m == self || m->pooled)
      return;
    G *g = m->curg;
    m->curg = nullptr;
    if (g)
      ReleaseG(nullptr, g);
    m->altstack_installed = false;  // on a thread that no longer exists
    PoolM(m);
  }, self);
}

}  // namespace __cgosan
