// check_bench.cpp — what a pointer-passing check costs (cgosan_check_arg),
// against an empty function call measured in the same run:
//   BM_CheckArg_NotManaged     p points into foreign (malloc'd) memory
//   BM_CheckArg_PointerFree64  a managed 64-byte object whose type has no pointers
//   BM_CheckArg_Slots16_Nil    a managed 1 KiB object, 16 pointer slots, all nil
//   BM_CheckArg_Slots16_Pinned the same, every slot holding a pinned managed pointer
//   BM_CheckArg_StackRow       a 48-byte struct on the G stack, its pointer slot
//                              holding a pinned managed pointer
//   BM_CheckArgUntyped_PointerFree64
//                              the 64-byte object passed untyped (t NULL, a
//                              void *): the span alone says it holds nothing
//   BM_CheckArgUntyped_Slots16_Foreign
//                              the 1 KiB object passed untyped, its 16 slots
//                              holding foreign (malloc'd) pointers
//   BM_CheckResultUntyped_Slots16_Foreign
//                              that object, pinned, as a callback's untyped
//                              result (cgosan_check_result walks it whole)
// and, for the same four arguments, BM_CgocallArg_*: the check followed by an
// empty cgosan_cgocall from a G, as a checked call to C does it; these are the
// figures scripts/bench puts beside Go 1.19's cgo call with the same argument.
#include <benchmark/benchmark.h>
#include <cgosan/cgosan.h>
#include <cgosan/cgosan.hpp>
#include <stdlib.h>

#include "ratio_table.h"

