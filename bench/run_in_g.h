// run_in_g.h — running a benchmark's timing loop inside a G.
//
// Benchmarks of managed code run their whole loop inside cgosan_run:
// benchmark::State is plain memory and the loop needs far less than a G's
// stack. A loop that is not really on a G is marked as an error instead of
// reporting a meaningless figure.
#ifndef CGOSAN_BENCH_RUN_IN_G_H
#define CGOSAN_BENCH_RUN_IN_G_H

#include <benchmark/benchmark.h>
#include <cgosan/cgosan.h>

namespace bench {

template <void (*Loop)(benchmark::State &)>
void InG(void *arg) {
  auto &state = *static_cast<benchmark::State *>(arg);
  if (!cgosan_in_managed()) {
    state.SkipWithError("timing loop is not running on a G");
    for (auto _ : state) {
    }
    return;
  }
  Loop(state);
}

template <void (*Loop)(benchmark::State &)>
void RunLoopInG(benchmark::State &state) {
  if (cgosan_run(&InG<Loop>, &state) != 0)
    state.SkipWithError("cgosan_run failed");
}

}  // namespace bench

#endif  // CGOSAN_BENCH_RUN_IN_G_H
