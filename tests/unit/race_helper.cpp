// race_helper.cpp — a program the race tests (race_test.cpp) run as a child,
// since race=off|go|precise is read once at start-up. argv[1] names a case;
// it prints "obj=0x..." (the managed object the case shares) first and
// "done reports=<printed> suppressed=<suppressed>" last, both to stderr.
// Handoffs between threads are real (a std::atomic flag), so every case runs
// in one order. Whether the engine sees the handoff depends on the case: the
// edges are cgosan_release / cgosan_acquire, race=go's fence around
// cgosan_cgocall, and pthread (mutexes; thread create and join, which order
// nothing here: each racing pair runs between them).
#include <stdio.h>
#include <string.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "heap/heap.h"
#include "report.h"

#define NOINLINE __attribute__((noinline))

static const cgosan_type kRow = {"struct row", 48, 0, nullptr, 0};
static char *obj;
static char token;  // the sync object of the handoffs
static std::atomic<int> flag;

// Accesses a foreign call makes (the interposer records them so).
NOINLINE static void WriteRow(char *row) {
  cgosan_race_write_range(row + 16, 16, "sqlite3_exec");
}
NOINLINE static void ReadRow(char *row) {
  cgosan_race_read_range(row + 16, 16, "sqlite3_step");
}
// Accesses the calling code makes itself: managed on a G, foreign elsewhere.
NOINLINE static void ReadRowHere(char *row) {
  cgosan_race_read_range(row + 16, 16, nullptr);
}
NOINLINE static void WriteRowHere(char *row) {
  cgosan_race_write_range(row + 16, 16, nullptr);
}

// Whole 64-byte shadow blocks (kept once for all their words while every
// access covers them whole) against one word: blocks is 128 bytes, at a
// multiple of 128 (its size class), so two whole blocks.
static const cgosan_type kBlocks = {"char[128]", 128, 0, nullptr, 0};
static char *blocks;
NOINLINE static void WriteBlocksHere(char *) {
  cgosan_race_write_range(blocks, 128, nullptr);
}
NOINLINE static void WriteWordThenBlocksHere(char *) {
  cgosan_race_write_range(blocks + 8, 8, nullptr);  // the first block: mixed
  cgosan_race_write_range(blocks, 128, nullptr);    // and whole again
}
// More recorded accesses after the blocks' write than a thread's trace keeps
// (checkers/race.h: kTraceEvents, 1 << 13): each word of `later` is one.
static char later[8 * ((1 << 13) + 64)];
NOINLINE static void WriteBlocksThenMuchMore(char *) {
  cgosan_race_write_range(blocks, 128, nullptr);
  for (size_t i = 0; i < sizeof(later) / 8; i++)
    cgosan_race_write_range(later + 8 * i, 8, nullptr);
}
NOINLINE static void ReadWordHere(char *) {
  cgosan_race_read_range(blocks + 72, 8, nullptr);  // word 1 of the second block
}

// first() on thread A, then second() on thread B; the handoff is seen by the
// engine only when `sync`.
static void Handoff(void (*first)(char *), void (*second)(char *), bool sync) {
  std::thread a([&] {
    first(obj);
    if (sync)
      cgosan_release(&token);
    flag.store(1, std::memory_order_release);
  });
  std::thread b([&] {
    while (!flag.load(std::memory_order_acquire)) {
    }
    if (sync)
      cgosan_acquire(&token);
    second(obj);
  });
  a.join();
  b.join();
}

// C11 release sequences: A writes and release-stores token; B, which never
// acquired it, releases it too, with a store (__cgosan_race_release_store,
// what the pass calls for a release store: A leaves the sequence) or with a
// read-modify-write (cgosan_release, a join: A stays); C acquires token and
// writes. The steps between them are plain atomics the engine does not see.
extern "C" void __cgosan_race_release_store(const void *addr);
static void ReleaseSequence(bool b_stores) {
  std::atomic<int> step{0};
  std::thread a([&] {
    WriteRow(obj);
    __cgosan_race_release_store(&token);
    step.store(1);
  });
  std::thread b([&] {
    while (step.load() != 1) {
    }
    if (b_stores)
      __cgosan_race_release_store(&token);
    else
      cgosan_release(&token);
    step.store(2);
  });
  std::thread c([&] {
    while (step.load() != 2) {
    }
    cgosan_acquire(&token);
    WriteRow(obj);
  });
  a.join();
  b.join();
  c.join();
}

