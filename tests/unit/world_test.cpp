// world_test.cpp — stopping the world: a G parked in a cgocall does not hold
// up StopTheWorld, but it cannot come back to managed code (return from the
// foreign fn, or call back) until StartTheWorld.
//
// No timing is asserted beyond "still blocked after waiting a while" and
// "proceeds once started"; the waits are generous and polled.
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <ucontext.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "test_util.h"

namespace cgotest {
namespace {

using __cgosan::G;

struct WorldCtx {
  std::atomic<bool> in_foreign{false};     // the foreign fn is running
  std::atomic<bool> release{false};        // the foreign fn may go on
  std::atomic<bool> foreign_done{false};   // the foreign fn is about to cross
  std::atomic<bool> managed_after{false};  // managed code ran after the crossing
  std::atomic<G *> g{nullptr};             // the G that will wait
  std::atomic<bool> stopped_before_call{false};  // for kEnterWhileStopped
};

// Spins (yielding) until pred() or the deadline; returns pred().
template <typename Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return pred();
    sched_yield();
  }
  return true;
}

void ForeignWaitsThenReturns(void *arg) {
  auto *c = static_cast<WorldCtx *>(arg);
  c->in_foreign = true;
  while (!c->release.load()) sched_yield();
  c->foreign_done = true;
}

void ManagedMarksAfter(void *arg) {
  static_cast<WorldCtx *>(arg)->managed_after = true;
}

void ForeignWaitsThenCallsBack(void *arg) {
  auto *c = static_cast<WorldCtx *>(arg);
  c->in_foreign = true;
  while (!c->release.load()) sched_yield();
  c->foreign_done = true;
  cgosan_cgocallback(ManagedMarksAfter, c);
}

// Scenario 1: the foreign fn of a cgocall returns while the world is stopped.
void CgocallReturns(void *arg) {
  auto *c = static_cast<WorldCtx *>(arg);
  c->g = CurrentG();
  cgosan_cgocall(ForeignWaitsThenReturns, c);
  c->managed_after = true;
}

// Scenario 2: the foreign fn calls back while the world is stopped.
void CgocallCallsBack(void *arg) {
  auto *c = static_cast<WorldCtx *>(arg);
  c->g = CurrentG();
  cgosan_cgocall(ForeignWaitsThenCallsBack, c);
}

// Scenario 3: two levels deep: run -> cgocall -> callback -> cgocall, whose
// foreign fn returns while the world is stopped.
void InnerCgocall(void *arg) {
  auto *c = static_cast<WorldCtx *>(arg);
  cgosan_cgocall(ForeignWaitsThenReturns, c);
  c->managed_after = true;
}
void ForeignCallsBackInner(void *arg) { cgosan_cgocallback(InnerCgocall, arg); }
void NestedCgocallReturns(void *arg) {
  auto *c = static_cast<WorldCtx *>(arg);
  c->g = CurrentG();
  cgosan_cgocall(ForeignCallsBackInner, c);
}

// Scenario 4: managed code enters a cgocall after the world stopped (parking
// is always allowed), then its foreign fn returns.
void EnterWhileStopped(void *arg) {
  auto *c = static_cast<WorldCtx *>(arg);
  c->g = CurrentG();
  while (!c->stopped_before_call.load()) sched_yield();
  cgosan_cgocall(ForeignWaitsThenReturns, c);
  c->managed_after = true;
}

enum class Start { kRun, kForeignThread };

struct WorldCase {
  const char *name;
  Start start;
  cgosan_fn fn;  // run by cgosan_run (kRun) or called directly (kForeignThread)
  bool stop_before_foreign;  // stop first, then let the G enter its cgocall
};
// Failure messages name the case, not its bytes.
void PrintTo(const WorldCase &c, std::ostream *os) { *os << c.name; }

class StopTheWorld : public testing::TestWithParam<WorldCase> {};

