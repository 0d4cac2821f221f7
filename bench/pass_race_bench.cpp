// pass_race_bench.cpp — what one load instrumented by the clang pass
// (-cgosan-race) costs while race tracking is off (CGOSAN_OPTIONS unset:
// race=off), the price every pass-compiled program pays whether or not it
// asks for races. This file is compiled with -cgosan-race; the baseline
// loop is marked disable_sanitizer_instrumentation, so the pass leaves it
// as written:
//   BM_LoadPlain         an 8-byte load of a managed object, not instrumented
//   BM_LoadInstrumented  the same load after the pass's guarded
//                        __cgosan_race_read8 (a tracked-range test that
//                        race=off never passes, so no call)
// Both loops run in a G; the load stays in the loop (ClobberMemory), the
// sum in a register. Printed as a ratio to the plain load, never asserted.
// race_bench.cpp measures a whole workload under every race mode.
#include <benchmark/benchmark.h>
#include <cgosan/cgosan.h>

#include "ratio_table.h"
#include "run_in_g.h"

namespace {

using bench::RunLoopInG;

const cgosan_type kLong = {"long", sizeof(long), 0, nullptr, 0};

// One body for both loops, inlined into each before the pass runs.
__attribute__((always_inline)) inline void SumLoads(benchmark::State &state) {
  auto *slot = static_cast<long *>(cgosan_new(&kLong));
  long sum = 0;  // in a register: only the load of *slot touches memory
  for (auto _ : state) {
    sum += *slot;
    benchmark::ClobberMemory();  // load *slot again next time round
  }
  long result = sum;
  benchmark::DoNotOptimize(result);
}

// noinline: inlined into the instrumented InG<>, the plain loop would be
// instrumented after all.
__attribute__((noinline, disable_sanitizer_instrumentation)) void PlainLoop(
    benchmark::State &state) {
  SumLoads(state);
}

__attribute__((noinline)) void InstrumentedLoop(benchmark::State &state) { SumLoads(state); }

void BM_LoadPlain(benchmark::State &state) { RunLoopInG<PlainLoop>(state); }
void BM_LoadInstrumented(benchmark::State &state) { RunLoopInG<InstrumentedLoop>(state); }

constexpr double kMinTime = 0.2;  // seconds per benchmark
BENCHMARK(BM_LoadPlain)->MinTime(kMinTime);
BENCHMARK(BM_LoadInstrumented)->MinTime(kMinTime);

const bench::Row kRows[] = {
    {"BM_LoadPlain", "8-byte load, not instrumented (baseline)", 0},
    {"BM_LoadInstrumented", "8-byte load, guarded __cgosan_race_read8", 0},
};

}  // namespace

int main(int argc, char **argv) {
  return bench::RunAndPrintTable(
      argc, argv, "a load compiled with -cgosan-race, race=off (ratio = / plain load, same run)",
      "BM_LoadPlain", kRows, sizeof(kRows) / sizeof(kRows[0]));
}
