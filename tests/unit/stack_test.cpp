// stack_test.cpp — where code runs: managed code on its G's stack, foreign
// code on the thread's system stack, a callback back on the same G below the
// parked cgocall frame; cgosan_in_managed() agrees in each place.
#include <unistd.h>

#include <thread>

#include "test_util.h"

namespace cgotest {
namespace {

using __cgosan::G;
using __cgosan::kGRunning;
using __cgosan::kGSyscall;

// What each level saw. Assertions run outside the G (its stack is small).
struct Observation {
  Range sys_stack;  // the thread's system stack
  int in_managed_before = -1, in_managed_after = -1;

  G *g_managed = nullptr;  // in the managed fn (run, or outer callback)
  Range g_stack;
  uintptr_t local_managed = 0;
  int in_managed_managed = -1;
  uint32_t status_managed = 99;

  G *g_foreign = nullptr;  // in the foreign fn of cgosan_cgocall
  uintptr_t local_foreign = 0;
  uintptr_t saved_sp = 0;  // g->saved_sp while parked
  int in_managed_foreign = -1;
  uint32_t status_foreign = 99;

  G *g_callback = nullptr;  // in the callback made by the foreign fn
  uintptr_t local_callback = 0;
  int in_managed_callback = -1;
  uint32_t status_callback = 99;

