// heap_bench.cpp — the managed heap against glibc malloc, in one run.
//
//   BM_MallocFree/N     malloc(N) + free(N): the baseline (a malloc'd program
//                       frees what it drops; a managed one lets the collector)
//   BM_CallocFree/N     calloc(1, N) + free: glibc doing cgosan_new's job,
//                       handing out zeroed memory
//   BM_CgosanNew/N      cgosan_new of an N-byte pointer-free type inside a G,
//                       collections included (garbage is left to the collector)
//   BM_CgosanNewArray/n cgosan_new_array of n chars, collections included
//   BM_MallocFreeTwoSites / BM_CgosanNewTwoSites
//                       a 64-byte and a 16-byte block from two call sites in
//                       turn (a node and its payload), per pair
//   BM_MallocBatch/n    glibc's bench-malloc-simple: 64-byte blocks in batches
//                       of n, each batch freed whole (time per block)
//   BM_CgosanBatch/n    the same batches of cgosan_new, each kept reachable
//                       until the next, then left to the collector
//   BM_MallocFreeLarge / BM_CgosanNewLarge
//                       a 1 MiB buffer allocated, written whole and dropped
//                       (freed, or left to the collector), as I/O code does
//   BM_CgosanSparseLarge a 64 MiB buffer with one page written, dropped and
//                       made again: counters, the resident MB it added
//   BM_GcPause_1M       cgosan_gc() with a live heap of 1M linked 104-byte
//                       objects (~100 MB); counters: live MB, the resident
//                       memory the heap added divided by the live bytes
//                       (target: <= 1.3x), and what stays resident six
//                       collections after the list dies, per byte it held
// Every allocation records its site's stack: malloc_context_size frames,
// default 16. scripts/bench runs the allocation rows again with
// CGOSAN_OPTIONS=malloc_context_size=1, call-site stacks, the cheapest kept.
#include <algorithm>

#include <benchmark/benchmark.h>
#include <cgosan/cgosan.h>
#include <cgosan/cgosan.hpp>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ratio_table.h"

namespace {

const cgosan_type kBytes16 = {"char[16]", 16, 0, nullptr, 0};
const cgosan_type kBytes64 = {"char[64]", 64, 0, nullptr, 0};
const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
const uint8_t kFirstWord[1] = {1};
struct Node {
  Node *next;
  char payload[96];
};
const cgosan_type kNode = {"struct node", sizeof(Node), 8, kFirstWord, 0};

void BM_MallocFree(benchmark::State &state) {
  size_t n = state.range(0);
  for (auto _ : state) {
    void *p = malloc(n);
    benchmark::DoNotOptimize(p);
    free(p);
  }
}

void BM_CallocFree(benchmark::State &state) {
  size_t n = state.range(0);
  for (auto _ : state) {
    void *p = calloc(1, n);
    benchmark::DoNotOptimize(p);
    free(p);
  }
}

void BM_CgosanNew(benchmark::State &state) {
  const cgosan_type *t = state.range(0) == 16 ? &kBytes16 : &kBytes64;
  cgosan::run([&] {
    for (auto _ : state) benchmark::DoNotOptimize(cgosan_new(t));
  });
}

// A byte array, as code that copies a C string does: the array entry point
// checks the element count first.
void BM_CgosanNewArray(benchmark::State &state) {
  size_t n = state.range(0);
  cgosan::run([&] {
    for (auto _ : state) benchmark::DoNotOptimize(cgosan_new_array(&kByte, n));
  });
}

// Two call sites in turn, as code that allocates a node and then its
// payload does: a 64-byte and a 16-byte block each iteration.
void BM_MallocFreeTwoSites(benchmark::State &state) {
  for (auto _ : state) {
    void *node = malloc(64);
    benchmark::DoNotOptimize(node);
    void *payload = malloc(16);
    benchmark::DoNotOptimize(payload);
    free(payload);
    free(node);
  }
}

void BM_CgosanNewTwoSites(benchmark::State &state) {
  cgosan::run([&] {
    for (auto _ : state) {
      benchmark::DoNotOptimize(cgosan_new(&kBytes64));
      benchmark::DoNotOptimize(cgosan_new(&kBytes16));
    }
  });
}

// glibc's own malloc benchmark (benchtests/bench-malloc-simple.c): blocks
// are allocated in batches of n, and each batch is freed whole, so all but
// the 7 the thread cache holds come from glibc's bins. Time per block, its
// share of the frees included.
constexpr int kMaxBatch = 1600;

void BM_MallocBatch(benchmark::State &state) {
  int n = state.range(0), i = 0;
  void *blocks[kMaxBatch];
  for (auto _ : state) {
    blocks[i] = malloc(64);
    benchmark::DoNotOptimize(blocks[i]);
    if (++i == n) {
      for (int k = 0; k < n; k++) free(blocks[k]);
      i = 0;
    }
  }
  for (int k = 0; k < i; k++) free(blocks[k]);
}

// The same on the managed heap: each batch stays reachable (from the G's
// stack) until the next one overwrites it, and is left to the collector.
void BM_CgosanBatch(benchmark::State &state) {
  int n = state.range(0);
  cgosan::run([&] {
    void *blocks[kMaxBatch];
    int i = 0;
    for (auto _ : state) {
      blocks[i] = cgosan_new(&kBytes64);
      benchmark::DoNotOptimize(blocks[i]);
      if (++i == n)
        i = 0;
    }
  });
}

constexpr size_t kLargeBuffer = 1 << 20;

void BM_MallocFreeLarge(benchmark::State &state) {
  for (auto _ : state) {
    void *p = malloc(kLargeBuffer);
    memset(p, 1, kLargeBuffer);
    benchmark::DoNotOptimize(p);
    free(p);
  }
}

void BM_CgosanNewLarge(benchmark::State &state) {
  cgosan::run([&] {
    for (auto _ : state) {
      void *p = cgosan_new_array(&kByte, kLargeBuffer);
      memset(p, 1, kLargeBuffer);
      benchmark::DoNotOptimize(p);
    }
  });
}

long ResidentBytes() {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f)
    return 0;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
    resident = 0;
  fclose(f);
  return resident * sysconf(_SC_PAGESIZE);
}

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// A 64 MiB buffer of which the program writes one page, dropped, collected,
// and made again on the same pages: how much of it becomes resident on the
// way (counters, MB per buffer, the most seen). The sweep poisons and the
// reuse zeroes only pages that are resident; a memset of the whole object
// made all 64 MB resident, twice.
constexpr size_t kSparseBuffer = 64 << 20;

