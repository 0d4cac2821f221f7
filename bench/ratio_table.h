// ratio_table.h — runs the registered benchmarks and prints each figure as
// a ratio to a baseline measured in the same run, beside its target. Targets
// are printed, never asserted: a benchmark is not a test.
#ifndef CGOSAN_BENCH_RATIO_TABLE_H
#define CGOSAN_BENCH_RATIO_TABLE_H

namespace bench {

struct Row {
  const char *benchmark;  // function name given to BENCHMARK()
  const char *what;       // shown in the table
  double target_ns;       // 0: no target in ns
  double max_ratio = 0;   // 0: no target as a ratio to the baseline
  bool show_ratio = true; // false where a ratio to the baseline means nothing
  const char *baseline = nullptr;  // this row's own baseline (default: the table's)
};

// benchmark::Initialize, run everything, then the table of `rows`, whose
// ratios divide by the benchmark named `baseline`. Returns main's status.
int RunAndPrintTable(int argc, char **argv, const char *title,
                     const char *baseline, const Row *rows, int num_rows);

// Several tables from one run. A table with a `counter` shows that user
// counter of each benchmark (state.counters[counter], e.g. peak memory)
// instead of its time; its rows' targets are ratios (max_ratio).
struct Table {
  const char *title;
  const char *baseline;
  const Row *rows;
  int num_rows;
  const char *counter = nullptr;
};
int RunAndPrintTables(int argc, char **argv, const Table *tables,
                      int num_tables);

}  // namespace bench

#endif  // CGOSAN_BENCH_RATIO_TABLE_H
