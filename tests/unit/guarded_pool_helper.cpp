// guarded_pool_helper.cpp — a program the retention=guard tests run as a child
// (retention_guard_test.cpp), with CGOSAN_OPTIONS=retention=guard and a
// sample rate. The mode picks what it does:
//   rate      20000 allocations at one site, dropped as they come, with a
//             collection every 100: prints how many were sampled
//   sites     two sites allocating in turn, the objects of one lent to a
//             foreign call first: prints how many of each were sampled
//   exhaust   100 objects kept alive at rate 1: the pool holds 16, the rest
//             are ordinary objects, all usable; prints the counts
//   handle    a library keeps a handle to an object (not the pointer) and a
//             later call reads the object through it (silent)
//   backoff   a library keeps a sampled object on each of 4 lends and reads
//             it in a call after each: watched after lends 1, 2 and 4 (the
//             reads after them are reports), not after lend 3
//   large     objects of 64 bytes, 20000, 65000 and 65520 (the largest)
//             at rate 1, then one of 65521: prints whether each was
//             sampled, and for the first three the byte before it (its
//             slot's slack: poison)
//   off-g     at rate 1, foreign code allocates an object inside a call, and
//             a thread of its own (no M) another: both are sampled; managed
//             code takes the first over and lends it to a library that
//             keeps it and reads it later (reported)
// Each prints "done reports=N" at the end when it gets there.
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "heap/guarded_pool.h"
#include "report.h"

#define NOINLINE __attribute__((noinline))

static const cgosan_type kBytes = {"char[64]", 64, 0, nullptr, 0};

static bool Sampled(void *p) {
  return __cgosan::InGuardedPool(reinterpret_cast<uintptr_t>(p));
}

static void PrintStats() {
  __cgosan::GuardedPoolStats s = __cgosan::GetGuardedPoolStats();
  fprintf(stderr, "sampled=%llu full=%llu deferred=%llu\n",
          (unsigned long long)s.sampled, (unsigned long long)s.pool_full,
          (unsigned long long)s.deferred);
}

// --- The library ----------------------------------------------------------------
static volatile uintptr_t kept_handle;
static volatile char sink;
static void LibUse(void *) {}
static char *volatile kept;
static void LibKeep(void *frame) { kept = *static_cast<char **>(frame); }
static void LibReadKept(void *) { sink = kept[1]; }
static void LibKeepHandle(void *frame) { kept_handle = *static_cast<uintptr_t *>(frame); }
static void LibReadThroughHandle(void *) {
  sink = static_cast<char *>(cgosan_handle_value(kept_handle))[3];
}

static void *volatile made_by_lib;
static void LibAllocates(void *) { made_by_lib = cgosan_new(&kBytes); }
static void *ThreadAllocates(void *) {
  return reinterpret_cast<void *>(Sampled(cgosan_new(&kBytes)));
}

// --- The program ------------------------------------------------------------------
NOINLINE static char *SiteA() { return static_cast<char *>(cgosan_new(&kBytes)); }
NOINLINE static char *SiteB() { return static_cast<char *>(cgosan_new(&kBytes)); }
NOINLINE static void Lend(char *p) {
  cgosan_check_arg(p, nullptr, "lib_use", 1);
  cgosan_cgocall(LibUse, &p);
}

static void Rate() {
  for (int i = 0; i < 20000; i++) {
    SiteA()[0] = 1;
    if (i % 100 == 99)
      cgosan_gc();
  }
  PrintStats();
}

static volatile int lend_next = 1;
static void Sites() {
  int a = 0, b = 0;
  for (int i = 0; i < 10000; i++) {
    char *lent = SiteA();  // one site: the same stack every time
    if (lend_next) {  // volatile: no first iteration peeled off the loop
      lend_next = 0;
      Lend(lent);
    }
    a += Sampled(lent);
    b += Sampled(SiteB());
    if (i % 50 == 49)
      cgosan_gc();
  }
  fprintf(stderr, "lending site sampled=%d other site sampled=%d\n", a, b);
}

static void Exhaust() {
  static char *objs[100];
  int in_pool = 0;
  for (int i = 0; i < 100; i++) {
    objs[i] = SiteA();
    in_pool += Sampled(objs[i]);
  }
  for (int i = 0; i < 100; i++) memset(objs[i], 'x', kBytes.size);
  fprintf(stderr, "in pool=%d\n", in_pool);
  PrintStats();
}

static void Handle() {
  char *buf = SiteA();
  uintptr_t h = cgosan_handle_new(buf);
  cgosan_cgocall(LibKeepHandle, &h);
  cgosan_cgocall(LibReadThroughHandle, nullptr);
  fprintf(stderr, "sampled: %d\n", (int)Sampled(buf));
  cgosan_handle_delete(h);
}

static void Backoff() {
  char *buf = SiteA();
  for (int lend = 1; lend <= 4; lend++) {
    cgosan_check_arg(buf, nullptr, "lib_keep", 1);
    cgosan_cgocall(LibKeep, &buf);
    size_t before = __cgosan::ReportCount();
    cgosan_cgocall(LibReadKept, nullptr);
    fprintf(stderr, "lend %d: %s\n", lend,
            __cgosan::ReportCount() > before ? "reported" : "silent");
  }
}

static void Large() {
  static const cgosan_type kTypes[] = {{"char[64]", 64, 0, nullptr, 0},
                                       {"char[20000]", 20000, 0, nullptr, 0},
                                       {"char[65000]", 65000, 0, nullptr, 0},
                                       {"char[65520]", 65520, 0, nullptr, 0},
                                       {"char[65521]", 65521, 0, nullptr, 0}};
  for (const cgosan_type &t : kTypes) {
    unsigned char *p = static_cast<unsigned char *>(cgosan_new(&t));
    if (Sampled(p) && t.size < 65520)
      fprintf(stderr, "%s: sampled, slack %02x\n", t.name, p[-1]);
    else if (Sampled(p))  // it fills its slot: a guard page before it
      fprintf(stderr, "%s: sampled\n", t.name);
    else
      fprintf(stderr, "%s: not sampled\n", t.name);
  }
}

static void OffG() {
  cgosan_cgocall(LibAllocates, nullptr);
  char *made = static_cast<char *>(made_by_lib);  // managed code's now
  fprintf(stderr, "made in a call: %s\n",
          Sampled(made) ? "sampled" : "not sampled");
  pthread_t thread;
  void *sampled = nullptr;
  pthread_create(&thread, nullptr, ThreadAllocates, nullptr);
  pthread_join(thread, &sampled);
  fprintf(stderr, "made on a thread of its own: %s\n",
          sampled ? "sampled" : "not sampled");
  cgosan_check_arg(made, nullptr, "lib_keep", 1);
  cgosan_cgocall(LibKeep, &made);
  cgosan_cgocall(LibReadKept, nullptr);
}

static void Body(void *arg) {
  const char *mode = static_cast<const char *>(arg);
  if (!strcmp(mode, "rate"))
    Rate();
  else if (!strcmp(mode, "sites"))
    Sites();
  else if (!strcmp(mode, "exhaust"))
    Exhaust();
  else if (!strcmp(mode, "handle"))
    Handle();
  else if (!strcmp(mode, "backoff"))
    Backoff();
  else if (!strcmp(mode, "large"))
    Large();
  else if (!strcmp(mode, "off-g"))
    OffG();
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  cgosan_run(Body, argv[1]);
  fprintf(stderr, "done reports=%zu\n", (size_t)__cgosan::ReportCount());
  return 0;
}
