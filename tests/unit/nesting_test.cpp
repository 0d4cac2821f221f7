// nesting_test.cpp — managed -> foreign -> managed -> ... to any depth, G ids,
// and cgosan_num_cgocall counting exactly the managed -> foreign transitions.
#include <set>
#include <thread>
#include <vector>

#include "test_util.h"

namespace cgotest {
namespace {

using __cgosan::G;

// ---- deep nesting ---------------------------------------------------------

struct Level {
  G *g = nullptr;
  uintptr_t local = 0;
  int in_managed = -1;
};

struct NestCtx {
  int depth = 0;      // managed levels to make
  int made = 0;       // managed levels made so far
  std::vector<Level> managed, foreign;
  int64_t calls_at_innermost = -1;
  int innermost_direct_ret = -1;
  bool innermost_direct_ran = false;
  int64_t calls_after_direct = -1;
  std::vector<int> cgocall_rets;
  Range g_stack;  // of the G, recorded while it runs
};

void NestForeign(void *arg);

void MarkRan(void *arg) { *static_cast<bool *>(arg) = true; }

void NestManaged(void *arg) {
  auto *c = static_cast<NestCtx *>(arg);
  c->managed.push_back({CurrentG(), LocalAddress(), cgosan_in_managed()});
  if (c->made == 0)
    c->g_stack = GStack(CurrentG());
  if (++c->made < c->depth) {
    c->cgocall_rets.push_back(cgosan_cgocall(NestForeign, c));
  }
}

void NestForeign(void *arg) {
  auto *c = static_cast<NestCtx *>(arg);
  c->foreign.push_back({CurrentG(), LocalAddress(), cgosan_in_managed()});
  if (c->made + 1 == c->depth) {
    // Innermost foreign level: a cgocall from here is foreign -> foreign,
    // runs fn directly, and is not counted.
    c->calls_at_innermost = cgosan_num_cgocall();
    c->innermost_direct_ret = cgosan_cgocall(MarkRan, &c->innermost_direct_ran);
    c->calls_after_direct = cgosan_num_cgocall();
  }
  cgosan_cgocallback(NestManaged, c);
}

class Nesting : public testing::TestWithParam<int> {};

TEST_P(Nesting, ManagedForeignAlternateToDepth) {
  const int depth = GetParam();
  NestCtx c;
  c.depth = depth;
  c.managed.reserve(depth);
  c.foreign.reserve(depth);
  c.cgocall_rets.reserve(depth);
  const Range sys = SystemStack();
  const int64_t before = cgosan_num_cgocall();
  ASSERT_EQ(cgosan_run(NestManaged, &c), 0);
  const int64_t after = cgosan_num_cgocall();

  ASSERT_EQ(static_cast<int>(c.managed.size()), depth);
  ASSERT_EQ(static_cast<int>(c.foreign.size()), depth - 1);
  // One cgocall per managed level but the innermost.
  EXPECT_EQ(after - before, depth - 1);
  for (int ret : c.cgocall_rets) EXPECT_EQ(ret, 0);

  G *g = c.managed[0].g;
  ASSERT_NE(g, nullptr);
  const Range gs = c.g_stack;
  for (int i = 0; i < depth; i++) {
    SCOPED_TRACE(testing::Message() << "managed level " << i);
    EXPECT_EQ(c.managed[i].g, g) << "callbacks return to the same G";
    EXPECT_EQ(c.managed[i].in_managed, 1);
    EXPECT_TRUE(gs.Contains(c.managed[i].local));
    EXPECT_FALSE(sys.Contains(c.managed[i].local));
    if (i > 0)
      EXPECT_LT(c.managed[i].local, c.managed[i - 1].local)
          << "each callback runs below the previous managed frame";
  }
  // All managed frames lie within one G stack of stack_size bytes.
  uintptr_t span = c.managed[0].local - c.managed[depth - 1].local;
  EXPECT_LT(span, __cgosan::flags()->stack_size);
  for (int i = 0; i + 1 < depth; i++) {
    SCOPED_TRACE(testing::Message() << "foreign level " << i);
    EXPECT_EQ(c.foreign[i].g, g) << "the G stays parked on this M";
    EXPECT_EQ(c.foreign[i].in_managed, 0);
    EXPECT_TRUE(sys.Contains(c.foreign[i].local));
    EXPECT_FALSE(gs.Contains(c.foreign[i].local));
    if (i > 0)
      EXPECT_LT(c.foreign[i].local, c.foreign[i - 1].local)
          << "each cgocall runs below the previous foreign frame";
  }
  if (depth > 1) {
    EXPECT_TRUE(c.innermost_direct_ran);
    EXPECT_EQ(c.innermost_direct_ret, 0);
    EXPECT_EQ(c.calls_after_direct, c.calls_at_innermost)
        << "a cgocall from foreign code is not counted";
    EXPECT_EQ(c.calls_at_innermost - before, depth - 1);
  }
  EXPECT_EQ(cgosan_in_managed(), 0);
}

INSTANTIATE_TEST_SUITE_P(Depths, Nesting, testing::Values(1, 2, 10, 50, 64, 100));

// The same depth on a foreign thread whose first contact is a callback.
TEST(Nesting, DeepNestingOnExtraM) {
  NestCtx c;
  c.depth = 60;
  c.managed.reserve(c.depth);
  c.foreign.reserve(c.depth);
  c.cgocall_rets.reserve(c.depth);
  int64_t before = cgosan_num_cgocall();
  std::thread([&] { cgosan_cgocallback(NestManaged, &c); }).join();
  ASSERT_EQ(static_cast<int>(c.managed.size()), c.depth);
  EXPECT_EQ(cgosan_num_cgocall() - before, c.depth - 1);
  for (const Level &l : c.managed) EXPECT_EQ(l.g, c.managed[0].g);
}

// ---- G ids -----------------------------------------------------------------

void RecordGId(void *arg) {
  G *g = CurrentG();
  *static_cast<uint64_t *>(arg) = g ? g->id : 0;
}
void RecordGIdThenCallback(void *arg);
struct IdPair {
  uint64_t managed = 0, callback = 0, extra_callback = 0;
};
void ForeignRecordsCallbackId(void *arg) {
  auto *p = static_cast<IdPair *>(arg);
  cgosan_cgocallback(RecordGId, &p->callback);
}
void RecordGIdThenCallback(void *arg) {
  auto *p = static_cast<IdPair *>(arg);
  RecordGId(&p->managed);
  cgosan_cgocall(ForeignRecordsCallbackId, p);
}

TEST(GIds, EachRunGetsAFreshIncreasingId) {
  std::vector<uint64_t> ids(20, 0);
  for (uint64_t &id : ids) ASSERT_EQ(cgosan_run(RecordGId, &id), 0);
  for (size_t i = 0; i < ids.size(); i++) {
    EXPECT_NE(ids[i], 0u);
    if (i > 0)
      EXPECT_GT(ids[i], ids[i - 1]);
  }
}

TEST(GIds, CallbackInsideCgocallKeepsTheId) {
  IdPair p;
  ASSERT_EQ(cgosan_run(RecordGIdThenCallback, &p), 0);
  EXPECT_NE(p.managed, 0u);
  EXPECT_EQ(p.callback, p.managed);
}

TEST(GIds, CallbacksWithoutGGetFreshIds) {
  uint64_t a = 0, b = 0, c = 0;
  std::thread([&] {
    cgosan_cgocallback(RecordGId, &a);
    cgosan_cgocallback(RecordGId, &b);
  }).join();
  cgosan_cgocallback(RecordGId, &c);
  EXPECT_NE(a, 0u);
  EXPECT_NE(b, 0u);
  EXPECT_NE(c, 0u);
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_NE(a, c);
}

TEST(GIds, ConcurrentRunsHaveDistinctIds) {
  constexpr int kThreads = 8, kRuns = 200;
  std::vector<std::vector<uint64_t>> ids(kThreads, std::vector<uint64_t>(kRuns));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++)
    threads.emplace_back([&, t] {
      for (uint64_t &id : ids[t]) cgosan_run(RecordGId, &id);
    });
  for (auto &t : threads) t.join();
  std::set<uint64_t> all;
  for (auto &v : ids)
    for (uint64_t id : v) {
      EXPECT_NE(id, 0u);
      all.insert(id);
    }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kRuns));
}