TEST_P(StopTheWorld, ParkedGWaitsUntilStart) {
  const WorldCase &wc = GetParam();
  WorldCtx c;
  std::thread t([&] {
    if (wc.start == Start::kRun)
      cgosan_run(wc.fn, &c);
    else
      wc.fn(&c);
  });
  bool world_stopped = false;
  auto start_world = [&] {
    if (world_stopped) {
      world_stopped = false;
      __cgosan::StartTheWorld();
    }
  };
  // On any early return: let the thread finish, so the test fails, not hangs.
  struct Guard {
    WorldCtx &c;
    decltype(start_world) &start;
    std::thread &t;
    ~Guard() {
      c.release = true;
      c.stopped_before_call = true;
      start();
      if (t.joinable())
        t.join();
    }
  } guard{c, start_world, t};

  if (wc.stop_before_foreign) {
    // The G must be running first: starting a G waits for a stopped world.
    ASSERT_TRUE(WaitFor([&] { return c.g.load() != nullptr; },
                        std::chrono::seconds(20)));
    __cgosan::StopTheWorld();
    world_stopped = true;
    c.stopped_before_call = true;
    // Entering the cgocall is not held up by the stopped world.
    ASSERT_TRUE(WaitFor([&] { return c.in_foreign.load(); },
                        std::chrono::seconds(20)))
        << "entersyscall must not wait for a stopped world";
  } else {
    ASSERT_TRUE(WaitFor([&] { return c.in_foreign.load(); },
                        std::chrono::seconds(20)));
    // StopTheWorld returns although a G sits in foreign code indefinitely.
    __cgosan::StopTheWorld();
    world_stopped = true;
  }
  c.release = true;
  ASSERT_TRUE(WaitFor([&] { return c.foreign_done.load(); },
                      std::chrono::seconds(20)));
  // The crossing back must wait: give it ample time to (wrongly) get through.
  EXPECT_FALSE(WaitFor([&] { return c.managed_after.load(); },
                       std::chrono::milliseconds(300)))
      << "managed code ran while the world was stopped";
  G *g = c.g.load();
  if (g)
    EXPECT_EQ(GStatus(g), __cgosan::kGSyscall)
        << "a G held by a stopped world stays parked";
  start_world();
  t.join();
  EXPECT_TRUE(c.managed_after.load()) << "the G proceeds once the world starts";
}

void ForeignThreadCallsBack(void *arg) { ForeignWaitsThenCallsBack(arg); }

INSTANTIATE_TEST_SUITE_P(
    Crossings, StopTheWorld,
    testing::Values(
        WorldCase{"CgocallReturns", Start::kRun, CgocallReturns, false},
        WorldCase{"CallbackFromForeignFn", Start::kRun, CgocallCallsBack, false},
        WorldCase{"NestedCgocallReturns", Start::kRun, NestedCgocallReturns, false},
        WorldCase{"EnterWhileStopped", Start::kRun, EnterWhileStopped, true},
        WorldCase{"CallbackOnForeignThread", Start::kForeignThread,
                  ForeignThreadCallsBack, false}),
    [](const testing::TestParamInfo<WorldCase> &info) {
      return std::string(info.param.name);
    });

// Repeated stop/start with a G going back and forth: no lost wake-ups.
void PingPong(void *arg) {
  auto *n = static_cast<std::atomic<int> *>(arg);
  for (int i = 0; i < 20000; i++) {
    cgosan_cgocall([](void *) {}, nullptr);
    n->fetch_add(1, std::memory_order_relaxed);
  }
}

TEST(StopTheWorldLoop, ManyStopsNoLostWakeups) {
  std::atomic<int> n{0};
  std::atomic<bool> done{false};
  // The G starts under a stopped world, so its first return already waits;
  // then stops and starts race with its cgocalls until it is done. A lost
  // wake-up hangs the test (the ctest timeout fails it).
  __cgosan::StopTheWorld();
  std::thread t([&] {
    cgosan_run(PingPong, &n);
    done = true;
  });
  sched_yield();
  __cgosan::StartTheWorld();
  while (!done.load()) {
    __cgosan::StopTheWorld();
    sched_yield();
    __cgosan::StartTheWorld();
  }
  t.join();
  EXPECT_EQ(n.load(), 20000);
}

