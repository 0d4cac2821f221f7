// cgocall_bench.cpp — what a crossing costs, as a ratio to a plain call.
//
// One run measures, on this machine and in this process:
//   BM_DirectCall_InG        an empty noinline function called through a
//                            volatile pointer, from managed code (inside a G):
//                            the baseline every other figure is divided by;
//   BM_DirectCall_Foreign    the same call from plain foreign code (no G);
//   BM_Cgocall               cgosan_cgocall of an empty function, from a G;
//   BM_Cgocall_Foreign       cgosan_cgocall off a G (runs fn directly);
//   BM_CgocallNoCallback     cgosan_cgocall_nocallback of an empty function,
//                            from a G (the switch without the parking);
//   BM_CallbackInCall        one cgocall whose foreign function loops, calling
//                            an empty cgosan_cgocallback each iteration;
//   BM_ExtraMCallbackAttached callbacks from a thread made with pthread_create,
//                            after its first callback bound an extra M;
//   BM_ExtraMFirstCallback   the first callback of a brand-new thread (needm),
//                            timed by hand around that one call;
//   BM_RunEmptyG             cgosan_run of an empty function;
//   BM_Syscall               one system call, for context: the first callback
//                            on a new thread makes a few (sigaltstack).
// Benchmarks that must run in managed code run their whole timing loop inside
// cgosan_run: benchmark::State is plain memory and its loop needs far less
// than the 64 KiB a G stack has. Each such loop checks first that it really
// is on a G (cgosan_in_managed), and BM_Cgocall checks that every iteration
// was counted by cgosan_num_cgocall; a failed check marks the benchmark as an
// error instead of reporting a meaningless number.
//
// After the runs, a table gives each figure in ns, as a ratio to the baseline,
// and against the targets the runtime is held to. The targets are printed,
// never asserted: a benchmark is not a test.
#include <benchmark/benchmark.h>
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "ratio_table.h"
#include "run_in_g.h"

#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

__attribute__((noinline)) void EmptyFn(void *arg) {
  (void)arg;
  asm volatile("" ::: "memory");
}

// The call through this pointer cannot be inlined or folded away.
void (*volatile empty_fn_ptr)(void *) = EmptyFn;

using bench::RunLoopInG;  // bench/run_in_g.h

// ---- Baselines ---------------------------------------------------------------

void DirectCallLoop(benchmark::State &state) {
  for (auto _ : state)
    empty_fn_ptr(nullptr);
}

void BM_DirectCall_InG(benchmark::State &state) {
  RunLoopInG<DirectCallLoop>(state);
}

void BM_DirectCall_Foreign(benchmark::State &state) {
  DirectCallLoop(state);
}

// ---- cgocall -------------------------------------------------------------------

void CgocallLoop(benchmark::State &state) {
  int64_t before = cgosan_num_cgocall();
  for (auto _ : state)
    cgosan_cgocall(EmptyFn, nullptr);
  int64_t counted = cgosan_num_cgocall() - before;
  if (counted != static_cast<int64_t>(state.iterations()))
    state.SkipWithError("cgosan_num_cgocall did not count every cgocall");
}

void BM_Cgocall(benchmark::State &state) { RunLoopInG<CgocallLoop>(state); }

void CgocallNoCallbackLoop(benchmark::State &state) {
  int64_t before = cgosan_num_cgocall();
  for (auto _ : state)
    cgosan_cgocall_nocallback(EmptyFn, nullptr, "empty");
  int64_t counted = cgosan_num_cgocall() - before;
  if (counted != static_cast<int64_t>(state.iterations()))
    state.SkipWithError("cgosan_num_cgocall did not count every nocallback call");
}

void BM_CgocallNoCallback(benchmark::State &state) {
  RunLoopInG<CgocallNoCallbackLoop>(state);
}

void BM_Cgocall_Foreign(benchmark::State &state) {
  for (auto _ : state)
    cgosan_cgocall(EmptyFn, nullptr);
}

// ---- Callback inside one cgocall -------------------------------------------------

struct CallbackLoopFrame {
  benchmark::State *state;
  bool callback_was_managed;
};

void CheckManaged(void *arg) {
  static_cast<CallbackLoopFrame *>(arg)->callback_was_managed =
      cgosan_in_managed() != 0;
}

// Foreign code (g0): calls back into the G parked below it, once per iteration.
void ForeignCallbackLoop(void *arg) {
  auto *frame = static_cast<CallbackLoopFrame *>(arg);
  cgosan_cgocallback(CheckManaged, frame);
  if (!frame->callback_was_managed || cgosan_in_managed()) {
    frame->state->SkipWithError("callback did not run on the parked G");
    for (auto _ : *frame->state) {
    }
    return;
  }
  for (auto _ : *frame->state)
    cgosan_cgocallback(EmptyFn, nullptr);
}

void CallbackInCallLoop(benchmark::State &state) {
  CallbackLoopFrame frame = {&state, false};
  cgosan_cgocall(ForeignCallbackLoop, &frame);
}