// ---- counting --------------------------------------------------------------

void Nop(void *) {}
void CgocallNop(void *) { cgosan_cgocall(Nop, nullptr); }
void CgocallNopTwice(void *) {
  cgosan_cgocall(Nop, nullptr);
  cgosan_cgocall(Nop, nullptr);
}
void ForeignCgocallsNop(void *) { cgosan_cgocall(Nop, nullptr); }
void ManagedForeignForeign(void *) { cgosan_cgocall(ForeignCgocallsNop, nullptr); }
void ForeignCallsBackCgocall(void *) { cgosan_cgocallback(CgocallNop, nullptr); }
void ManagedForeignManagedForeign(void *) {
  cgosan_cgocall(ForeignCallsBackCgocall, nullptr);
}

struct CountCase {
  const char *name;
  void (*scenario)();
  int64_t expected;
};
// Failure messages name the case, not its bytes.
void PrintTo(const CountCase &c, std::ostream *os) { *os << c.name; }

TEST(CgocallCount, OneCallAddsOne) {
  int64_t a = cgosan_num_cgocall();
  ASSERT_EQ(cgosan_run(CgocallNop, nullptr), 0);
  int64_t b = cgosan_num_cgocall();
  EXPECT_GE(a, 0);
  EXPECT_EQ(b, a + 1);
}

