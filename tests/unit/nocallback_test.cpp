// nocallback_test.cpp — cgosan_cgocall_nocallback: the crossing for a foreign
// function that promised never to call back and never to block. It runs fn
// on the system stack like cgosan_cgocall (counted, errno, cgosan_in_managed
// 0), but the G is not parked: its status says kGNoCallback, and a
// collection waits for the call to return. The callback it promised not to
// make is a death test (death_test.cpp); objects kept alive across it while
// another thread collects, a stress test (stress_test.cpp).
#include <errno.h>
#include <sched.h>

#include <atomic>
#include <thread>

#include "test_util.h"

namespace cgotest {
namespace {

struct Seen {
  int in_managed = -1;
  uint32_t status = 0;
  uintptr_t local = 0;
  const char *callee = nullptr;
};

void Observe(void *arg) {
  auto *seen = static_cast<Seen *>(arg);
  seen->in_managed = cgosan_in_managed();
  __cgosan::G *g = CurrentG();  // none when called from foreign code
  seen->status = g ? GStatus(g) : __cgosan::kGIdle;
  seen->local = LocalAddress();
  seen->callee = g ? __cgosan::CurrentM()->nocallback_callee : nullptr;
  errno = ERANGE;
}

struct OnG {
  Seen seen;
  int ret = -1;
  int errno_after = -1;
  int in_managed_after = -1;
  uint32_t status_after = 0;
  int64_t counted = 0;
  Range g_stack;
};

TEST(NoCallback, RunsOnTheSystemStackWithoutParkingTheG) {
  OnG r;
  Range sys = SystemStack();
  cgosan_run(
      [](void *arg) {
        auto *r = static_cast<OnG *>(arg);
        r->g_stack = GStack(CurrentG());
        int64_t before = cgosan_num_cgocall();
        errno = EBADF;
        r->ret = cgosan_cgocall_nocallback(Observe, &r->seen, "observe");
        r->errno_after = errno;
        r->counted = cgosan_num_cgocall() - before;
        r->in_managed_after = cgosan_in_managed();
        r->status_after = GStatus(CurrentG());
      },
      &r);
  EXPECT_EQ(r.seen.in_managed, 0);
  EXPECT_EQ(r.seen.status, __cgosan::kGNoCallback);
  EXPECT_STREQ(r.seen.callee, "observe");
  EXPECT_TRUE(sys.Contains(r.seen.local));
  EXPECT_FALSE(r.g_stack.Contains(r.seen.local));
  EXPECT_EQ(r.ret, ERANGE);
  EXPECT_EQ(r.errno_after, ERANGE);
  EXPECT_EQ(r.counted, 1);
  EXPECT_EQ(r.in_managed_after, 1);
  EXPECT_EQ(r.status_after, __cgosan::kGRunning);
}

TEST(NoCallback, FromForeignCodeRunsDirectly) {
  Seen seen;
  errno = EBADF;
  uintptr_t here = LocalAddress();
  EXPECT_EQ(cgosan_cgocall_nocallback(Observe, &seen, nullptr), ERANGE);
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(seen.in_managed, 0);
  // The same stack as the caller (no switch): within a page of it.
  EXPECT_LT(here - seen.local, 4096u);
}

// A foreign function inside a nocallback call may make an ordinary
// cgosan_cgocall (it is foreign code: fn runs directly) and another
// nocallback call; the G stays in kGNoCallback until the outer one returns.
TEST(NoCallback, NestedCallsFromInsideRunDirectly) {
  struct Nested {
    Seen inner;
    uint32_t status_after_inner = 0;
  } n;
  cgosan_run(
      [](void *arg) {
        cgosan_cgocall_nocallback(
            [](void *arg) {
              auto *n = static_cast<Nested *>(arg);
              cgosan_cgocall(Observe, &n->inner);
              cgosan_cgocall_nocallback(Observe, &n->inner, "inner");
              n->status_after_inner = GStatus(CurrentG());
            },
            arg, "outer");
      },
      &n);
  EXPECT_EQ(n.inner.in_managed, 0);
  EXPECT_EQ(n.inner.status, __cgosan::kGNoCallback);
  EXPECT_EQ(n.status_after_inner, __cgosan::kGNoCallback);
}

// The collector waits for a nocallback call as for a running G: a collection
// another thread starts while the call runs cannot finish before it
// returns. The call sees the world stopped, and the collection not done.
TEST(NoCallback, ACollectionWaitsForTheCall) {
  struct Shared {
    std::atomic<bool> in_call{false};
    std::atomic<bool> collected{false};
    bool saw_stop = false;
    bool collected_inside = true;
  } s;
  std::thread collector([&] {
    while (!s.in_call.load()) sched_yield();
    cgosan_gc();
    s.collected = true;
  });
  cgosan_run(
      [](void *arg) {
        cgosan_cgocall_nocallback(
            [](void *arg) {
              auto *s = static_cast<Shared *>(arg);
              s->in_call = true;
              // Bounded: a collector that never stops the world fails the
              // test instead of hanging it.
              for (int i = 0; i < 10000000 && !s->saw_stop && !s->collected; i++) {
                s->saw_stop = __cgosan::atomic_load(&__cgosan::world_stopped,
                                                    __cgosan::memory_order_acquire);
                if (!s->saw_stop)
                  sched_yield();
              }
              s->collected_inside = s->collected.load();
            },
            arg, "waits");
      },
      &s);
  collector.join();
  EXPECT_TRUE(s.saw_stop);
  EXPECT_FALSE(s.collected_inside);
  EXPECT_TRUE(s.collected.load());
}

// cgosan_gc from inside the call (foreign code) does not wait for its own G:
// its stack is scanned from where the switch published it.
TEST(NoCallback, ACollectionFromInsideTheCallKeepsTheGsObjects) {
  static const cgosan_type kBytes = {"char[64]", 64, 0, nullptr, 0};
  bool intact = false;
  cgosan_run(
      [](void *arg) {
        char *object = static_cast<char *>(cgosan_new(&kBytes));
        object[0] = 'k';
        cgosan_cgocall_nocallback([](void *) { cgosan_gc(); }, nullptr, "gc");
        // Only this G's stack holds it; a dead object reads poison.
        *static_cast<bool *>(arg) = object[0] == 'k' && cgosan_is_managed(object);
      },
      &intact);
  EXPECT_TRUE(intact);
}

// verbosity=1: a collection that has waited a second for a nocallback call
// says which function it waits for.
TEST(NoCallback, ALongWaitIsNamedAtVerbosity1) {
  ChildResult r = RunChild({HelperPath(), "nocallback-blocks"}, "verbosity=1");
  ASSERT_TRUE(r.exited) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(testing::internal::RE::PartialMatch(
      r.output,
      "==[0-9]+==CgoSanitizer: a collection has waited 1[0-9][0-9][0-9] ms for G "
      "[0-9]+, which is in nocallback function slow_nocallback \\(a nocallback "
      "function must not block\\)\n"))
      << r.output;
  EXPECT_EQ(Count(r.output, "a collection has waited"), 1u) << r.output;
  r = RunChild({HelperPath(), "nocallback-blocks"}, "verbosity=0");
  EXPECT_EQ(Count(r.output, "a collection has waited"), 0u) << r.output;
}

}  // namespace
}  // namespace cgotest