void BM_CallbackInCall(benchmark::State &state) {
  RunLoopInG<CallbackInCallLoop>(state);
}

// ---- Extra M: callbacks from a thread foreign code created ----------------------

void *AttachedCallbackThread(void *arg) {
  auto &state = *static_cast<benchmark::State *>(arg);
  CallbackLoopFrame frame = {&state, false};
  cgosan_cgocallback(CheckManaged, &frame);  // binds the extra M
  if (!frame.callback_was_managed) {
    state.SkipWithError("callback from a foreign thread did not run on a G");
    for (auto _ : state) {
    }
    return nullptr;
  }
  for (auto _ : state)
    cgosan_cgocallback(EmptyFn, nullptr);
  return nullptr;
}

// The loop runs on the new thread while this one waits in pthread_join, so the
// benchmark uses real (wall) time: this thread's CPU time would be ~0.
void BM_ExtraMCallbackAttached(benchmark::State &state) {
  pthread_t t;
  if (pthread_create(&t, nullptr, AttachedCallbackThread, &state) != 0) {
    state.SkipWithError("pthread_create failed");
    return;
  }
  pthread_join(t, nullptr);
}

double NowSeconds() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

struct FirstCallbackFrame {
  double seconds;
  bool managed;
};

void FirstCallbackFn(void *arg) {
  static_cast<FirstCallbackFrame *>(arg)->managed = cgosan_in_managed() != 0;
}

void *FirstCallbackThread(void *arg) {
  auto *frame = static_cast<FirstCallbackFrame *>(arg);
  double start = NowSeconds();
  cgosan_cgocallback(FirstCallbackFn, frame);
  frame->seconds = NowSeconds() - start;
  return nullptr;
}

// Thread creation and exit are not timed: only the first callback (needm,
// which takes an M from the pool the previous thread's exit returned it to).
void BM_ExtraMFirstCallback(benchmark::State &state) {
  for (auto _ : state) {
    FirstCallbackFrame frame = {0, false};
    pthread_t t;
    if (pthread_create(&t, nullptr, FirstCallbackThread, &frame) != 0) {
      state.SkipWithError("pthread_create failed");
      break;
    }
    pthread_join(t, nullptr);
    if (!frame.managed) {
      state.SkipWithError("first callback did not run on a G");
      break;
    }
    state.SetIterationTime(frame.seconds);
  }
}

// ---- Context: one system call ----------------------------------------------------
// Not a crossing: the first callback on a new thread makes system calls
// (sigaltstack), whose cost depends on the kernel and the hypervisor far more
// than on cgosan. This row says what one costs here.

void BM_Syscall(benchmark::State &state) {
  for (auto _ : state)
    syscall(SYS_getppid);
}

// ---- cgosan_run ------------------------------------------------------------------

void BM_RunEmptyG(benchmark::State &state) {
  for (auto _ : state)
    cgosan_run(EmptyFn, nullptr);
}

constexpr double kMinTime = 0.2;  // seconds per benchmark; the run stays < 30 s

BENCHMARK(BM_DirectCall_InG)->MinTime(kMinTime);
BENCHMARK(BM_DirectCall_Foreign)->MinTime(kMinTime);
BENCHMARK(BM_Cgocall)->MinTime(kMinTime);
BENCHMARK(BM_Cgocall_Foreign)->MinTime(kMinTime);
BENCHMARK(BM_CgocallNoCallback)->MinTime(kMinTime);
BENCHMARK(BM_CallbackInCall)->MinTime(kMinTime);
BENCHMARK(BM_ExtraMCallbackAttached)->MinTime(kMinTime)->UseRealTime();
BENCHMARK(BM_ExtraMFirstCallback)->MinTime(kMinTime)->UseManualTime();
BENCHMARK(BM_RunEmptyG)->MinTime(kMinTime);
BENCHMARK(BM_Syscall)->MinTime(kMinTime);

// ---- The ratio table -----------------------------------------------------------

const bench::Row kRows[] = {
    {"BM_DirectCall_InG", "direct call, in a G (baseline)", 0},
    {"BM_DirectCall_Foreign", "direct call, foreign code", 0},
    {"BM_Cgocall", "cgocall round trip", 5},
    {"BM_Cgocall_Foreign", "cgocall off a G (direct)", 0},
    {"BM_CgocallNoCallback", "nocallback call round trip", 3},
    {"BM_CallbackInCall", "callback round trip (in a cgocall)", 5},
    {"BM_ExtraMCallbackAttached", "callback, foreign thread, M bound", 100},
    {"BM_ExtraMFirstCallback", "first callback, new foreign thread", 2000},
    {"BM_RunEmptyG", "cgosan_run of an empty fn", 0},
    {"BM_Syscall", "(context) one system call, getppid", 0},
};

}  // namespace

int main(int argc, char **argv) {
  return bench::RunAndPrintTable(
      argc, argv,
      "cgosan crossing costs (wall time per operation; ratio = / direct call in a G, same run)",
      "BM_DirectCall_InG", kRows, sizeof(kRows) / sizeof(kRows[0]));
}
