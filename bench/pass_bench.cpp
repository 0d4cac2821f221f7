// pass_bench.cpp — what a call through the clang pass plugin costs. This file
// is compiled with libCgosanPass.so (-cgosan-foreign=bench_foreign_*), so its
// plain calls to the tiny C functions of pass_bench_foreign.c become checked
// cgocalls; the loops annotated cgosan_foreign are left as written and give
// the comparisons. All loops run in a G (cgosan_run), as managed code does:
//   BM_DirectCall      bench_foreign_add(i, 1) called directly: the baseline;
//   BM_HandCgocall     the same call through cgosan_cgocall with a frame and a
//                      trampoline written by hand (what the pass generates);
//   BM_PassCall        the plain call, rewritten by the pass (no pointer
//                      argument: no check);
//   BM_PassCallPtrArg  bench_foreign_load(p), p a managed object without
//                      pointers: one cgosan_check_arg, then the cgocall;
//   BM_PassCallForeignPtr the same with p into foreign memory (the check is a
//                      range compare);
//   BM_DirectCrc32 / BM_PassCrc32  zlib's crc32 on a 16-byte managed buffer,
//                      called directly and through the pass (issue 5's "tiny
//                      real function").
// Each pass loop checks that every iteration was counted by
// cgosan_num_cgocall, else it reports an error instead of a figure. Two
// tables print ratios to the direct call and to the hand-written cgocall;
// targets are printed, never asserted.
#include <benchmark/benchmark.h>
#include <cgosan/cgosan.h>

#include "ratio_table.h"
#include "run_in_g.h"

extern "C" long bench_foreign_add(long a, long b);
extern "C" long bench_foreign_load(const long *p);
extern "C" unsigned long crc32(unsigned long crc, const unsigned char *buf,
                               unsigned int len);  // zlib, without zlib.h

#define NOT_MANAGED __attribute__((annotate("cgosan_foreign"), noinline))