// ---- A G is parked only once its stack is published ------------------------
//
// A collector scans a G in a cgocall from g->saved_sp up, from the moment the
// G's status says parked. So whenever the status says parked while the thread
// is still on the G's stack (entering the switch, or back from it), saved_sp
// must be at or below the stack pointer: a saved_sp above it is an earlier
// park's, and the frames between are not scanned (it freed a live object).
// Sampled with signals while a G makes cgocalls from two depths in turn, so
// that the shallow call's saved_sp lies above the deep call's frames. The G
// makes no heap call: safepoints park with saved_sp above their own frame,
// which holds nothing managed.

// SIGUSR2 goes to `handler` while in scope (declare it before the thread
// that takes the signals, so that it outlives the thread's last one).
class SampleHandlerScope {
 public:
  explicit SampleHandlerScope(void (*handler)(int, siginfo_t *, void *)) {
    struct sigaction action = {};
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    installed_ = sigaction(SIGUSR2, &action, &old_) == 0;
  }
  ~SampleHandlerScope() {
    if (installed_)
      sigaction(SIGUSR2, &old_, nullptr);
  }
  bool installed() const { return installed_; }

 private:
  struct sigaction old_;
  bool installed_;
};

// Pending signals merge: a sample is counted only when the thread takes one
// where the handler looks, so send until samples() reaches want (or a
// generous deadline passes).
template <typename Samples>
void SignalUntilSampled(pthread_t thread, Samples samples, long want) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (samples() < want && std::chrono::steady_clock::now() < deadline)
    pthread_kill(thread, SIGUSR2);
}

struct ParkSampler {
  std::atomic<G *> g{nullptr};
  std::atomic<pthread_t> thread{};
  std::atomic<bool> done{false};
  std::atomic<long> on_g{0};      // samples taken on the G's stack
  std::atomic<long> too_high{0};  // ... parked, with saved_sp above the sp
};
ParkSampler *park_sampler;
constexpr long kParkSamples = 5000;

void SampleThePark(int, siginfo_t *, void *context) {
  G *g = park_sampler->g.load(std::memory_order_relaxed);
  uintptr_t sp = static_cast<ucontext_t *>(context)->uc_mcontext.gregs[REG_RSP];
  if (!g || sp < g->stack_lo || sp >= g->stack_hi)
    return;
  park_sampler->on_g.fetch_add(1, std::memory_order_relaxed);
  if (atomic_load(&g->status, __sanitizer::memory_order_relaxed) ==
          __cgosan::kGSyscall &&
      g->saved_sp > sp)
    park_sampler->too_high.fetch_add(1, std::memory_order_relaxed);
}

__attribute__((noinline)) void CgocallFromDepth(int depth) {
  if (depth > 0) {
    char pad[256];
    asm volatile("" : : "r"(pad) : "memory");  // the frame keeps its pad
    CgocallFromDepth(depth - 1);
    asm volatile("" : : "r"(pad) : "memory");
    return;
  }
  cgosan_cgocall([](void *) {}, nullptr);
}

void CgocallsFromTwoDepths(void *) {
  park_sampler->thread = pthread_self();
  park_sampler->g = CurrentG();
  while (!park_sampler->done.load(std::memory_order_relaxed)) {
    CgocallFromDepth(0);
    CgocallFromDepth(4);
  }
  park_sampler->g = nullptr;
}

TEST(Park, StatusSaysParkedOnlyOnceSavedSpIsPublished) {
  ParkSampler sampler;
  park_sampler = &sampler;
  SampleHandlerScope handler(SampleThePark);
  ASSERT_TRUE(handler.installed());
  std::thread t([] { cgosan_run(CgocallsFromTwoDepths, nullptr); });
  while (!sampler.g.load()) sched_yield();
  SignalUntilSampled(sampler.thread, [&] { return sampler.on_g.load(); },
                     kParkSamples);
  sampler.done = true;
  t.join();
  EXPECT_GE(sampler.on_g.load(), kParkSamples) << "the signals missed the G";
  EXPECT_EQ(sampler.too_high.load(), 0)
      << "parked with the saved_sp of an earlier park, " << sampler.on_g.load()
      << " samples on the G's stack";
}

