// callback_test.cpp — what a callback into a G parked in a cgocall leaves
// behind and records (asm/callback_amd64.S, its common case): the G's and
// the M's state is as before once it returns, the callback runs on the G
// below the parked frame with its entry_sp there, and the function it
// called is named in stacks even when that function tail-called away.
#include <cgosan/cgosan.h>

#include "test_util.h"

#include "entry_frames.h"
#include "report.h"

namespace cgotest {
namespace {

using __cgosan::G;
using __cgosan::M;
using __cgosan::uptr;

// What a callback may change only while it runs.
struct CrossingState {
  uptr g0_sp, saved_sp, entry_sp, entry_depth;
  uint32_t status, lent_floor, nlent;
  int in_managed;
};

CrossingState StateOf(const M *m, const G *g) {
  return {m->g0_sp,    g->saved_sp, g->entry_sp, __cgosan::EntryDepth(),
          GStatus(g),  g->lent_floor, g->nlent,  cgosan_in_managed()};
}

void ExpectSame(const CrossingState &a, const CrossingState &b) {
  EXPECT_EQ(a.g0_sp, b.g0_sp);
  EXPECT_EQ(a.saved_sp, b.saved_sp);
  EXPECT_EQ(a.entry_sp, b.entry_sp);
  EXPECT_EQ(a.entry_depth, b.entry_depth);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.lent_floor, b.lent_floor);
  EXPECT_EQ(a.nlent, b.nlent);
  EXPECT_EQ(a.in_managed, b.in_managed);
}

struct Trip {
  CrossingState before, inside, after;
  uptr local_inside = 0;  // an address in the callback's frame
  int nested_cgocalls = 0;
};

void Inside(void *arg) {
  auto *t = static_cast<Trip *>(arg);
  M *m = __cgosan::CurrentM();
  t->inside = StateOf(m, m->curg);
  t->local_inside = LocalAddress();
  if (t->nested_cgocalls-- > 0)  // a cgocall from the callback moves saved_sp
    cgosan_cgocall([](void *) {}, nullptr);
}

void Foreign(void *arg) {
  auto *t = static_cast<Trip *>(arg);
  M *m = __cgosan::CurrentM();
  t->before = StateOf(m, m->curg);
  cgosan_cgocallback(Inside, t);
  t->after = StateOf(m, m->curg);
}

void Managed(void *arg) { cgosan_cgocall(Foreign, arg); }

TEST(Callback, LeavesTheParkedGAsItFoundIt) {
  Trip t;
  t.nested_cgocalls = 1;
  ASSERT_EQ(cgosan_run(Managed, &t), 0);
  EXPECT_EQ(t.before.status, uint32_t{__cgosan::kGSyscall});
  EXPECT_EQ(t.before.in_managed, 0);
  ExpectSame(t.before, t.after);
  // Inside: the G runs, below the parked frame, which is where its entry
  // begins; the system stack is free below the switch; fn's entry counted.
  EXPECT_EQ(t.inside.status, uint32_t{__cgosan::kGRunning});
  EXPECT_EQ(t.inside.in_managed, 1);
  EXPECT_EQ(t.inside.entry_sp, t.before.saved_sp);
  EXPECT_LT(t.local_inside, t.before.saved_sp);
  EXPECT_LT(t.inside.g0_sp, t.before.g0_sp);
  EXPECT_EQ(t.inside.entry_depth, t.before.entry_depth + 1);
  EXPECT_EQ(t.inside.lent_floor, t.before.nlent);
}

// The callback's function tail-calls the function that captures the stack:
// its frame is gone, and the entry the crossing recorded names it, once,
// after the capturing function's frame.
__cgosan::ReportStack captured;

__attribute__((noinline)) void CaptureHere(void *) {
  __cgosan::CaptureStack(&captured);
}

__attribute__((noinline)) void TailCallsTheCapture(void *arg) {
  [[clang::musttail]] return CaptureHere(arg);
}

void CallsBackTheTailCaller(void *) {
  cgosan_cgocallback(TailCallsTheCapture, nullptr);
}
void CallsTheTailCallersCaller(void *) {
  cgosan_cgocall(CallsBackTheTailCaller, nullptr);
}

TEST(Callback, NamesTheFunctionItCalledAfterATailCall) {
  uptr depth = __cgosan::EntryDepth();
  ASSERT_EQ(cgosan_run(CallsTheTailCallersCaller, nullptr), 0);
  EXPECT_EQ(__cgosan::EntryDepth(), depth);
  const uptr entry = reinterpret_cast<uptr>(&TailCallsTheCapture) |
                     __cgosan::kEntryFrameTag;
  const uptr capture = reinterpret_cast<uptr>(&CaptureHere);
  uptr seen = 0, at = 0, capture_at = captured.size;
  for (uptr i = 0; i < captured.size; i++) {
    if (captured.pcs[i] == entry) {
      seen++;
      at = i;
    } else if (capture_at == captured.size && captured.pcs[i] > capture &&
               captured.pcs[i] < capture + 64) {
      capture_at = i;
    }
  }
  ASSERT_LT(capture_at, captured.size) << "CaptureHere's frame not found";
  EXPECT_EQ(seen, 1u);
  EXPECT_GT(at, capture_at);
}

}  // namespace
}  // namespace cgotest