  int in_managed_foreign_after_callback = -1;
  int in_managed_managed_after_cgocall = -1;
  int cgocall_ret = -1;
  bool callback_ran = false;
};

void Callback(void *arg) {
  auto *o = static_cast<Observation *>(arg);
  o->local_callback = LocalAddress();
  o->g_callback = CurrentG();
  o->in_managed_callback = cgosan_in_managed();
  o->status_callback = o->g_callback ? GStatus(o->g_callback) : 99;
  o->callback_ran = true;
}

void Foreign(void *arg) {
  auto *o = static_cast<Observation *>(arg);
  o->local_foreign = LocalAddress();
  o->g_foreign = CurrentG();
  o->saved_sp = o->g_foreign ? o->g_foreign->saved_sp : 0;
  o->in_managed_foreign = cgosan_in_managed();
  o->status_foreign = o->g_foreign ? GStatus(o->g_foreign) : 99;
  cgosan_cgocallback(Callback, o);
  o->in_managed_foreign_after_callback = cgosan_in_managed();
}

void Managed(void *arg) {
  auto *o = static_cast<Observation *>(arg);
  o->local_managed = LocalAddress();
  o->g_managed = CurrentG();
  o->g_stack = GStack(o->g_managed);
  o->in_managed_managed = cgosan_in_managed();
  o->status_managed = o->g_managed ? GStatus(o->g_managed) : 99;
  o->cgocall_ret = cgosan_cgocall(Foreign, o);
  o->in_managed_managed_after_cgocall = cgosan_in_managed();
}

enum class Entry { kRun, kCallbackWithoutG };
enum class Thread { kTestThread, kNewThread };

struct PlacementCase {
  const char *name;
  Entry entry;
  Thread thread;
};
// Failure messages name the case, not its bytes.
void PrintTo(const PlacementCase &c, std::ostream *os) { *os << c.name; }

void Observe(Entry entry, Observation *o) {
  o->sys_stack = SystemStack();
  o->in_managed_before = cgosan_in_managed();
  if (entry == Entry::kRun)
    EXPECT_EQ(cgosan_run(Managed, o), 0);
  else
    cgosan_cgocallback(Managed, o);  // no G on this thread: a fresh G
  o->in_managed_after = cgosan_in_managed();
}

class StackPlacement : public testing::TestWithParam<PlacementCase> {};

TEST_P(StackPlacement, EachSideRunsOnItsOwnStack) {
  const PlacementCase &c = GetParam();
  Observation o;
  if (c.thread == Thread::kTestThread) {
    Observe(c.entry, &o);
  } else {
    std::thread t([&] { Observe(c.entry, &o); });
    t.join();
  }
  ASSERT_NE(o.sys_stack.lo, 0u) << "pthread_getattr_np failed";

  // Outside: foreign.
  EXPECT_EQ(o.in_managed_before, 0);
  EXPECT_EQ(o.in_managed_after, 0);

  // Managed fn: on the G's stack, which is flags()->stack_size bytes with a
  // guard page right below it.
  ASSERT_NE(o.g_managed, nullptr);
  EXPECT_EQ(o.g_stack.hi - o.g_stack.lo, __cgosan::flags()->stack_size);
  EXPECT_EQ(o.g_managed->stack_lo - o.g_managed->guard_lo,
            static_cast<uintptr_t>(sysconf(_SC_PAGESIZE)));
  EXPECT_TRUE(o.g_stack.Contains(o.local_managed));
  EXPECT_FALSE(o.sys_stack.Contains(o.local_managed));
  EXPECT_EQ(o.in_managed_managed, 1);
  EXPECT_EQ(o.status_managed, kGRunning);

  // Foreign fn of the cgocall: on the system stack; the G is parked.
  EXPECT_EQ(o.cgocall_ret, 0);
  EXPECT_TRUE(o.sys_stack.Contains(o.local_foreign));
  EXPECT_FALSE(o.g_stack.Contains(o.local_foreign));
  EXPECT_EQ(o.in_managed_foreign, 0);
  EXPECT_EQ(o.g_foreign, o.g_managed);
  EXPECT_EQ(o.status_foreign, kGSyscall);
  EXPECT_TRUE(o.g_stack.Contains(o.saved_sp));
  EXPECT_LT(o.saved_sp, o.local_managed) << "parked frame must be above saved_sp";

  // Callback from the foreign fn: back on the same G, below the parked frame.
  ASSERT_TRUE(o.callback_ran);
  EXPECT_EQ(o.g_callback, o.g_managed);
  EXPECT_TRUE(o.g_stack.Contains(o.local_callback));
  EXPECT_FALSE(o.sys_stack.Contains(o.local_callback));
  EXPECT_LT(o.local_callback, o.saved_sp);
  EXPECT_EQ(o.in_managed_callback, 1);
  EXPECT_EQ(o.status_callback, kGRunning);

  // And back.
  EXPECT_EQ(o.in_managed_foreign_after_callback, 0);
  EXPECT_EQ(o.in_managed_managed_after_cgocall, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Entries, StackPlacement,
    testing::Values(
        PlacementCase{"RunOnTestThread", Entry::kRun, Thread::kTestThread},
        PlacementCase{"RunOnNewThread", Entry::kRun, Thread::kNewThread},
        PlacementCase{"CallbackOnTestThread", Entry::kCallbackWithoutG,
                      Thread::kTestThread},
        PlacementCase{"CallbackOnForeignThread", Entry::kCallbackWithoutG,
                      Thread::kNewThread}),
    [](const testing::TestParamInfo<PlacementCase> &info) {
      return std::string(info.param.name);
    });

// Off a G, cgosan_cgocall runs fn right here, on the caller's stack.
void RecordLocal(void *arg) { *static_cast<uintptr_t *>(arg) = LocalAddress(); }

TEST(StackPlacement, CgocallWithoutGRunsInPlace) {
  Range sys = SystemStack();
  uintptr_t here = LocalAddress();
  uintptr_t there = 0;
  EXPECT_EQ(cgosan_cgocall(RecordLocal, &there), 0);
  EXPECT_TRUE(sys.Contains(there));
  // Directly below the caller (deeper frames, within a few KiB), not at some
  // recorded g0_sp.
  EXPECT_LT(there, here);
  EXPECT_LT(here - there, 16384u);
}

TEST(StackPlacement, InManagedIsZeroOutsideAnyG) {
  EXPECT_EQ(cgosan_in_managed(), 0);
  int in_thread = -1;
  std::thread([&] { in_thread = cgosan_in_managed(); }).join();
  EXPECT_EQ(in_thread, 0);
}

// Successive cgocalls from one G start their foreign fn at the same g0 spot,
// and successive callbacks from one foreign fn at the same G spot: the switch
// leaves no residue on either stack.
struct Spots {
  uintptr_t foreign[3] = {};
  uintptr_t callback[3] = {};
  int i = 0, j = 0;
};
void SpotCallback(void *arg) {
  auto *s = static_cast<Spots *>(arg);
  s->callback[s->j++] = LocalAddress();
}
void SpotForeign(void *arg) {
  auto *s = static_cast<Spots *>(arg);
  s->foreign[s->i++] = LocalAddress();
  if (s->i == 1)
    for (int k = 0; k < 3; k++) cgosan_cgocallback(SpotCallback, s);
}
void SpotManaged(void *arg) {
  for (int k = 0; k < 3; k++) cgosan_cgocall(SpotForeign, arg);
}

TEST(StackPlacement, SwitchesAreBalanced) {
  Spots s;
  ASSERT_EQ(cgosan_run(SpotManaged, &s), 0);
  ASSERT_EQ(s.i, 3);
  ASSERT_EQ(s.j, 3);
  EXPECT_EQ(s.foreign[0], s.foreign[1]);
  EXPECT_EQ(s.foreign[1], s.foreign[2]);
  EXPECT_EQ(s.callback[0], s.callback[1]);
  EXPECT_EQ(s.callback[1], s.callback[2]);
}

}  // namespace
}  // namespace cgotest