// ---- Waiting in exitsyscall, a G's registers stay scanned -------------------
//
// A G back from its foreign fn while the world is stopped waits in
// exitsyscall, parked again. By then the switch has popped the callee-saved
// registers it spilled, and the wait's own frames overwrite them, so the
// wait must spill them again and scan from below: compiled managed code may
// hold a pointer in one of them and nowhere else. Five objects are held that
// way across cgocalls (one per register) while another thread collects
// after each; none may be freed. (Today's cgosan_cgocall happens to push all
// six registers in its prologue, above the park; the test keeps the wait
// right when it does not.)

extern "C" void cgotest_cgocall_holding(uintptr_t held[5], uintptr_t mask,
                                        cgosan_fn fn, void *frame);

constexpr uintptr_t kHeldMask = 0x5a5a5a5a5a5a5a5aull;
constexpr int kHeld = 5;
// An object that holds its own masked address: freed, it holds poison.
const cgosan_type kSelfTagged = {"uintptr_t", sizeof(uintptr_t), 0, nullptr, 0};

// Masks the addresses only once all five are made: until then the objects
// must stay reachable (each cgosan_new may collect).
__attribute__((noinline)) void MakeHeldHere(uintptr_t held[kHeld]) {
  uintptr_t *objs[kHeld];
  for (auto &obj : objs) obj = static_cast<uintptr_t *>(cgosan_new(&kSelfTagged));
  for (int i = 0; i < kHeld; i++) {
    held[i] = reinterpret_cast<uintptr_t>(objs[i]) ^ kHeldMask;
    *objs[i] = held[i];
  }
}

// Makes the objects 4 KiB below the caller's frame: the unmasked addresses
// left in dead frames there lie below every frame the cgocall makes, where
// the collector does not look.
__attribute__((noinline)) void MakeHeld(uintptr_t held[kHeld]) {
  volatile char *below = static_cast<char *>(__builtin_alloca(4096));
  below[0] = 0;
  MakeHeldHere(held);
}

struct HeldCtx {
  std::atomic<bool> done{false};
  std::atomic<long> calls{0};
  std::atomic<long> lost{0};  // objects freed while held
};

void HoldAcrossCgocalls(void *arg) {
  auto *ctx = static_cast<HeldCtx *>(arg);
  while (!ctx->done.load(std::memory_order_relaxed)) {
    uintptr_t held[kHeld];
    MakeHeld(held);
    cgotest_cgocall_holding(held, kHeldMask, [](void *) {}, nullptr);
    for (uintptr_t masked : held)
      if (*reinterpret_cast<uintptr_t *>(masked ^ kHeldMask) != masked)
        ctx->lost.fetch_add(1, std::memory_order_relaxed);
    ctx->calls.fetch_add(1, std::memory_order_relaxed);
  }
}

