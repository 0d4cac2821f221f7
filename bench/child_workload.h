// child_workload.h — a workload program run as a child process, for the
// benchmarks whose setting is fixed at start-up (a race mode, a preloaded
// heap adapter): its loop time, from the "ns=N" line it prints on stdout
// (start-up excluded), and its peak resident memory (wait4).
#ifndef CGOSAN_BENCH_CHILD_WORKLOAD_H
#define CGOSAN_BENCH_CHILD_WORKLOAD_H

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace bench {

struct ChildRun {
  bool ok = false;
  double loop_ns = 0;
  long peak_rss_kib = 0;
  std::string error;
};

// Runs argv[0] with arguments argv, in this process's environment with the
// NAME=VALUE entries of `env` replacing those of the same names.
ChildRun RunChildWorkload(const std::vector<std::string> &argv,
                          const std::vector<std::string> &env);

// One run per iteration of `state` (manual time: the run's loop time), and
// the runs' largest peak as the counter peak_rss_kib.
void ChildWorkloadBenchmark(benchmark::State &state,
                            const std::vector<std::string> &argv,
                            const std::vector<std::string> &env);

}  // namespace bench

#endif  // CGOSAN_BENCH_CHILD_WORKLOAD_H
