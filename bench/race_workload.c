// race_workload.c — the boundary-heavy workload race_bench runs under each
// race mode and build (see race_bench.cpp for the table).
//
// THREADS threads each enter managed code (cgosan_run) and loop ITERATIONS
// times: fill a 256-byte managed buffer, hand it to zlib's crc32 (a foreign
// call through the cgosan-gen interposer: pointer check, the callee's read of
// the buffer recorded, cgocall), and every 64 rounds, under one pthread
// mutex, add to a shared total and swap a buffer with the one waiting in a
// shared slot, so buffers move between threads and only the mutex orders
// their reuse. Race-free: no mode may report. Prints "ns=<loop time>" on
// stdout. Built three ways by bench/CMakeLists.txt: plain, with the cgosan
// pass (-cgosan-race: the fill's stores are recorded too), and with
// -fsanitize=thread.
#include <zlib.h>

#include "race_workload_main.h"

enum {
  kBufferBytes = 256,
  kBuffersPerThread = 8,
  kHandoffEvery = 64,
};

static const cgosan_type kBufferType = {"Bytef[256]", kBufferBytes, 0, NULL, 0};
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *waiting;  // the shared slot (guarded by mu; a GC root)
static unsigned long total;     // guarded by mu
static long iterations;

static void Fill(unsigned char *buf, long round) {
  for (int i = 0; i < kBufferBytes; i++)
    buf[i] = (unsigned char)(round + i);
}

static void Worker(void *arg) {
  (void)arg;
  unsigned char *buffers[kBuffersPerThread];  // on the G stack: roots
  for (int i = 0; i < kBuffersPerThread; i++)
    buffers[i] = cgosan_new(&kBufferType);
  uLong crc = crc32(0, Z_NULL, 0);
  for (long round = 0; round < iterations; round++) {
    unsigned char **slot = &buffers[round % kBuffersPerThread];
    Fill(*slot, round);
    crc = crc32(crc, *slot, kBufferBytes);
    if (round % kHandoffEvery == kHandoffEvery - 1) {
      pthread_mutex_lock(&mu);
      total += crc;
      unsigned char *mine = *slot;
      *slot = waiting;
      waiting = mine;
      pthread_mutex_unlock(&mu);
    }
  }
}

int main(int argc, char **argv) {
  struct workload_args args;
  if (!ParseWorkloadArgs(argc, argv, 100000, &args))
    return 2;
  iterations = args.rounds;
  cgosan_add_root((void **)&waiting);
  waiting = cgosan_new(&kBufferType);
  long long elapsed = RunWorkers(args.threads, Worker);
  printf("ns=%lld total=%lu\n", elapsed, total);
  return 0;
}