// Two unrelated Gs: A writes, then makes a foreign call; B makes a foreign
// call, then writes. Only racecgosync's global fence orders them.
static void Noop(void *) {}
static void GoA(void *) {
  WriteRow(obj);
  cgosan_cgocall(Noop, nullptr);
  flag.store(1, std::memory_order_release);
}
static void GoB(void *) {
  while (!flag.load(std::memory_order_acquire)) {
  }
  cgosan_cgocall(Noop, nullptr);
  WriteRow(obj);
}

// race=go's hooks put in while a G runs (hooks.h): a constructor that runs
// before the runtime's own (priority 101) starts G A, which is the first to
// use the race API, so the race checker starts, lazily, and fills its
// crossing hooks in A's middle. A then makes a cgocall, and G B, on a
// thread made before A's write, makes one after it: racecgosync's fence
// orders A's write before B's only if A's cgocall heard of the hooks.
static char *late_obj;
static std::atomic<int> late_flag;
static void LateHooksB(void *) {
  cgosan_cgocall(Noop, nullptr);
  WriteRowHere(late_obj);
}
static void LateHooksA(void *) {
  late_obj = static_cast<char *>(cgosan_new(&kRow));
  cgosan_add_root(reinterpret_cast<void **>(&late_obj));
  cgosan_race_enabled();  // the race checker starts here: its hooks go in
  std::thread b([] {
    while (!late_flag.load(std::memory_order_acquire)) {
    }
    cgosan_run(LateHooksB, nullptr);
  });
  WriteRowHere(late_obj);
  cgosan_cgocall(Noop, nullptr);
  late_flag.store(1, std::memory_order_release);
  b.join();
}
__attribute__((constructor(101))) static void BeforeTheRuntimeStarts(
    int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "hooks_filled_while_a_g_runs"))
    cgosan_run(LateHooksA, nullptr);
}

// A managed read on a G after an unsynchronised write by foreign code that
// runs inside a cgocall on another G (named by the cgocall's fn).
extern "C" NOINLINE void foreign_fill_row(void *) {
  cgosan_race_write_range(obj + 16, 16, nullptr);
}
static void FillInForeignCall(void *) {
  cgosan_cgocall(foreign_fill_row, nullptr);
  flag.store(1, std::memory_order_release);
}
static void ReadOnG(void *) {
  while (!flag.load(std::memory_order_acquire)) {
  }
  ReadRowHere(obj);
}

// A thread writes obj, which then dies and is collected; a new object at the
// same address is written by a thread that was already running (so thread
// creation orders nothing). The new object has no history: silent. Without
// the collection (obj stays the same object) the same shape races.
// Allocates (garbage) until the allocator hands out old's slot again: the
// cache fills its span first, and a full span comes back to the allocator
// once a collection frees slots in it.
static bool ReallocateAtSameAddress(char *old) {
  for (int i = 1; i <= (1 << 16); i++) {
    char *p = static_cast<char *>(cgosan_new(&kRow));
    if (p == old) {
      obj = p;
      return true;
    }
    if (i % 1024 == 0) {
      cgosan_gc();
      cgosan_gc();
    }
  }
  return false;
}
static bool WriteThenWriteAgain(bool collect_between) {
  bool reused = true;
  std::thread b([] {
    while (!flag.load(std::memory_order_acquire)) {
    }
    WriteRowHere(obj);
  });
  WriteRowHere(obj);
  if (collect_between) {
    char *old = obj;
    obj = nullptr;  // unreachable (globals are not roots; no G holds it)
    cgosan_gc();    // poisoned and quarantined
    cgosan_gc();    // free
    reused = ReallocateAtSameAddress(old);
  }
  flag.store(1, std::memory_order_release);
  b.join();
  return reused;
}

// Four Gs share obj, 10k times each, under a pthread mutex (an edge, through
// the pthread interceptors) or a spin lock of their own (no edge: the engine
// does not see plain atomics).
static std::mutex mu;
static std::atomic_flag spin = ATOMIC_FLAG_INIT;
static bool stress_sync;
NOINLINE static void StressWrite(char *row) {
  cgosan_race_write_range(row + 16, 16, "stress");
}
static void StressBody(void *) {
  for (int i = 0; i < 10000; i++) {
    if (stress_sync) {
      std::lock_guard<std::mutex> l(mu);
      StressWrite(obj);
    } else {
      while (spin.test_and_set(std::memory_order_acquire)) {
      }
      StressWrite(obj);
      spin.clear(std::memory_order_release);
    }
  }
}
static void Stress(bool sync) {
  stress_sync = sync;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; i++)
    threads.emplace_back([] { cgosan_run(StressBody, nullptr); });
  for (auto &t : threads) t.join();
}

