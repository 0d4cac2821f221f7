// extra_m_test.cpp — threads that foreign code created (plain pthread_create)
// calling back into managed code: they get an extra M (Go's needm) for as long
// as they live, and the M goes back to a pool when they exit; Ms are never
// leaked, whatever the number of threads over time.
#include <pthread.h>

#include <set>
#include <vector>

#include "test_util.h"

namespace cgotest {
namespace {

using __cgosan::G;
using __cgosan::M;

struct CallbackSeen {
  int in_managed = -1;
  M *m = nullptr;
  bool extra = false;
  G *g = nullptr;
  bool g_stack_holds_local = false;
};

void SeeCallback(void *arg) {
  auto *s = static_cast<CallbackSeen *>(arg);
  s->in_managed = cgosan_in_managed();
  s->m = __cgosan::CurrentM();
  s->extra = s->m && s->m->extra;
  s->g = CurrentG();
  s->g_stack_holds_local = GStack(s->g).Contains(LocalAddress());
}

struct ForeignThreadResult {
  M *m_before = reinterpret_cast<M *>(1);
  CallbackSeen first, second;
  M *m_after = nullptr;
  G *curg_after = reinterpret_cast<G *>(1);
  int in_managed_after = -1;
  pthread_barrier_t *barrier = nullptr;  // optional: wait inside the callback
};

void SeeCallbackAndWait(void *arg) {
  auto *r = static_cast<ForeignThreadResult *>(arg);
  SeeCallback(&r->first);
  if (r->barrier)
    pthread_barrier_wait(r->barrier);  // all threads are inside at once
}

void *ForeignThreadMain(void *arg) {
  auto *r = static_cast<ForeignThreadResult *>(arg);
  r->m_before = __cgosan::CurrentM();
  cgosan_cgocallback(SeeCallbackAndWait, r);
  cgosan_cgocallback(SeeCallback, &r->second);
  r->m_after = __cgosan::CurrentM();
  r->curg_after = CurrentG();
  r->in_managed_after = cgosan_in_managed();
  return nullptr;
}

void StartForeign(pthread_t *t, ForeignThreadResult *r) {
  ASSERT_EQ(pthread_create(t, nullptr, ForeignThreadMain, r), 0);
}

TEST(ExtraM, CallbackFromForeignThreadAttachesAnExtraM) {
  ForeignThreadResult r;
  pthread_t t;
  StartForeign(&t, &r);
  ASSERT_EQ(pthread_join(t, nullptr), 0);
  EXPECT_EQ(r.m_before, nullptr) << "a foreign thread starts without an M";
  EXPECT_EQ(r.first.in_managed, 1);
  ASSERT_NE(r.first.m, nullptr);
  EXPECT_TRUE(r.first.extra);
  ASSERT_NE(r.first.g, nullptr);
  EXPECT_TRUE(r.first.g_stack_holds_local);
  // The M stays bound for the thread's life: the second callback reuses it.
  EXPECT_EQ(r.second.m, r.first.m);
  EXPECT_TRUE(r.second.extra);
  EXPECT_EQ(r.second.in_managed, 1);
  EXPECT_EQ(r.m_after, r.first.m);
  // Between callbacks the thread is foreign again: no G.
  EXPECT_EQ(r.curg_after, nullptr);
  EXPECT_EQ(r.in_managed_after, 0);
}

TEST(ExtraM, SequentialForeignThreadsReuseOneM) {
  constexpr int kThreads = 200;
  const __cgosan::MStats before = __cgosan::GetMStats();
  std::set<M *> ms;
  for (int i = 0; i < kThreads; i++) {
    ForeignThreadResult r;
    pthread_t t;
    StartForeign(&t, &r);
    ASSERT_EQ(pthread_join(t, nullptr), 0);
    ASSERT_EQ(r.first.in_managed, 1) << "thread " << i;
    ASSERT_TRUE(r.first.extra) << "thread " << i;
    ms.insert(r.first.m);
  }
  const __cgosan::MStats after = __cgosan::GetMStats();
  // One thread lives at a time (plus this one): at most one new M, reused.
  EXPECT_LE(after.ms_created - before.ms_created, 1u);
  EXPECT_LE(ms.size(), 2u);
  // Every M a foreign thread took is back in the pool once it exited.
  EXPECT_EQ(after.ms_free - before.ms_free, after.ms_created - before.ms_created);
  // G stacks are pooled too.
  EXPECT_LE(after.gs_mapped - before.gs_mapped, 2u);
}

TEST(ExtraM, ConcurrentForeignThreadsUseAtMostOneMEach) {
  constexpr int kLive = 8, kRounds = 25;  // 200 threads, 8 live at once
  const __cgosan::MStats before = __cgosan::GetMStats();
  std::set<M *> all_ms;
  for (int round = 0; round < kRounds; round++) {
    pthread_barrier_t barrier;
    ASSERT_EQ(pthread_barrier_init(&barrier, nullptr, kLive), 0);
    std::vector<ForeignThreadResult> results(kLive);
    std::vector<pthread_t> threads(kLive);
    for (int i = 0; i < kLive; i++) {
      results[i].barrier = &barrier;
      StartForeign(&threads[i], &results[i]);
    }
    for (pthread_t t : threads) ASSERT_EQ(pthread_join(t, nullptr), 0);
    pthread_barrier_destroy(&barrier);
    std::set<M *> round_ms;
    for (const ForeignThreadResult &r : results) {
      ASSERT_EQ(r.first.in_managed, 1);
      ASSERT_TRUE(r.first.extra);
      round_ms.insert(r.first.m);
      all_ms.insert(r.first.m);
    }
    // Live at once: each has its own M.
    EXPECT_EQ(round_ms.size(), static_cast<size_t>(kLive)) << "round " << round;
  }
  const __cgosan::MStats after = __cgosan::GetMStats();
  EXPECT_LE(after.ms_created - before.ms_created, static_cast<__cgosan::uptr>(kLive));
  EXPECT_LE(all_ms.size(), static_cast<size_t>(kLive) + 2);
  EXPECT_EQ(after.ms_free - before.ms_free, after.ms_created - before.ms_created);
}

// A pooled M is re-labelled by whoever takes it next.
struct Role {
  M *m = nullptr;
  bool extra = false;
};
void RecordRole(void *arg) {
  auto *r = static_cast<Role *>(arg);
  r->m = __cgosan::CurrentM();
  r->extra = r->m && r->m->extra;
}
void *RunThread(void *arg) {
  cgosan_run(RecordRole, arg);
  return nullptr;
}
void *CallbackThread(void *arg) {
  cgosan_cgocallback(RecordRole, arg);
  return nullptr;
}

TEST(ExtraM, PooledMTakesTheRoleOfItsNextThread) {
  Role roles[4];
  void *(*const kBodies[4])(void *) = {RunThread, CallbackThread, RunThread,
                                       CallbackThread};
  const bool kExtra[4] = {false, true, false, true};
  for (int i = 0; i < 4; i++) {
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, nullptr, kBodies[i], &roles[i]), 0);
    ASSERT_EQ(pthread_join(t, nullptr), 0);
    ASSERT_NE(roles[i].m, nullptr);
    EXPECT_EQ(roles[i].extra, kExtra[i]) << "thread " << i;
    if (i > 0)
      EXPECT_EQ(roles[i].m, roles[i - 1].m)
          << "the M of the exited thread is reused (pool is LIFO)";
  }
}

}  // namespace
}  // namespace cgotest