class CgocallCount : public testing::TestWithParam<CountCase> {};

TEST_P(CgocallCount, CountsManagedToForeignOnly) {
  int64_t before = cgosan_num_cgocall();
  GetParam().scenario();
  EXPECT_EQ(cgosan_num_cgocall() - before, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CgocallCount,
    testing::Values(
        CountCase{"RunWithoutCalls", [] { cgosan_run(Nop, nullptr); }, 0},
        CountCase{"OneCall", [] { cgosan_run(CgocallNop, nullptr); }, 1},
        CountCase{"TwoCalls", [] { cgosan_run(CgocallNopTwice, nullptr); }, 2},
        CountCase{"CallWithoutG", [] { cgosan_cgocall(Nop, nullptr); }, 0},
        CountCase{"CallFromForeignInCall",
                  [] { cgosan_run(ManagedForeignForeign, nullptr); }, 1},
        CountCase{"CallFromCallback",
                  [] { cgosan_run(ManagedForeignManagedForeign, nullptr); }, 2},
        CountCase{"CallbackWithoutG",
                  [] { cgosan_cgocallback(CgocallNop, nullptr); }, 1},
        CountCase{"CallbackOnForeignThread",
                  [] {
                    std::thread([] {
                      cgosan_cgocallback(CgocallNopTwice, nullptr);
                    }).join();
                  },
                  2},
        CountCase{"CallsOfExitedThreadsStayCounted",
                  [] {
                    std::thread([] {
                      for (int i = 0; i < 10; i++) cgosan_run(CgocallNop, nullptr);
                    }).join();
                    std::thread([] {
                      for (int i = 0; i < 5; i++) cgosan_run(CgocallNop, nullptr);
                    }).join();
                  },
                  15},
        CountCase{"ThousandCalls",
                  [] {
                    cgosan_run(
                        [](void *) {
                          for (int i = 0; i < 1000; i++) cgosan_cgocall(Nop, nullptr);
                        },
                        nullptr);
                  },
                  1000}),
    [](const testing::TestParamInfo<CountCase> &info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace cgotest