// What pass-built code reads before each call into the race checker
// (checkers/race.h), beside the arena it should name.
extern "C" uintptr_t __cgosan_race_tracked[2];
static void PrintTrackedRange() {
  fprintf(stderr, "tracked lo=%zx size=%zx arena lo=%zx size=%zx\n",
          static_cast<size_t>(__cgosan_race_tracked[0]),
          static_cast<size_t>(__cgosan_race_tracked[1]),
          static_cast<size_t>(__cgosan::arena_start),
          static_cast<size_t>(__cgosan::kArenaSize));
}

static void SameThread(char *row) {
  WriteRow(row);
  ReadRow(row);
  WriteRow(row);
}

int main(int argc, char **argv) {
  const char *c = argc > 1 ? argv[1] : "";
  obj = static_cast<char *>(cgosan_new(&kRow));
  fprintf(stderr, "obj=%p\n", static_cast<void *>(obj));
  blocks = static_cast<char *>(cgosan_new(&kBlocks));
  fprintf(stderr, "blocks=%p\n", static_cast<void *>(blocks));
  if (reinterpret_cast<uintptr_t>(blocks) % 64) {
    fprintf(stderr, "blocks is not 64-byte aligned\n");
    return 3;
  }
  if (!strcmp(c, "write_write")) {
    Handoff(WriteRow, WriteRow, false);
  } else if (!strcmp(c, "write_write_sync")) {
    Handoff(WriteRow, WriteRow, true);
  } else if (!strcmp(c, "write_after_read")) {
    Handoff(ReadRow, WriteRow, false);
  } else if (!strcmp(c, "write_after_read_sync")) {
    Handoff(ReadRow, WriteRow, true);
  } else if (!strcmp(c, "read_read")) {
    Handoff(ReadRow, ReadRow, false);
  } else if (!strcmp(c, "same_thread")) {
    std::thread([] { SameThread(obj); }).join();
  } else if (!strcmp(c, "two_gs")) {
    std::thread a([] { cgosan_run(GoA, nullptr); });
    std::thread b([] { cgosan_run(GoB, nullptr); });
    a.join();
    b.join();
  } else if (!strcmp(c, "foreign_then_managed")) {
    std::thread a([] { cgosan_run(FillInForeignCall, nullptr); });
    std::thread b([] { cgosan_run(ReadOnG, nullptr); });
    a.join();
    b.join();
  } else if (!strcmp(c, "foreign_thread_then_read")) {
    // Off any G: both accesses are foreign code's, outside any call.
    Handoff(WriteRowHere, ReadRowHere, false);
  } else if (!strcmp(c, "write_then_reused")) {
    if (!WriteThenWriteAgain(true)) {
      fprintf(stderr, "the dead object's slot was not reused\n");
      return 3;
    }
  } else if (!strcmp(c, "write_then_write_again")) {
    WriteThenWriteAgain(false);
  } else if (!strcmp(c, "many_threads_then_race")) {
    // More threads than the engine has tids, one after another: the ended
    // ones' tids are reclaimed, so the race after them is still seen, and
    // reports number threads by serial (T301, T302), not by tid.
    for (int i = 0; i < 300; i++)
      std::thread([] { ReadRowHere(obj); }).join();
    Handoff(WriteRow, WriteRow, false);
  } else if (!strcmp(c, "blocks_then_word")) {
    Handoff(WriteBlocksHere, ReadWordHere, false);
  } else if (!strcmp(c, "blocks_then_word_sync")) {
    Handoff(WriteBlocksHere, ReadWordHere, true);
  } else if (!strcmp(c, "word_then_blocks_then_word")) {
    Handoff(WriteWordThenBlocksHere, ReadWordHere, false);
  } else if (!strcmp(c, "blocks_then_word_trace_wrapped")) {
    Handoff(WriteBlocksThenMuchMore, ReadWordHere, false);
  } else if (!strcmp(c, "release_store_by_another")) {
    ReleaseSequence(true);
  } else if (!strcmp(c, "release_rmw_by_another")) {
    ReleaseSequence(false);
  } else if (!strcmp(c, "stress")) {
    Stress(true);
  } else if (!strcmp(c, "stress_nosync")) {
    Stress(false);
  } else if (!strcmp(c, "tracked_range")) {
    PrintTrackedRange();
  } else if (!strcmp(c, "hooks_filled_while_a_g_runs")) {
    // run by BeforeTheRuntimeStarts
  } else {
    fprintf(stderr, "unknown case '%s'\n", c);
    return 2;
  }
  fprintf(stderr, "done reports=%zu suppressed=%zu\n",
          static_cast<size_t>(__cgosan::ReportCount()),
          static_cast<size_t>(__cgosan::SuppressedReportCount()));
  return 0;
}