namespace {

__attribute__((noinline)) void EmptyFn(const void *p) { asm volatile("" ::"r"(p) : "memory"); }
void (*volatile empty_fn)(const void *) = EmptyFn;
void EmptyFrameFn(void *p) { EmptyFn(p); }

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

// Checks p, then (with_call) makes the empty cgocall that passes it; a call
// that was not a real crossing (not from a G) marks the figure as an error.
void CheckLoop(benchmark::State &state, void *p, const cgosan_type *t, bool with_call) {
  if (!with_call) {
    for (auto _ : state) cgosan_check_arg(p, t, "bench", 1);
    return;
  }
  int64_t before = cgosan_num_cgocall();
  for (auto _ : state) {
    cgosan_check_arg(p, t, "bench", 1);
    cgosan_cgocall(EmptyFrameFn, p);
  }
  if (!cgosan_in_managed() ||
      cgosan_num_cgocall() - before != static_cast<int64_t>(state.iterations()))
    state.SkipWithError("the calls were not cgocalls from a G");
}

void BM_CheckArg_PointerFree64(benchmark::State &state) {
  cgosan::run([&] { CheckLoop(state, cgosan_new(&kBytes64), &kBytes64, false); });
}

void RunTable(benchmark::State &state, bool pinned_targets, bool with_call) {
  cgosan::run([&] {
    void **table = static_cast<void **>(cgosan_new(&kTable));
    cgosan_pinner *pinner = cgosan_pinner_new();
    if (pinned_targets)
      for (int i = 0; i < 16; i++) {
        table[i] = cgosan_new(&kByte);
        cgosan_pin(pinner, table[i]);
      }
    CheckLoop(state, table, &kTable, with_call);
    cgosan_unpin(pinner);
    cgosan_pinner_free(pinner);
  });
}

// struct row { int64_t id, n; char *name; int64_t a, b, c; }: 48 bytes, one
// pointer slot, at offset 16.
const uint8_t kRowSlot[1] = {0x04};
const cgosan_type kRow = {"struct row", 48, 24, kRowSlot, 0};

void BM_CheckArg_StackRow(benchmark::State &state) {
  cgosan::run([&] {
    void *row[6] = {};
    row[2] = cgosan_new(&kByte);
    cgosan_pinner *pinner = cgosan_pinner_new();
    cgosan_pin(pinner, row[2]);
    CheckLoop(state, row, &kRow, false);
    cgosan_unpin(pinner);
    cgosan_pinner_free(pinner);
  });
}

void BM_CheckArgUntyped_PointerFree64(benchmark::State &state) {
  cgosan::run([&] { CheckLoop(state, cgosan_new(&kBytes64), nullptr, false); });
}

void BM_CheckArgUntyped_Slots16_Foreign(benchmark::State &state) {
  cgosan::run([&] {
    void **table = static_cast<void **>(cgosan_new(&kTable));
    void *foreign = malloc(16 * 16);
    for (int i = 0; i < 16; i++) table[i] = static_cast<char *>(foreign) + 16 * i;
    CheckLoop(state, table, nullptr, false);
    free(foreign);
  });
}

void BM_CheckResultUntyped_Slots16_Foreign(benchmark::State &state) {
  cgosan::run([&] {
    void **table = static_cast<void **>(cgosan_new(&kTable));
    void *foreign = malloc(16 * 16);
    for (int i = 0; i < 16; i++) table[i] = static_cast<char *>(foreign) + 16 * i;
    cgosan_pinner *pinner = cgosan_pinner_new();
    cgosan_pin(pinner, table);
    for (auto _ : state) cgosan_check_result(table, nullptr, "bench");
    cgosan_unpin(pinner);
    cgosan_pinner_free(pinner);
    free(foreign);
  });
}

void BM_CheckArg_Slots16_Nil(benchmark::State &state) { RunTable(state, false, false); }
void BM_CheckArg_Slots16_Pinned(benchmark::State &state) { RunTable(state, true, false); }

void BM_CgocallArg_NotManaged(benchmark::State &state) {
  void *p = malloc(64);
  cgosan::run([&] { CheckLoop(state, p, &kBytes64, true); });
  free(p);
}

void BM_CgocallArg_PointerFree64(benchmark::State &state) {
  cgosan::run([&] { CheckLoop(state, cgosan_new(&kBytes64), &kBytes64, true); });
}

void BM_CgocallArg_Slots16_Nil(benchmark::State &state) { RunTable(state, false, true); }
void BM_CgocallArg_Slots16_Pinned(benchmark::State &state) { RunTable(state, true, true); }

BENCHMARK(BM_EmptyCall)->MinTime(0.2);
BENCHMARK(BM_CheckArg_NotManaged)->MinTime(0.2);
BENCHMARK(BM_CheckArg_PointerFree64)->MinTime(0.2);
BENCHMARK(BM_CheckArg_Slots16_Nil)->MinTime(0.2);
BENCHMARK(BM_CheckArg_Slots16_Pinned)->MinTime(0.2);
BENCHMARK(BM_CheckArg_StackRow)->MinTime(0.2);
BENCHMARK(BM_CheckArgUntyped_PointerFree64)->MinTime(0.2);
BENCHMARK(BM_CheckArgUntyped_Slots16_Foreign)->MinTime(0.2);
BENCHMARK(BM_CheckResultUntyped_Slots16_Foreign)->MinTime(0.2);
BENCHMARK(BM_CgocallArg_NotManaged)->MinTime(0.2);
BENCHMARK(BM_CgocallArg_PointerFree64)->MinTime(0.2);
BENCHMARK(BM_CgocallArg_Slots16_Nil)->MinTime(0.2);
BENCHMARK(BM_CgocallArg_Slots16_Pinned)->MinTime(0.2);

const bench::Row kRows[] = {
    {"BM_EmptyCall", "empty call (baseline)", 0},
    {"BM_CheckArg_NotManaged", "check_arg, foreign pointer", 3},
    {"BM_CheckArg_PointerFree64", "check_arg, 64 B, no pointers", 10},
    {"BM_CheckArg_Slots16_Nil", "check_arg, 1 KiB, 16 nil slots", 60},
    {"BM_CheckArg_Slots16_Pinned", "check_arg, 1 KiB, 16 pinned slots", 60},
    {"BM_CheckArg_StackRow", "check_arg, 48 B on the G stack, pinned slot", 20},
    {"BM_CheckArgUntyped_PointerFree64", "check_arg untyped, 64 B, no pointers", 3},
    {"BM_CheckArgUntyped_Slots16_Foreign", "check_arg untyped, 1 KiB, 16 foreign", 15},
    {"BM_CheckResultUntyped_Slots16_Foreign", "check_result untyped, pinned 1 KiB, 16 foreign", 0},
    {"BM_CgocallArg_NotManaged", "check + cgocall, foreign pointer", 0},
    {"BM_CgocallArg_PointerFree64", "check + cgocall, 64 B, no pointers", 0},
    {"BM_CgocallArg_Slots16_Nil", "check + cgocall, 1 KiB, 16 nil", 0},
    {"BM_CgocallArg_Slots16_Pinned", "check + cgocall, 1 KiB, 16 pinned", 0},
};

}  // namespace

int main(int argc, char **argv) {
  return bench::RunAndPrintTable(
      argc, argv,
      "cgosan_check_arg (wall time per check; ratio = / empty call, same run)",
      "BM_EmptyCall", kRows, sizeof(kRows) / sizeof(kRows[0]));
}
