// stress_test.cpp — many threads crossing the boundary at once, both ways,
// while another thread keeps stopping and starting the world: every count is
// exact, every crossing lands on the right stack, nothing deadlocks.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test_util.h"

namespace cgotest {
namespace {

using __cgosan::G;

constexpr int kIterations = 100000;
constexpr int kRunThreads = 4;      // cgosan_run; cgocall + nested callback
constexpr int kForeignThreads = 4;  // plain pthreads; callback + nested cgocall

struct PerThread {
  int64_t managed_runs = 0;   // managed fns run (callbacks)
  int64_t foreign_runs = 0;   // foreign fns run (cgocalls)
  int64_t errors = 0;         // a crossing observed the wrong state
  G *g = nullptr;
  Range g_stack;
  Range sys_stack;
};

// ---- run threads: managed loop -> cgocall -> foreign -> callback -> managed

void RunCallback(void *arg) {
  auto *p = static_cast<PerThread *>(arg);
  p->managed_runs++;
  uintptr_t local = LocalAddress();
  if (cgosan_in_managed() != 1 || CurrentG() != p->g || !p->g_stack.Contains(local) ||
      !StatusWordIsTheCurrentGs())
    p->errors++;
}

void RunForeign(void *arg) {
  auto *p = static_cast<PerThread *>(arg);
  p->foreign_runs++;
  uintptr_t local = LocalAddress();
  if (cgosan_in_managed() != 0 || !p->sys_stack.Contains(local) ||
      !StatusWordIsTheCurrentGs())
    p->errors++;
  cgosan_cgocallback(RunCallback, p);
  if (cgosan_in_managed() != 0 || !StatusWordIsTheCurrentGs())
    p->errors++;
}

void RunLoop(void *arg) {
  auto *p = static_cast<PerThread *>(arg);
  p->g = CurrentG();
  p->g_stack = GStack(p->g);
  for (int i = 0; i < kIterations; i++) {
    if (cgosan_cgocall(RunForeign, p) != 0)
      p->errors++;
    if (cgosan_in_managed() != 1)
      p->errors++;
  }
}

void *RunThreadMain(void *arg) {
  auto *p = static_cast<PerThread *>(arg);
  p->sys_stack = SystemStack();
  if (cgosan_run(RunLoop, p) != 0)
    p->errors++;
  return nullptr;
}

// ---- foreign threads: callback -> managed -> cgocall -> foreign

void ForeignLeaf(void *arg) {
  auto *p = static_cast<PerThread *>(arg);
  p->foreign_runs++;
  uintptr_t local = LocalAddress();
  if (cgosan_in_managed() != 0 || !p->sys_stack.Contains(local))
    p->errors++;
}

void ForeignCallback(void *arg) {
  auto *p = static_cast<PerThread *>(arg);
  p->managed_runs++;
  G *g = CurrentG();
  uintptr_t local = LocalAddress();
  if (cgosan_in_managed() != 1 || !g || !GStack(g).Contains(local) ||
      !__cgosan::CurrentM()->extra)
    p->errors++;
  if (cgosan_cgocall(ForeignLeaf, p) != 0)
    p->errors++;
}

void *ForeignThreadMain(void *arg) {
  auto *p = static_cast<PerThread *>(arg);
  p->sys_stack = SystemStack();
  for (int i = 0; i < kIterations; i++) {
    cgosan_cgocallback(ForeignCallback, p);
    if (cgosan_in_managed() != 0)
      p->errors++;
  }
  return nullptr;
}

TEST(Stress, RunAndForeignThreadsCrossConcurrently) {
  const int64_t calls_before = cgosan_num_cgocall();
  const __cgosan::MStats stats_before = __cgosan::GetMStats();
  constexpr int kThreads = kRunThreads + kForeignThreads;
  std::vector<PerThread> per(kThreads);
  std::vector<pthread_t> threads(kThreads);

  // A stopper: stops and starts the world over and over while the others
  // run, so exitsyscall's wait path is taken under contention.
  std::atomic<bool> done{false};
  std::atomic<int64_t> stops{0};
  std::thread stopper([&] {
    while (!done.load(std::memory_order_relaxed)) {
      __cgosan::StopTheWorld();
      sched_yield();
      __cgosan::StartTheWorld();
      stops.fetch_add(1, std::memory_order_relaxed);
      for (int i = 0; i < 20; i++) sched_yield();
    }
  });

  for (int i = 0; i < kThreads; i++)
    ASSERT_EQ(pthread_create(&threads[i], nullptr,
                             i < kRunThreads ? RunThreadMain : ForeignThreadMain,
                             &per[i]),
              0);
  for (pthread_t t : threads) ASSERT_EQ(pthread_join(t, nullptr), 0);
  done = true;
  stopper.join();

  for (int i = 0; i < kThreads; i++) {
    SCOPED_TRACE(testing::Message() << "thread " << i);
    EXPECT_EQ(per[i].errors, 0);
    EXPECT_EQ(per[i].managed_runs, kIterations);
    EXPECT_EQ(per[i].foreign_runs, kIterations);
  }
  EXPECT_EQ(cgosan_num_cgocall() - calls_before,
            static_cast<int64_t>(kThreads) * kIterations);
  EXPECT_GT(stops.load(), 0);
  const __cgosan::MStats stats_after = __cgosan::GetMStats();
  EXPECT_LE(stats_after.ms_created - stats_before.ms_created,
            static_cast<__cgosan::uptr>(kThreads) + 1);
  EXPECT_EQ(stats_after.ms_free - stats_before.ms_free,
            stats_after.ms_created - stats_before.ms_created);
}

// Short-lived foreign threads, many at once, each one callback deep with a
// nested cgocall: Ms come and go through the pool under contention.
void ShortCallback(void *arg) {
  auto *count = static_cast<std::atomic<int64_t> *>(arg);
  if (cgosan_in_managed() == 1 && __cgosan::CurrentM()->extra && StatusWordIsTheCurrentGs())
    count->fetch_add(1, std::memory_order_relaxed);
  cgosan_cgocall([](void *) {}, nullptr);
}

TEST(Stress, ShortLivedForeignThreadsChurnThePool) {
  constexpr int kWaves = 50, kPerWave = 8;
  const int64_t calls_before = cgosan_num_cgocall();
  const __cgosan::MStats before = __cgosan::GetMStats();
  std::atomic<int64_t> ok{0};
  for (int w = 0; w < kWaves; w++) {
    pthread_t threads[kPerWave];
    for (pthread_t &t : threads)
      ASSERT_EQ(pthread_create(
                    &t, nullptr,
                    [](void *arg) -> void * {
                      for (int i = 0; i < 10; i++) {
                        cgosan_cgocallback(ShortCallback, arg);
                        // The callback's G ended: this thread has none.
                        if (__cgosan_g_status != &__cgosan::no_g_status)
                          static_cast<std::atomic<int64_t> *>(arg)->fetch_sub(1000);
                      }
                      return nullptr;
                    },
                    &ok),
                0);
    for (pthread_t t : threads) ASSERT_EQ(pthread_join(t, nullptr), 0);
  }
  const __cgosan::MStats after = __cgosan::GetMStats();
  EXPECT_EQ(ok.load(), kWaves * kPerWave * 10);
  EXPECT_EQ(cgosan_num_cgocall() - calls_before, kWaves * kPerWave * 10);
  EXPECT_LE(after.ms_created - before.ms_created, static_cast<__cgosan::uptr>(kPerWave));
  EXPECT_EQ(after.ms_free - before.ms_free, after.ms_created - before.ms_created);
}

// ---- nocallback: a G's objects stay alive while another thread collects

// Two objects only the G holds: `head` on its stack (or in a register), and
// `tail` through head's pointer slot. Each iteration crosses with
// cgosan_cgocall_nocallback while a foreign thread collects over and over;
// the collector must wait for the call (the G is not parked, and runs on
// without a handshake when it returns) and must still see both objects
// after it, so neither ever reads the sweep's poison.
struct Node {
  Node *next;
  int64_t value;
};
const uint8_t kNodeMask[] = {1};
const cgosan_type kNodeType = {"struct node", sizeof(Node), sizeof(Node *), kNodeMask, 0};

struct NoCallbackThread {
  int64_t errors = 0;
  int64_t calls = 0;
};

void NoCallbackReads(void *arg) {
  auto *head = static_cast<Node *>(arg);
  uintptr_t local = LocalAddress();
  G *g = CurrentG();
  if (cgosan_in_managed() != 0 || GStack(g).Contains(local) ||
      GStatus(g) != __cgosan::kGNoCallback || !StatusWordIsTheCurrentGs() ||
      head->next->value != head->value + 1)
    head->value = -1;  // seen by the managed side
}

void NoCallbackLoop(void *arg) {
  auto *p = static_cast<NoCallbackThread *>(arg);
  constexpr int kNoCallbackIterations = 20000;
  for (int i = 0; i < kNoCallbackIterations; i++) {
    Node *head = static_cast<Node *>(cgosan_new(&kNodeType));
    head->value = i;
    Node *tail = static_cast<Node *>(cgosan_new(&kNodeType));
    tail->value = i + 1;
    head->next = tail;
    tail = nullptr;
    if (cgosan_cgocall_nocallback(NoCallbackReads, head, "reads") != 0)
      p->errors++;
    p->calls++;
    // Straight after the call, with no safepoint: the tail is held only in
    // a register for a while. A collector that had not waited for the call
    // could be marking now, and miss it.
    Node *held = head->next;
    head->next = nullptr;
    for (volatile int k = 0; k < 64; k = k + 1) {
    }
    head->next = held;
    // Garbage, so collections have something to sweep, and a safepoint.
    for (int j = 0; j < 4; j++) (void)cgosan_new(&kNodeType);
    if (head->value != i || head->next->value != i + 1 || !cgosan_is_managed(head->next))
      p->errors++;
  }
}

TEST(Stress, NoCallbackCallsKeepTheirGsObjectsWhileAnotherThreadCollects) {
  const int64_t calls_before = cgosan_num_cgocall();
  constexpr int kThreads = 3;
  std::vector<NoCallbackThread> per(kThreads);
  std::atomic<bool> done{false};
  std::atomic<int64_t> collections{0};
  std::thread collector([&] {
    while (!done.load(std::memory_order_relaxed)) {
      cgosan_gc();
      collections.fetch_add(1, std::memory_order_relaxed);
      sched_yield();
    }
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; i++)
    threads.emplace_back([&per, i] {
      if (cgosan_run(NoCallbackLoop, &per[i]) != 0)
        per[i].errors++;
    });
  for (std::thread &t : threads) t.join();
  done = true;
  collector.join();
  int64_t calls = 0;
  for (int i = 0; i < kThreads; i++) {
    SCOPED_TRACE(testing::Message() << "thread " << i);
    EXPECT_EQ(per[i].errors, 0);
    calls += per[i].calls;
  }
  EXPECT_EQ(cgosan_num_cgocall() - calls_before, calls);
  EXPECT_GT(collections.load(), 0);
}

}  // namespace
}  // namespace cgotest
