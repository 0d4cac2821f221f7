// race_bench.cpp — what the race checker costs on a boundary-heavy workload
// (race_workload.c: 4 threads, many small foreign calls with managed
// buffers, a mutex handing buffers between threads), against the same
// workload with race=off, and what TSan costs on it, in one run.
//
// Each benchmark runs the workload as a child process, since the race mode
// is fixed at start-up; its time is the workload's own loop time (what the
// child prints, start-up excluded), its `peak_rss_kib` counter the child's
// peak resident memory (wait4).
//   BM_Plain_Off        built without instrumentation, race=off: the baseline
//   BM_Pass_Off         built with the pass (-cgosan-race), race=off: what
//                       the instrumentation costs while unused
//   BM_Pass_Go          the same binary, race=go (Go's racecgosync)
//   BM_Pass_Precise     the same binary, race=precise
//   BM_Tsan             built with -fsanitize=thread (no pass), race=off:
//                       TSan's own cost on the same work, for comparison
// Targets (issue 6): precise <= 1.5x race=off in time and in memory.
// The lock-heavy workload (race_lock_workload.c: a private buffer, then a
// mutex around 16 updates of a shared table, each round) runs at 1, 2 and 4
// threads, built plain, with the pass under race=precise, and with TSan:
//   BM_Lock_Plain/N, BM_Lock_Precise/N, BM_Lock_Tsan/N
// Targets (issue 28): precise <= 0.5x TSan's time and <= 1x TSan's memory
// at each thread count. Printed, never asserted.
#include <benchmark/benchmark.h>

#include <string>

#include "child_workload.h"
#include "ratio_table.h"

namespace {

constexpr char kThreads[] = "4";
constexpr char kIterations[] = "400000";
constexpr char kLockRounds[] = "200000";

// The workload `program threads rounds` with CGOSAN_OPTIONS=race=<mode>.
void Workload(benchmark::State &state, const char *program, const char *mode,
              const char *threads = kThreads, const char *rounds = kIterations) {
  bench::ChildWorkloadBenchmark(state, {program, threads, rounds},
                                {std::string("CGOSAN_OPTIONS=race=") + mode});
}

void BM_Plain_Off(benchmark::State &s) { Workload(s, CGOSAN_WORKLOAD_PLAIN, "off"); }
void BM_Pass_Off(benchmark::State &s) { Workload(s, CGOSAN_WORKLOAD_PASS, "off"); }
void BM_Pass_Go(benchmark::State &s) { Workload(s, CGOSAN_WORKLOAD_PASS, "go"); }
void BM_Pass_Precise(benchmark::State &s) { Workload(s, CGOSAN_WORKLOAD_PASS, "precise"); }
void BM_Tsan(benchmark::State &s) { Workload(s, CGOSAN_WORKLOAD_TSAN, "off"); }

#define WORKLOAD_BENCHMARK(fn) \
  BENCHMARK(fn)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond)
WORKLOAD_BENCHMARK(BM_Plain_Off);
WORKLOAD_BENCHMARK(BM_Pass_Off);
WORKLOAD_BENCHMARK(BM_Pass_Go);
WORKLOAD_BENCHMARK(BM_Pass_Precise);
WORKLOAD_BENCHMARK(BM_Tsan);

