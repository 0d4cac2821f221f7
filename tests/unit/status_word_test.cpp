// status_word_test.cpp — the one status word: a thread's pointer to it
// (__cgosan_g_status, rtl.h) follows the G the thread runs or holds parked,
// through every crossing, so that the word is the only thing that says
// "managed" or "foreign" (the interposers and the assembly crossings read it
// through that pointer, the collector through m->curg). Under many threads
// and collections: the stress tests check the same at every crossing.
#include <pthread.h>

#include <thread>

#include "test_util.h"

namespace cgotest {
namespace {

using __cgosan::kGIdle;
using __cgosan::kGNoCallback;
using __cgosan::kGRunning;
using __cgosan::kGSyscall;

// What one place saw: did the pointer name the current G's word, and what
// did the word say.
struct Look {
  bool points_at_current_g = false;
  bool has_g = false;
  uint32_t status = 99;
};

Look LookNow() {
  Look l;
  l.points_at_current_g = StatusWordIsTheCurrentGs();
  l.has_g = CurrentG() != nullptr;
  l.status = __cgosan::atomic_load(__cgosan_g_status, __cgosan::memory_order_relaxed);
  return l;
}

struct Looks {
  Look managed, in_cgocall, in_callback, in_nocallback, after_calls;
};

void InCallback(void *arg) { static_cast<Looks *>(arg)->in_callback = LookNow(); }

void InCgocall(void *arg) {
  auto *looks = static_cast<Looks *>(arg);
  looks->in_cgocall = LookNow();
  cgosan_cgocallback(InCallback, looks);
}

void InNoCallback(void *arg) { static_cast<Looks *>(arg)->in_nocallback = LookNow(); }

void Managed(void *arg) {
  auto *looks = static_cast<Looks *>(arg);
  looks->managed = LookNow();
  cgosan_cgocall(InCgocall, looks);
  cgosan_cgocall_nocallback(InNoCallback, looks, "InNoCallback");
  looks->after_calls = LookNow();
}

void ExpectOnG(const Look &l, uint32_t status) {
  EXPECT_TRUE(l.has_g);
  EXPECT_TRUE(l.points_at_current_g);
  EXPECT_EQ(l.status, status);
}

void ExpectNoG(const Look &l) {
  EXPECT_FALSE(l.has_g);
  EXPECT_TRUE(l.points_at_current_g);  // at the no-G word
  EXPECT_EQ(l.status, uint32_t{kGIdle});
}

TEST(StatusWord, AThreadTheRuntimeNeverSawReadsNoG) {
  Look l;
  std::thread([&] { l = LookNow(); }).join();
  ExpectNoG(l);
}

TEST(StatusWord, FollowsTheGThroughEveryCrossing) {
  Looks looks;
  Look before, after;
  std::thread([&] {
    before = LookNow();
    ASSERT_EQ(cgosan_run(Managed, &looks), 0);
    after = LookNow();
  }).join();
  ExpectNoG(before);
  ExpectOnG(looks.managed, kGRunning);
  ExpectOnG(looks.in_cgocall, kGSyscall);
  ExpectOnG(looks.in_callback, kGRunning);
  ExpectOnG(looks.in_nocallback, kGNoCallback);
  ExpectOnG(looks.after_calls, kGRunning);
  ExpectNoG(after);  // the G ended: the thread has none
}

void InExtraMCallback(void *arg) { *static_cast<Look *>(arg) = LookNow(); }

TEST(StatusWord, AForeignThreadsCallbackRunsOnAFreshGAndLeavesNone) {
  Look inside, after;
  std::thread([&] {
    cgosan_cgocallback(InExtraMCallback, &inside);
    after = LookNow();
  }).join();
  ExpectOnG(inside, kGRunning);
  ExpectNoG(after);
}

}  // namespace
}  // namespace cgotest
