// check_bench.cpp — what a pointer-passing check costs (cgosan_check_arg),
// against an empty function call measured in the same run:
//   BM_CheckArg_NotManaged     p points into foreign (malloc'd) memory
//   BM_CheckArg_PointerFree64  a managed 64-byte object whose type has no pointers
//   BM_CheckArg_Slots16_Nil    a managed 1 KiB object, 16 pointer slots, all nil
//   BM_CheckArg_Slots16_Pinned the same, every slot holding a pinned managed pointer
#include <benchmark/benchmark.h>
#include <cgosan/cgosan.h>
#include <cgosan/cgosan.hpp>
#include <stdlib.h>

#include "ratio_table.h"

namespace {

__attribute__((noinline)) void EmptyFn(const void *p) { asm volatile("" ::"r"(p) : "memory"); }
void (*volatile empty_fn)(const void *) = EmptyFn;

const cgosan_type kBytes64 = {"char[64]", 64, 0, nullptr, 0};
const cgosan_type kByte = {"char", 1, 0, nullptr, 0};
// struct table { void *slots[16]; char rest[896]; }: 1 KiB, 16 pointer slots.
const uint8_t kSixteenSlots[2] = {0xff, 0xff};
const cgosan_type kTable = {"struct table", 1024, 128, kSixteenSlots, 0};

void BM_EmptyCall(benchmark::State &state) {
  int x = 0;
  for (auto _ : state) empty_fn(&x);
}

void BM_CheckArg_NotManaged(benchmark::State &state) {
  void *p = malloc(64);
  for (auto _ : state) cgosan_check_arg(p, &kBytes64, "bench", 1);
  free(p);
}

void BM_CheckArg_PointerFree64(benchmark::State &state) {
  cgosan::run([&] {
    void *p = cgosan_new(&kBytes64);
    for (auto _ : state) cgosan_check_arg(p, &kBytes64, "bench", 1);
  });
}

void RunTable(benchmark::State &state, bool pinned_targets) {
  cgosan::run([&] {
    void **table = static_cast<void **>(cgosan_new(&kTable));
    cgosan_pinner *pinner = cgosan_pinner_new();
    if (pinned_targets)
      for (int i = 0; i < 16; i++) {
        table[i] = cgosan_new(&kByte);
        cgosan_pin(pinner, table[i]);
      }
    for (auto _ : state) cgosan_check_arg(table, &kTable, "bench", 1);
    cgosan_unpin(pinner);
    cgosan_pinner_free(pinner);
  });
}

void BM_CheckArg_Slots16_Nil(benchmark::State &state) { RunTable(state, false); }
void BM_CheckArg_Slots16_Pinned(benchmark::State &state) { RunTable(state, true); }

BENCHMARK(BM_EmptyCall)->MinTime(0.2);
BENCHMARK(BM_CheckArg_NotManaged)->MinTime(0.2);
BENCHMARK(BM_CheckArg_PointerFree64)->MinTime(0.2);
BENCHMARK(BM_CheckArg_Slots16_Nil)->MinTime(0.2);
BENCHMARK(BM_CheckArg_Slots16_Pinned)->MinTime(0.2);

const bench::Row kRows[] = {
    {"BM_EmptyCall", "empty call (baseline)", 0},
    {"BM_CheckArg_NotManaged", "check_arg, foreign pointer", 3},
    {"BM_CheckArg_PointerFree64", "check_arg, 64 B, no pointers", 10},
    {"BM_CheckArg_Slots16_Nil", "check_arg, 1 KiB, 16 nil slots", 60},
    {"BM_CheckArg_Slots16_Pinned", "check_arg, 1 KiB, 16 pinned slots", 60},
};

}  // namespace

int main(int argc, char **argv) {
  return bench::RunAndPrintTable(
      argc, argv,
      "cgosan_check_arg (wall time per check; ratio = / empty call, same run)",
      "BM_EmptyCall", kRows, sizeof(kRows) / sizeof(kRows[0]));
}
