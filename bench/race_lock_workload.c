// race_lock_workload.c — the lock-heavy workload race_bench runs beside
// race_workload.c (see race_bench.cpp for the tables).
//
// THREADS threads each enter managed code (cgosan_run) and loop ROUNDS
// times: update a private 256-byte managed buffer, then, under one pthread
// mutex, make 16 updates of a shared 8 KiB managed table. No foreign call:
// every access is pass-built code's, and every round is two lock operations,
// so each round starts a new epoch and nothing repeats within one. This is
// what a race checker pays per access and per edge, not per crossing.
// Race-free: no mode may report. Prints "ns=<loop time>" on stdout. Built
// like race_workload.c: plain, with the pass (-cgosan-race) and with
// -fsanitize=thread.
#include "race_workload_main.h"

enum {
  kPrivateBytes = 256,
  kTableWords = 8192 / sizeof(unsigned long),
  kUpdatesPerLock = 16,
};

static const cgosan_type kPrivateType = {"unsigned char[256]", kPrivateBytes, 0, NULL, 0};
static const cgosan_type kTableType = {"unsigned long[1024]",
                                       kTableWords * sizeof(unsigned long), 0, NULL, 0};
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long *table;  // guarded by mu; a GC root
static long rounds;

static void Worker(void *arg) {
  unsigned long seed = (unsigned long)(size_t)arg * 7919 + 1;
  unsigned char *mine = cgosan_new(&kPrivateType);  // on the G stack: a root
  for (long round = 0; round < rounds; round++) {
    for (int i = 0; i < kPrivateBytes; i++)
      mine[i] += (unsigned char)(round + i);
    pthread_mutex_lock(&mu);
    for (int i = 0; i < kUpdatesPerLock; i++) {
      seed = seed * 6364136223846793005ul + 1442695040888963407ul;
      table[(seed >> 33) % kTableWords] += mine[i];
    }
    pthread_mutex_unlock(&mu);
  }
}

int main(int argc, char **argv) {
  struct workload_args args;
  if (!ParseWorkloadArgs(argc, argv, 200000, &args))
    return 2;
  rounds = args.rounds;
  cgosan_add_root((void **)&table);
  table = cgosan_new(&kTableType);
  long long elapsed = RunWorkers(args.threads, Worker);
  unsigned long sum = 0;
  for (size_t i = 0; i < kTableWords; i++)
    sum += table[i];
  printf("ns=%lld sum=%lu\n", elapsed, sum);
  return 0;
}