namespace {

using bench::RunLoopInG;

// The loop made every call a cgocall, or the figure means nothing.
void ExpectCounted(benchmark::State &state, int64_t before) {
  if (cgosan_num_cgocall() - before != static_cast<int64_t>(state.iterations()))
    state.SkipWithError("calls were not routed through cgosan_cgocall");
}

NOT_MANAGED void DirectLoop(benchmark::State &state) {
  long sum = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(sum = bench_foreign_add(sum, 1));
}

struct AddFrame {
  long a, b, result;
};
NOT_MANAGED void AddTrampoline(void *frame) {
  auto *f = static_cast<AddFrame *>(frame);
  f->result = bench_foreign_add(f->a, f->b);
}
NOT_MANAGED void HandCgocallLoop(benchmark::State &state) {
  long sum = 0;
  for (auto _ : state) {
    AddFrame frame = {sum, 1, 0};
    cgosan_cgocall(AddTrampoline, &frame);
    benchmark::DoNotOptimize(sum = frame.result);
  }
}

void PassCallLoop(benchmark::State &state) {
  int64_t before = cgosan_num_cgocall();
  long sum = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(sum = bench_foreign_add(sum, 1));
  ExpectCounted(state, before);
}

const cgosan_type kLong = {"long", sizeof(long), 0, nullptr, 0};

void PassCallPtrArgLoop(benchmark::State &state) {
  auto *managed = static_cast<long *>(cgosan_new(&kLong));
  *managed = 1;
  int64_t before = cgosan_num_cgocall();
  long sum = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(sum += bench_foreign_load(managed));
  ExpectCounted(state, before);
}

long foreign_value = 1;  // a global: memory no managed heap owns

void PassCallForeignPtrLoop(benchmark::State &state) {
  int64_t before = cgosan_num_cgocall();
  long sum = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(sum += bench_foreign_load(&foreign_value));
  ExpectCounted(state, before);
}

const cgosan_type kBytes16 = {"unsigned char[16]", 16, 0, nullptr, 0};

NOT_MANAGED void DirectCrc32Loop(benchmark::State &state) {
  auto *buf = static_cast<const unsigned char *>(cgosan_new(&kBytes16));
  unsigned long crc = 0;
  for (auto _ : state) benchmark::DoNotOptimize(crc = crc32(crc, buf, 16));
}

void PassCrc32Loop(benchmark::State &state) {
  auto *buf = static_cast<const unsigned char *>(cgosan_new(&kBytes16));
  int64_t before = cgosan_num_cgocall();
  unsigned long crc = 0;
  for (auto _ : state) benchmark::DoNotOptimize(crc = crc32(crc, buf, 16));
  ExpectCounted(state, before);
}

void BM_DirectCall(benchmark::State &state) { RunLoopInG<DirectLoop>(state); }
void BM_DirectCrc32(benchmark::State &state) { RunLoopInG<DirectCrc32Loop>(state); }
void BM_PassCrc32(benchmark::State &state) { RunLoopInG<PassCrc32Loop>(state); }
void BM_HandCgocall(benchmark::State &state) { RunLoopInG<HandCgocallLoop>(state); }
void BM_PassCall(benchmark::State &state) { RunLoopInG<PassCallLoop>(state); }
void BM_PassCallPtrArg(benchmark::State &state) { RunLoopInG<PassCallPtrArgLoop>(state); }
void BM_PassCallForeignPtr(benchmark::State &state) {
  RunLoopInG<PassCallForeignPtrLoop>(state);
}

constexpr double kMinTime = 0.2;  // seconds per benchmark
BENCHMARK(BM_DirectCall)->MinTime(kMinTime);
BENCHMARK(BM_HandCgocall)->MinTime(kMinTime);
BENCHMARK(BM_PassCall)->MinTime(kMinTime);
BENCHMARK(BM_PassCallPtrArg)->MinTime(kMinTime);
BENCHMARK(BM_PassCallForeignPtr)->MinTime(kMinTime);
BENCHMARK(BM_DirectCrc32)->MinTime(kMinTime);
BENCHMARK(BM_PassCrc32)->MinTime(kMinTime);

// Issue 5's target for a call through the pass is 1.3x the direct call; the
// cgocall round trip alone is several times that, so it is printed, not met.
const bench::Row kRowsToDirect[] = {
    {"BM_DirectCall", "direct call, in a G (baseline)", 0},
    {"BM_HandCgocall", "hand-written cgosan_cgocall", 0},
    {"BM_PassCall", "through the pass, no pointer arg", 0, 1.3},
    {"BM_PassCallPtrArg", "through the pass, managed ptr arg", 0, 1.3},
    {"BM_PassCallForeignPtr", "through the pass, foreign ptr arg", 0, 1.3},
    {"BM_DirectCrc32", "crc32, 16 B, direct", 0, 0, true, "BM_DirectCrc32"},
    {"BM_PassCrc32", "crc32, 16 B, through the pass", 0, 1.3, true, "BM_DirectCrc32"},
};
const bench::Row kRowsToHand[] = {
    {"BM_HandCgocall", "hand-written cgosan_cgocall (baseline)", 0},
    {"BM_PassCall", "through the pass, no pointer arg", 0},
    {"BM_PassCallPtrArg", "through the pass, managed ptr arg", 0},
    {"BM_PassCallForeignPtr", "through the pass, foreign ptr arg", 0},
};

}  // namespace

// Two tables, each from its own run of every benchmark: ratios to the direct
// call, then to the hand-written cgocall.
int main(int argc, char **argv) {
  int status = bench::RunAndPrintTable(
      argc, argv,
      "calls through the clang pass plugin (ratio = / direct call in a G, same run)",
      "BM_DirectCall", kRowsToDirect, sizeof(kRowsToDirect) / sizeof(kRowsToDirect[0]));
  if (status != 0)
    return status;
  return bench::RunAndPrintTable(
      argc, argv,
      "calls through the clang pass plugin (ratio = / hand-written cgosan_cgocall, same run)",
      "BM_HandCgocall", kRowsToHand, sizeof(kRowsToHand) / sizeof(kRowsToHand[0]));
}
