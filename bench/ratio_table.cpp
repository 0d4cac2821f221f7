// ratio_table.cpp — see ratio_table.h.
#include "ratio_table.h"

#include <benchmark/benchmark.h>
#include <stdio.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

namespace bench {
namespace {

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal (a custom reporter does not get the library's
  // --benchmark_color handling).
  CollectingReporter()
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}

  struct Result {
    double ns = 0;  // wall (or manual) time per iteration
    std::map<std::string, double> counters;
    bool error = false;
    std::string error_message;
  };

  void ReportRuns(const std::vector<Run> &runs) override {
    for (const Run &run : runs) {
      if (run.run_type != Run::RT_Iteration)
        continue;
      std::string key = run.run_name.function_name;
      if (!run.run_name.args.empty())
        key += "/" + run.run_name.args;
      Result &r = results_[key];
      r.error = run.error_occurred;
      r.error_message = run.error_message;
      if (!run.error_occurred && run.iterations > 0)
        r.ns = run.real_accumulated_time / static_cast<double>(run.iterations) *
               1e9;
      for (const auto &counter : run.counters)
        r.counters[counter.first] = counter.second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  const Result *Find(const char *name) const {
    auto it = results_.find(name);
    return it == results_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, Result> results_;
};

// The figure a table shows for a result: its time, or its counter.
double Figure(const CollectingReporter::Result &r, const char *counter) {
  if (!counter)
    return r.ns;
  auto it = r.counters.find(counter);
  return it == r.counters.end() ? 0 : it->second;
}

void PrintTable(const CollectingReporter &reporter, const Table &table) {
  const char *counter = table.counter;
  const CollectingReporter::Result *base = reporter.Find(table.baseline);
  double table_base = base && !base->error ? Figure(*base, counter) : 0;
  printf("\n%s\n", table.title);
  printf("%-36s %10s %9s %10s  %s\n", "operation", counter ? counter : "ns",
         "ratio", "target", "met");
  printf("%-36s %10s %9s %10s  %s\n", "------------------------------------",
         "----------", "---------", "----------", "---");
  const Row *rows = table.rows;
  int num_rows = table.num_rows;
  int met = 0, missed = 0;
  for (const Row *row_it = rows; row_it < rows + num_rows; row_it++) {
    const Row &row = *row_it;
    const CollectingReporter::Result *r = reporter.Find(row.benchmark);
    char target[32] = "-";
    if (row.max_ratio > 0)
      snprintf(target, sizeof target, "<= %gx", row.max_ratio);
    else if (row.target_ns >= 1000)
      snprintf(target, sizeof target, "<= %g us", row.target_ns / 1000);
    else if (row.target_ns > 0)
      snprintf(target, sizeof target, "<= %g ns", row.target_ns);
    if (!r) {
      printf("%-36s %10s %9s %10s  %s\n", row.what, "not run", "", target, "");
      continue;
    }
    if (r->error) {
      printf("%-36s %10s %9s %10s  %s (%s)\n", row.what, "ERROR", "", target,
             row.target_ns > 0 || row.max_ratio > 0 ? "?" : "",
             r->error_message.c_str());
      continue;
    }
    double base = table_base;
    if (row.baseline) {
      const CollectingReporter::Result *own = reporter.Find(row.baseline);
      base = own && !own->error ? Figure(*own, counter) : 0;
    }
    double value = Figure(*r, counter);
    char ratio[32] = "-";
    if (base > 0 && row.show_ratio)
      snprintf(ratio, sizeof ratio, "%.2fx", value / base);
    const char *verdict = "";
    if (row.target_ns > 0 || (row.max_ratio > 0 && base > 0)) {
      bool ok = row.max_ratio > 0 ? value <= row.max_ratio * base
                                  : value <= row.target_ns;
      verdict = ok ? "yes" : "NO";
      (ok ? met : missed)++;
    }
    printf("%-36s %10.2f %9s %10s  %s\n", row.what, value, ratio, target,
           verdict);
  }
  printf("targets met: %d of %d (targets are goals, not assertions)\n", met,
         met + missed);
}

}  // namespace

int RunAndPrintTables(int argc, char **argv, const Table *tables,
                      int num_tables) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  for (const Table *t = tables; t < tables + num_tables; t++)
    PrintTable(reporter, *t);
  return 0;
}

int RunAndPrintTable(int argc, char **argv, const char *title,
                     const char *baseline, const Row *rows, int num_rows) {
  Table table = {title, baseline, rows, num_rows};
  return RunAndPrintTables(argc, argv, &table, 1);
}

}  // namespace bench
