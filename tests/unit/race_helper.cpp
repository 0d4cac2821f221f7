// race_helper.cpp — a program the race tests (race_test.cpp) run as a child,
// since race=off|go|precise is read once at start-up. argv[1] names a case;
// it prints "obj=0x..." (the managed object the case shares) first and
// "done reports=<printed> suppressed=<suppressed>" last, both to stderr.
// Handoffs between threads are real (a std::atomic flag), so every case runs
// in one order and thread numbers are fixed: the first thread to record
// anything is T0, the next T1. Whether the engine sees the handoff depends on
// the case: only cgosan_release / cgosan_acquire (or race=go's fence around
// cgosan_cgocall) are edges.
#include <stdio.h>
#include <string.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "report.h"

#define NOINLINE __attribute__((noinline))

static const cgosan_type kRow = {"struct row", 48, 0, nullptr, 0};
static char *obj;
static char token;  // the sync object of the handoffs
static std::atomic<int> flag;

NOINLINE static void WriteRow(char *row) {
  cgosan_race_write_range(row + 16, 16, "sqlite3_exec argument 0");
}
NOINLINE static void ReadRow(char *row) {
  cgosan_race_read_range(row + 16, 16, "sqlite3_step argument 1");
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

// Four Gs share obj under one mutex, 10k times each.
static std::mutex mu;
static bool stress_sync;
NOINLINE static void StressWrite(char *row) {
  cgosan_race_write_range(row + 16, 16, "stress");
}
static void StressBody(void *) {
  for (int i = 0; i < 10000; i++) {
    std::lock_guard<std::mutex> l(mu);
    if (stress_sync)
      cgosan_acquire(&mu);
    StressWrite(obj);
    if (stress_sync)
      cgosan_release(&mu);
  }
}
static void Stress(bool sync) {
  stress_sync = sync;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; i++)
    threads.emplace_back([] { cgosan_run(StressBody, nullptr); });
  for (auto &t : threads) t.join();
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
  } else if (!strcmp(c, "stress")) {
    Stress(true);
  } else if (!strcmp(c, "stress_nosync")) {
    Stress(false);
  } else {
    fprintf(stderr, "unknown case '%s'\n", c);
    return 2;
  }
  fprintf(stderr, "done reports=%zu suppressed=%zu\n",
          static_cast<size_t>(__cgosan::ReportCount()),
          static_cast<size_t>(__cgosan::SuppressedReportCount()));
  return 0;
}