TEST(Park, RegistersStayScannedWhileWaitingInExitsyscall) {
  HeldCtx ctx;
  std::thread g_thread([&] { cgosan_run(HoldAcrossCgocalls, &ctx); });
  std::atomic<long> collections{0};
  std::thread collector([&] {
    while (!ctx.done.load(std::memory_order_relaxed)) {
      long calls = ctx.calls.load();
      cgosan_gc();
      collections++;
      while (ctx.calls.load() == calls && !ctx.done.load()) sched_yield();
    }
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (collections.load() < 20000 &&
         ctx.lost.load() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ctx.done = true;
  g_thread.join();
  collector.join();
  EXPECT_EQ(ctx.lost.load(), 0) << "objects held in registers were freed, "
                                << ctx.calls.load() << " cgocalls, "
                                << collections.load() << " collections";
}

// ---- A new G is published with an empty live stack -------------------------
//
// A collector reads m->curg whenever it likes and scans the G from its
// saved_sp. A G made for a callback from a thread foreign code created must
// therefore be published with saved_sp at the top of its stack, not with a
// value of its past life or 0 (a scan from 0 faults). Sampled with signals on
// a thread that calls back in a loop.

struct NewGSampler {
  std::atomic<pthread_t> thread{};
  std::atomic<bool> ready{false}, done{false};
  std::atomic<long> with_g{0};  // samples taken while the M had a G
  std::atomic<long> outside{0};  // ... whose saved_sp was outside its stack
};
NewGSampler *new_g_sampler;
constexpr long kNewGSamples = 5000;

void SampleTheNewG(int, siginfo_t *, void *) {
  __cgosan::M *m = __cgosan::CurrentM();
  G *g = m ? m->curg : nullptr;
  if (!g)
    return;
  new_g_sampler->with_g.fetch_add(1, std::memory_order_relaxed);
  if (g->saved_sp < g->stack_lo || g->saved_sp > g->stack_hi)
    new_g_sampler->outside.fetch_add(1, std::memory_order_relaxed);
}

TEST(Park, ANewGIsPublishedWithAnEmptyLiveStack) {
  NewGSampler sampler;
  new_g_sampler = &sampler;
  SampleHandlerScope handler(SampleTheNewG);
  ASSERT_TRUE(handler.installed());
  std::thread t([] {
    new_g_sampler->thread = pthread_self();
    new_g_sampler->ready = true;
    while (!new_g_sampler->done.load(std::memory_order_relaxed))
      cgosan_cgocallback([](void *) {}, nullptr);  // a new G each time
  });
  while (!sampler.ready.load()) sched_yield();
  SignalUntilSampled(sampler.thread, [&] { return sampler.with_g.load(); },
                     kNewGSamples);
  sampler.done = true;
  t.join();
  EXPECT_GE(sampler.with_g.load(), kNewGSamples) << "the signals missed the G";
  EXPECT_EQ(sampler.outside.load(), 0)
      << "a G was visible with a saved_sp outside its stack, "
      << sampler.with_g.load() << " samples";
}

// ---- Reading the counters does not hold up a collection ----------------------
//
// The collector walks the Ms while it waits for the running Gs to reach a
// safepoint. A running G that reads the Ms too (cgosan_num_cgocall) between
// safepoints must not wait for the collector: it used to spin on the lock
// the collector held through its wait, which waited for it. A deadlock
// cannot fail an assertion, so a watchdog ends the process.

TEST(StopTheWorldLoop, NumCgocallFromARunningGDoesNotHoldUpCollections) {
  static const cgosan_type kWord = {"uintptr_t", 8, 0, nullptr, 0};
  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  std::thread g_thread([&] {
    struct Ctx {
      std::atomic<bool> *done;
      std::atomic<long> *reads;
    } ctx = {&done, &reads};
    cgosan_run([](void *arg) {
      auto *c = static_cast<Ctx *>(arg);
      while (!c->done->load(std::memory_order_relaxed)) {
        for (int i = 0; i < 100; i++) {
          volatile int64_t calls = cgosan_num_cgocall();
          (void)calls;
        }
        volatile void *p = cgosan_new(&kWord);  // a safepoint
        (void)p;
        c->reads->fetch_add(1, std::memory_order_relaxed);
      }
    }, &ctx);
  });
  std::thread watchdog([&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done.load() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!done.load()) {
      fprintf(stderr, "deadlock: a collection and a G reading the counters\n");
      abort();
    }
  });
  // Each collection only once the G runs again (woken, it would otherwise
  // find the next one under way and wait parked, never meeting it running).
  for (int i = 0; i < 200; i++) {
    long before = reads.load();
    while (reads.load() < before + 2) sched_yield();
    cgosan_gc();
  }
  done = true;
  g_thread.join();
  watchdog.join();
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace cgotest
