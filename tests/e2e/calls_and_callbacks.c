// calls_and_callbacks.c — the ordinary life of a managed program, no report:
//   main -> cgosan_run(managed_main)                       system stack -> G
//     -> cgosan_cgocall(foreign_fn)                        G -> system stack
//       -> cgosan_cgocallback(managed_callback)            -> the same G
//         -> cgosan_cgocall(foreign_fn) ... three levels deep
// plus a thread that foreign code creates and that calls back twice (Go's
// extra M: the thread gets an M and a fresh G for each callback, and its
// callback makes a cgocall of its own).
// Checked: each function ran where it must (foreign code on the thread's own
// stack, managed code stack=other, each callback below the cgocall
// frame it returns to), cgosan_in_managed on each side, the errno protocol of
// cgosan_cgocall, cgosan_num_cgocall, and that nothing is reported.
//
// EXIT: 0
#include <cgosan/cgosan.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define DEPTH 3

static uintptr_t main_stack_lo, main_stack_hi;  // [stack] of the main thread

static const char *where(const void *p) {
  uintptr_t a = (uintptr_t)p;
  return a >= main_stack_lo && a < main_stack_hi ? "system" : "other";
}

static void find_main_stack(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[512];
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
      main_stack_lo = lo;
      main_stack_hi = hi;
    }
  }
  if (f)
    fclose(f);
}

struct frame {
  int depth;                           // callbacks entered so far
  long sum;                            // what the managed side computed
  uintptr_t managed_sp[DEPTH + 1];     // a local of managed_main (0), callbacks
  uintptr_t foreign_sp[DEPTH + 2];     // a local of each foreign call (1..)
};

static void managed_callback(void *arg);

static void foreign_fn(void *arg) {
  struct frame *f = arg;
  volatile int local = 0;
  int level = f->depth + 1;
  f->foreign_sp[level] = (uintptr_t)&local;
  printf("foreign %d: stack=%s, in_managed=%d, errno on entry=%d\n", level,
         where((const void *)&local), cgosan_in_managed(), errno);
  if (f->depth < DEPTH)
    cgosan_cgocallback(managed_callback, f);
  printf("foreign %d: back from the callback, in_managed=%d\n", level,
         cgosan_in_managed());
  errno = 100 + level;  // cgosan_cgocall hands this back
}

static void managed_callback(void *arg) {
  struct frame *f = arg;
  volatile int local = 0;
  int level = ++f->depth;
  f->managed_sp[level] = (uintptr_t)&local;
  f->sum += level;
  printf("managed %d: stack=%s, in_managed=%d, below the parked frame=%s\n",
         level, where((const void *)&local), cgosan_in_managed(),
         f->managed_sp[level] < f->managed_sp[level - 1] &&
                 f->managed_sp[level - 1] - f->managed_sp[level] < 65536
             ? "yes"
             : "no");
  errno = EIO;  // cleared before the foreign function runs
  int err = cgosan_cgocall(foreign_fn, f);
  printf("managed %d: cgocall returned %d, errno=%d\n", level, err, errno);
}

// --- a thread of foreign code's own calls back: extra M -----------------------
static uintptr_t thread_stack_local;

static void thread_foreign(void *arg) {
  volatile int local = 0;
  printf("thread foreign: near the thread's stack=%s, in_managed=%d\n",
         (uintptr_t)&local < thread_stack_local &&
                 thread_stack_local - (uintptr_t)&local < (1 << 20)
             ? "yes"
             : "no",
         cgosan_in_managed());
  ++*(int *)arg;
}

static void thread_callback(void *arg) {
  volatile int local = 0;
  uintptr_t d = thread_stack_local > (uintptr_t)&local
                    ? thread_stack_local - (uintptr_t)&local
                    : (uintptr_t)&local - thread_stack_local;
  printf("thread callback: on a G stack, not the thread's=%s, in_managed=%d\n",
         d > (1 << 20) ? "yes" : "no", cgosan_in_managed());
  int err = cgosan_cgocall(thread_foreign, arg);
  printf("thread callback: cgocall returned %d, count=%d\n", err, *(int *)arg);
}

static void *thread_main(void *arg) {
  volatile int local = 0;
  thread_stack_local = (uintptr_t)&local;
  printf("thread: in_managed=%d before calling back\n", cgosan_in_managed());
  cgosan_cgocallback(thread_callback, arg);
  cgosan_cgocallback(thread_callback, arg);  // the thread keeps its M
  printf("thread: in_managed=%d after\n", cgosan_in_managed());
  return NULL;
}

