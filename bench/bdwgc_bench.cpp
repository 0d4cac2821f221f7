// bdwgc_bench.cpp — what `cgosan-run --heap bdwgc --lib sqlite3` costs on a
// Boehm GC program (bdwgc_sqlite_workload.c: 100k GC-allocated rows
// through sqlite3), against the same program run plain, in one run. Each
// benchmark runs the workload as a child process, since what is preloaded
// is fixed at start-up:
//   BM_Plain    nothing preloaded: the baseline
//   BM_Adapter  libcgosan, the bdwgc adapter and the sqlite3 interposer
//               preloaded, as cgosan-run puts them, default checks
// Target (issue 21): <= 1.2x. Printed, never asserted.
#include <benchmark/benchmark.h>

#include "child_workload.h"
#include "ratio_table.h"

namespace {

void BM_Plain(benchmark::State &s) {
  bench::ChildWorkloadBenchmark(s, {CGOSAN_BDWGC_WORKLOAD}, {});
}

void BM_Adapter(benchmark::State &s) {
  bench::ChildWorkloadBenchmark(
      s, {CGOSAN_BDWGC_WORKLOAD},
      {"LD_PRELOAD=" CGOSAN_RUNTIME ":" CGOSAN_BDWGC_ADAPTER ":" CGOSAN_SQLITE3_INTERPOSER,
       "CGOSAN_OPTIONS="});
}

BENCHMARK(BM_Plain)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Adapter)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond);

const bench::Row kRows[] = {
    {"BM_Plain", "plain run (baseline)", 0},
    {"BM_Adapter", "cgosan-run --heap bdwgc --lib sqlite3", 0, 1.2},
};

}  // namespace

int main(int argc, char **argv) {
  return bench::RunAndPrintTable(
      argc, argv,
      "bdwgc adapter, sqlite3 workload (100k GC-allocated rows inserted, then "
      "summed; loop time; ratio = / plain, same run)",
      "BM_Plain", kRows, sizeof(kRows) / sizeof(kRows[0]));
}