void BM_CgosanSparseLarge(benchmark::State &state) {
  cgosan_gc();
  long before = ResidentBytes(), most_dead = 0, most_reused = 0;
  for (auto _ : state) {
    cgosan::run([] {
      auto *p = static_cast<char *>(cgosan_new_array(&kByte, kSparseBuffer));
      p[0] = 1;
    });
    cgosan_gc();  // dead: poisoned, quarantined
    most_dead = std::max(most_dead, ResidentBytes() - before);
    cgosan_gc();  // freed: a free run, made again below
    cgosan::run([&] {
      auto *p = static_cast<char *>(cgosan_new_array(&kByte, kSparseBuffer));
      p[0] = 1;
      most_reused = std::max(most_reused, ResidentBytes() - before);
    });
    cgosan_gc();
    cgosan_gc();
  }
  state.counters["rss_MB_dead"] = double(most_dead) / (1 << 20);
  state.counters["rss_MB_reused"] = double(most_reused) / (1 << 20);
}

Node *live_list;  // a root: the whole list stays alive

void BM_GcPause_1M(benchmark::State &state) {
  constexpr long kObjects = 1000000;
  cgosan_gc();
  long before = ResidentBytes();
  cgosan_add_root(reinterpret_cast<void **>(&live_list));
  cgosan::run([] {
    for (long i = 0; i < kObjects; i++) {
      Node *n = static_cast<Node *>(cgosan_new(&kNode));
      n->next = live_list;
      live_list = n;
    }
  });
  cgosan_gc();
  double live = double(kObjects) * sizeof(Node);
  double added = double(ResidentBytes() - before);
  for (auto _ : state) {
    double t0 = Now();
    cgosan_gc();
    state.SetIterationTime(Now() - t0);
  }
  state.counters["live_MB"] = live / (1 << 20);
  state.counters["rss_per_live_byte"] = added / live;
  // The list dies: one collection frees it into quarantine, the next ends
  // the quarantine, and its spans, empty from then on, go back to the OS
  // after gc_release_after (4 by default) in a row.
  cgosan_remove_root(reinterpret_cast<void **>(&live_list));
  live_list = nullptr;
  for (int i = 0; i < 6; i++) cgosan_gc();
  state.counters["rss_kept_per_dead_byte"] = double(ResidentBytes() - before) / live;
}