static void foreign_spawn(void *arg) {
  pthread_t t;
  if (pthread_create(&t, NULL, thread_main, arg) != 0 ||
      pthread_join(t, NULL) != 0)
    printf("pthread failed\n");
}

// --- the managed program -------------------------------------------------------
static void managed_main(void *arg) {
  struct frame *f = arg;
  volatile int local = 0;
  f->managed_sp[0] = (uintptr_t)&local;
  printf("managed 0: stack=%s, in_managed=%d\n",
         where((const void *)&local), cgosan_in_managed());
  int64_t before = cgosan_num_cgocall();
  int err = cgosan_cgocall(foreign_fn, f);
  printf("managed 0: cgocall returned %d, errno=%d, sum=%ld, cgocalls=%lld\n",
         err, errno, f->sum, (long long)(cgosan_num_cgocall() - before));
  int count = 0;
  before = cgosan_num_cgocall();
  cgosan_cgocall(foreign_spawn, &count);
  printf("managed 0: the thread called back %d times, cgocalls=%lld\n", count,
         (long long)(cgosan_num_cgocall() - before));
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  find_main_stack();
  struct frame f = {0};
  printf("main: in_managed=%d\n", cgosan_in_managed());
  int err = cgosan_run(managed_main, &f);
  printf("main: cgosan_run returned %d, in_managed=%d\n", err,
         cgosan_in_managed());
  // Each nested foreign call ran below the previous one on the system stack.
  int ordered = 1;
  for (int i = 2; i <= DEPTH + 1; i++)
    ordered &= f.foreign_sp[i] < f.foreign_sp[i - 1];
  printf("main: nested foreign frames in order=%s\n", ordered ? "yes" : "no");
  return 0;
}
// STDOUT:main: in_managed=0
// STDOUT-NEXT:managed 0: stack=other, in_managed=1
// STDOUT-NEXT:foreign 1: stack=system, in_managed=0, errno on entry=0
// STDOUT-NEXT:managed 1: stack=other, in_managed=1, below the parked frame=yes
// STDOUT-NEXT:foreign 2: stack=system, in_managed=0, errno on entry=0
// STDOUT-NEXT:managed 2: stack=other, in_managed=1, below the parked frame=yes
// STDOUT-NEXT:foreign 3: stack=system, in_managed=0, errno on entry=0
// STDOUT-NEXT:managed 3: stack=other, in_managed=1, below the parked frame=yes
// STDOUT-NEXT:foreign 4: stack=system, in_managed=0, errno on entry=0
// STDOUT-NEXT:foreign 4: back from the callback, in_managed=0
// STDOUT-NEXT:managed 3: cgocall returned 104, errno=104
// STDOUT-NEXT:foreign 3: back from the callback, in_managed=0
// STDOUT-NEXT:managed 2: cgocall returned 103, errno=103
// STDOUT-NEXT:foreign 2: back from the callback, in_managed=0
// STDOUT-NEXT:managed 1: cgocall returned 102, errno=102
// STDOUT-NEXT:foreign 1: back from the callback, in_managed=0
// STDOUT-NEXT:managed 0: cgocall returned 101, errno=101, sum=6, cgocalls=4
// STDOUT-NEXT:thread: in_managed=0 before calling back
// STDOUT-NEXT:thread callback: on a G stack, not the thread's=yes, in_managed=1
// STDOUT-NEXT:thread foreign: near the thread's stack=yes, in_managed=0
// STDOUT-NEXT:thread callback: cgocall returned 0, count=1
// STDOUT-NEXT:thread callback: on a G stack, not the thread's=yes, in_managed=1
// STDOUT-NEXT:thread foreign: near the thread's stack=yes, in_managed=0
// STDOUT-NEXT:thread callback: cgocall returned 0, count=2
// STDOUT-NEXT:thread: in_managed=0 after
// STDOUT-NEXT:managed 0: the thread called back 2 times, cgocalls=3
// STDOUT-NEXT:main: cgosan_run returned 0, in_managed=0
// STDOUT-NEXT:main: nested foreign frames in order=yes
// STDOUT-NOT:{{.}}

// Nothing on stderr: no report, no warning.
// CHECK-NOT:ERROR
// CHECK-NOT:{{.}}
