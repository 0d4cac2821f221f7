// retention_bench.cpp — what watching retention costs, each mode a child
// process (the mode is fixed at start-up), against retention=off in the
// same run: loop time and peak resident memory.
//   BM_Sqlite_*   retention_sqlite_workload: 100k rows, each row's text a
//                 new managed buffer lent to sqlite3_bind_text
//   BM_Race_*     race_workload (4 threads x 400k crc32 calls on managed
//                 buffers, race=off)
// Targets (issue 20): retention=guard at the default sample rate <= 1.05x
// time and <= 1.1x memory of retention=off on both; retention=full's figure
// reported. Printed, never asserted.
#include <benchmark/benchmark.h>

#include <string>

#include "child_workload.h"
#include "ratio_table.h"

namespace {

void Run(benchmark::State &state, const char *program,
         std::vector<std::string> args, const char *options) {
  args.insert(args.begin(), program);
  bench::ChildWorkloadBenchmark(state, args,
                                {std::string("CGOSAN_OPTIONS=") + options});
}

void BM_Sqlite_Off(benchmark::State &s) {
  Run(s, CGOSAN_SQLITE_WORKLOAD, {"100000"}, "retention=off");
}
void BM_Sqlite_Annotations(benchmark::State &s) {
  Run(s, CGOSAN_SQLITE_WORKLOAD, {"100000"}, "retention=annotations");
}
void BM_Sqlite_Guard(benchmark::State &s) {
  Run(s, CGOSAN_SQLITE_WORKLOAD, {"100000"}, "retention=guard");
}
void BM_Sqlite_Guard100(benchmark::State &s) {
  Run(s, CGOSAN_SQLITE_WORKLOAD, {"100000"},
      "retention=guard:retention_sample_rate=100");
}
void BM_Sqlite_Full(benchmark::State &s) {
  Run(s, CGOSAN_SQLITE_WORKLOAD, {"100000"}, "retention=full");
}
void BM_Race_Off(benchmark::State &s) {
  Run(s, CGOSAN_RACE_WORKLOAD, {"4", "400000"}, "retention=off");
}
void BM_Race_Guard(benchmark::State &s) {
  Run(s, CGOSAN_RACE_WORKLOAD, {"4", "400000"}, "retention=guard");
}

#define WORKLOAD_BENCHMARK(fn) \
  BENCHMARK(fn)->Iterations(5)->UseManualTime()->Unit(benchmark::kMillisecond)
WORKLOAD_BENCHMARK(BM_Sqlite_Off);
WORKLOAD_BENCHMARK(BM_Sqlite_Annotations);
WORKLOAD_BENCHMARK(BM_Sqlite_Guard);
WORKLOAD_BENCHMARK(BM_Sqlite_Guard100);
WORKLOAD_BENCHMARK(BM_Sqlite_Full);
WORKLOAD_BENCHMARK(BM_Race_Off);
WORKLOAD_BENCHMARK(BM_Race_Guard);

const bench::Row kSqliteRows[] = {
    {"BM_Sqlite_Off", "retention=off (baseline)", 0},
    {"BM_Sqlite_Annotations", "retention=annotations", 0, 1.05, true, "BM_Sqlite_Off"},
    {"BM_Sqlite_Guard", "retention=guard, default rate", 0, 1.05, true, "BM_Sqlite_Off"},
    {"BM_Sqlite_Guard100", "retention=guard, retention_sample_rate=100", 0, 0, true,
     "BM_Sqlite_Off"},
    {"BM_Sqlite_Full", "retention=full", 0, 3, true, "BM_Sqlite_Off"},
};
const bench::Row kSqliteMemoryRows[] = {
    {"BM_Sqlite_Off", "retention=off (baseline)", 0},
    {"BM_Sqlite_Guard", "retention=guard, default rate", 0, 1.1, true, "BM_Sqlite_Off"},
    {"BM_Sqlite_Full", "retention=full", 0, 0, true, "BM_Sqlite_Off"},
};
const bench::Row kRaceRows[] = {
    {"BM_Race_Off", "retention=off (baseline)", 0},
    {"BM_Race_Guard", "retention=guard, default rate", 0, 1.05, true, "BM_Race_Off"},
};
const bench::Row kRaceMemoryRows[] = {
    {"BM_Race_Off", "retention=off (baseline)", 0},
    {"BM_Race_Guard", "retention=guard, default rate", 0, 1.1, true, "BM_Race_Off"},
};
#define ROWS(rows) rows, static_cast<int>(sizeof(rows) / sizeof(rows[0]))
const bench::Table kTables[] = {
    {"retention, sqlite3 workload (100k rows, a managed text lent per row; "
     "loop time; ratio = / retention=off, same run)",
     "BM_Sqlite_Off", ROWS(kSqliteRows)},
    {"retention, sqlite3 workload, peak resident memory (KiB)", "BM_Sqlite_Off",
     ROWS(kSqliteMemoryRows), "peak_rss_kib"},
    {"retention, race_workload (4 threads x 400k crc32 of managed buffers; "
     "loop time)",
     "BM_Race_Off", ROWS(kRaceRows)},
    {"retention, race_workload, peak resident memory (KiB)", "BM_Race_Off",
     ROWS(kRaceMemoryRows), "peak_rss_kib"},
};
#undef ROWS

}  // namespace

int main(int argc, char **argv) {
  return bench::RunAndPrintTables(argc, argv, kTables,
                                  sizeof(kTables) / sizeof(kTables[0]));
}