BENCHMARK(BM_MallocFree)->Arg(16)->Arg(64)->MinTime(0.2);
BENCHMARK(BM_CallocFree)->Arg(64)->MinTime(0.2);
BENCHMARK(BM_CgosanNew)->Arg(16)->Arg(64)->MinTime(0.2);
BENCHMARK(BM_CgosanNewArray)->Arg(64)->MinTime(0.2);
BENCHMARK(BM_MallocFreeTwoSites)->MinTime(0.2);
BENCHMARK(BM_CgosanNewTwoSites)->MinTime(0.2);
BENCHMARK(BM_MallocBatch)->Arg(25)->Arg(100)->Arg(400)->Arg(kMaxBatch)->MinTime(0.2);
BENCHMARK(BM_CgosanBatch)->Arg(25)->Arg(100)->Arg(400)->Arg(kMaxBatch)->MinTime(0.2);
BENCHMARK(BM_MallocFreeLarge)->MinTime(0.2);
BENCHMARK(BM_CgosanNewLarge)->MinTime(0.2);
BENCHMARK(BM_CgosanSparseLarge)->Iterations(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcPause_1M)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

const bench::Row kRows[] = {
    {"BM_MallocFree/64", "malloc + free, 64 B (baseline)", 0},
    {"BM_MallocFree/16", "malloc + free, 16 B", 0},
    {"BM_CgosanNew/64", "cgosan_new, 64 B, GC included", 0, 1.0},
    {"BM_CallocFree/64", "calloc + free, 64 B (zeroed)", 0},
    {"BM_CgosanNew/64", "cgosan_new, 64 B, vs calloc + free", 0, 0, true,
     "BM_CallocFree/64"},
    {"BM_CgosanNew/16", "cgosan_new, 16 B, GC included", 0, 1.0, true, "BM_MallocFree/16"},
    {"BM_CgosanNewArray/64", "cgosan_new_array, 64 chars", 0, 1.0},
    {"BM_MallocFreeTwoSites", "malloc + free, 64 B + 16 B", 0},
    {"BM_CgosanNewTwoSites", "cgosan_new, 64 B + 16 B, two sites", 0, 1.0, true,
     "BM_MallocFreeTwoSites"},
    {"BM_MallocBatch/25", "malloc, batches of 25, 64 B", 0},
    {"BM_CgosanBatch/25", "cgosan_new, batches of 25", 0, 1.0, true, "BM_MallocBatch/25"},
    {"BM_MallocBatch/100", "malloc, batches of 100, 64 B", 0},
    {"BM_CgosanBatch/100", "cgosan_new, batches of 100", 0, 1.0, true, "BM_MallocBatch/100"},
    {"BM_MallocBatch/400", "malloc, batches of 400, 64 B", 0},
    {"BM_CgosanBatch/400", "cgosan_new, batches of 400", 0, 1.0, true, "BM_MallocBatch/400"},
    {"BM_MallocBatch/1600", "malloc, batches of 1600, 64 B", 0},
    {"BM_CgosanBatch/1600", "cgosan_new, batches of 1600", 0, 1.0, true, "BM_MallocBatch/1600"},
    {"BM_MallocFreeLarge", "malloc + write + free, 1 MiB", 0, 0, false},
    {"BM_CgosanNewLarge", "cgosan_new_array + write, 1 MiB", 0, 0, true,
     "BM_MallocFreeLarge"},
    {"BM_CgosanSparseLarge", "sparse 64 MiB: dropped, made again", 0, 0, false},
    {"BM_GcPause_1M", "GC pause, 1M objects / 100 MB live", 0, 0, false},
};

}  // namespace

int main(int argc, char **argv) {
  // The options matter: malloc_context_size sets what each allocation site
  // costs (scripts/bench runs this table with 16 frames and with 1).
  const char *options = getenv("CGOSAN_OPTIONS");
  char title[512];
  snprintf(title, sizeof(title),
           "cgosan heap, CGOSAN_OPTIONS=%s (wall time per operation; ratio = / "
           "malloc+free of 64 B, same run; GC counters are in the benchmark "
           "output above)",
           options && *options ? options : "(unset)");
  return bench::RunAndPrintTable(argc, argv, title, "BM_MallocFree/64", kRows,
                                 sizeof(kRows) / sizeof(kRows[0]));
}