// The lock-heavy workload at `threads` threads.
#define LOCK_BENCHMARKS(threads)                                              \
  void BM_Lock_Plain_##threads(benchmark::State &s) {                         \
    Workload(s, CGOSAN_LOCK_WORKLOAD_PLAIN, "off", #threads, kLockRounds);    \
  }                                                                           \
  void BM_Lock_Precise_##threads(benchmark::State &s) {                       \
    Workload(s, CGOSAN_LOCK_WORKLOAD_PASS, "precise", #threads, kLockRounds); \
  }                                                                           \
  void BM_Lock_Tsan_##threads(benchmark::State &s) {                          \
    Workload(s, CGOSAN_LOCK_WORKLOAD_TSAN, "off", #threads, kLockRounds);     \
  }                                                                           \
  WORKLOAD_BENCHMARK(BM_Lock_Plain_##threads);                                \
  WORKLOAD_BENCHMARK(BM_Lock_Precise_##threads);                              \
  WORKLOAD_BENCHMARK(BM_Lock_Tsan_##threads);
LOCK_BENCHMARKS(1)
LOCK_BENCHMARKS(2)
LOCK_BENCHMARKS(4)
#undef LOCK_BENCHMARKS

// Each row's ratio is to its own build with race=off.
const bench::Row kRows[] = {
    {"BM_Plain_Off", "plain build, race=off (baseline)", 0},
    {"BM_Pass_Off", "pass build, race=off", 0, 0, true, "BM_Plain_Off"},
    {"BM_Pass_Go", "pass build, race=go", 0, 0, true, "BM_Pass_Off"},
    {"BM_Pass_Precise", "pass build, race=precise", 0, 1.5, true, "BM_Pass_Off"},
    {"BM_Tsan", "-fsanitize=thread build (TSan)", 0, 0, true, "BM_Plain_Off"},
};
constexpr int kNumRows = sizeof(kRows) / sizeof(kRows[0]);

// Each thread count's precise row against TSan at that count.
#define LOCK_ROWS(threads)                                                    \
  {"BM_Lock_Plain_" #threads, #threads " thread(s): plain build, race=off", 0, \
   0, false},                                                                 \
      {"BM_Lock_Tsan_" #threads, #threads " thread(s): TSan", 0, 0, true,     \
       "BM_Lock_Plain_" #threads},                                            \
      {"BM_Lock_Precise_" #threads,                                           \
       #threads " thread(s): pass build, race=precise / TSan", 0, 0.5, true,  \
       "BM_Lock_Tsan_" #threads},
const bench::Row kLockRows[] = {LOCK_ROWS(1) LOCK_ROWS(2) LOCK_ROWS(4)};
#undef LOCK_ROWS
constexpr int kNumLockRows = sizeof(kLockRows) / sizeof(kLockRows[0]);
// Memory: precise at most TSan's.
#define LOCK_MEMORY_ROWS(threads)                                             \
  {"BM_Lock_Tsan_" #threads, #threads " thread(s): TSan", 0, 0, false},        \
      {"BM_Lock_Precise_" #threads,                                           \
       #threads " thread(s): pass build, race=precise / TSan", 0, 1, true,    \
       "BM_Lock_Tsan_" #threads},
const bench::Row kLockMemoryRows[] = {LOCK_MEMORY_ROWS(1) LOCK_MEMORY_ROWS(2)
                                          LOCK_MEMORY_ROWS(4)};
#undef LOCK_MEMORY_ROWS
constexpr int kNumLockMemoryRows = sizeof(kLockMemoryRows) / sizeof(kLockMemoryRows[0]);

const bench::Table kTables[] = {
    {"race checker, boundary-heavy workload (4 threads x 400k foreign calls; "
     "loop time; ratio = / the row's baseline, same run)",
     "BM_Plain_Off", kRows, kNumRows},
    {"race checker, peak resident memory of the same runs (KiB)",
     "BM_Plain_Off", kRows, kNumRows, "peak_rss_kib"},
    {"race checker, lock-heavy workload (N threads x 200k rounds: a private "
     "256-byte buffer, then a mutex around 16 updates of an 8 KiB table; "
     "loop time; ratio = / the row's baseline, same run)",
     "BM_Lock_Plain_1", kLockRows, kNumLockRows},
    {"race checker, lock-heavy workload, peak resident memory (KiB)",
     "BM_Lock_Tsan_1", kLockMemoryRows, kNumLockMemoryRows, "peak_rss_kib"},
};

}  // namespace

int main(int argc, char **argv) {
  return bench::RunAndPrintTables(argc, argv, kTables,
                                  sizeof(kTables) / sizeof(kTables[0]));
}
