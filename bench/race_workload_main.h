// race_workload_main.h — what the race workloads (race_workload.c,
// race_lock_workload.c) share: `program THREADS ROUNDS`, each thread running
// the workload's worker inside cgosan_run, the loop timed from the first
// thread's start to the last one's end.
#ifndef CGOSAN_BENCH_RACE_WORKLOAD_MAIN_H
#define CGOSAN_BENCH_RACE_WORKLOAD_MAIN_H

#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kMaxWorkloadThreads = 64 };

struct workload_args {
  int threads;
  long rounds;
};

// Parses argv (defaults: 4 threads, default_rounds); prints a usage line
// and returns 0 when it is bad.
static int ParseWorkloadArgs(int argc, char **argv, long default_rounds,
                             struct workload_args *args) {
  args->threads = argc > 1 ? atoi(argv[1]) : 4;
  args->rounds = argc > 2 ? atol(argv[2]) : default_rounds;
  if (args->threads < 1 || args->threads > kMaxWorkloadThreads || args->rounds < 1) {
    fprintf(stderr, "usage: %s THREADS(1..%d) ROUNDS\n", argv[0], kMaxWorkloadThreads);
    return 0;
  }
  return 1;
}

static cgosan_fn workload_worker;

static void *WorkloadThread(void *arg) {
  cgosan_run(workload_worker, arg);
  return NULL;
}

static long long NowNs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// Runs worker((void *)i) on threads threads, each on a G; returns the loop
// time in ns.
static long long RunWorkers(int threads, cgosan_fn worker) {
  workload_worker = worker;
  pthread_t tids[kMaxWorkloadThreads];
  long long start = NowNs();
  for (int i = 0; i < threads; i++)
    pthread_create(&tids[i], NULL, WorkloadThread, (void *)(size_t)i);
  for (int i = 0; i < threads; i++)
    pthread_join(tids[i], NULL);
  return NowNs() - start;
}

#endif  // CGOSAN_BENCH_RACE_WORKLOAD_MAIN_H
