// fiber_stress.c — many threads crossing both ways at once, with
// collections, in a program built with ASan or TSan (the asan and tsan
// variants; rtl/fiber_switch.h tells them about each switch): run threads
// nest cgocall -> callback -> cgocall from cgosan_run, foreign threads call
// back (an extra M, a fresh G each time) and call out again. Every managed
// object is held only in an address-taken local, which ASan's
// detect_stack_use_after_return moves to a fake frame off the G stack: the
// collector must still find it. Checked: every count exact, every object
// intact after the collections, and neither tool says anything.
//
// EXIT: 0
// STDOUT:stress: 8 threads, 16000 managed runs, 16000 foreign runs, 0 errors
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define RUN_THREADS 4
#define FOREIGN_THREADS 4
#define ITERATIONS 2000
#define PATTERN 0x5a

static const cgosan_type kCell = {"struct cell", 64, 0, NULL, 0};

struct per_thread {
  int managed_runs;
  int foreign_runs;
  int errors;
};

// Managed: allocates, maybe collects, and checks the object survived.
static void managed_work(struct per_thread *p, int i) {
  unsigned char *cell = cgosan_new(&kCell);
  memset(cell, PATTERN, 64);
  unsigned char **held = &cell;  // address taken: a fake frame under ASan
  if (i % 100 == 0)
    cgosan_gc();
  for (int j = 0; j < 64; j++)
    if ((*held)[j] != PATTERN) {
      p->errors++;
      break;
    }
  p->managed_runs++;
}

static void run_callback(void *arg) {
  struct per_thread *p = arg;
  managed_work(p, p->managed_runs);
  if (cgosan_in_managed() != 1)
    p->errors++;
}

static void run_foreign(void *arg) {
  struct per_thread *p = arg;
  p->foreign_runs++;
  if (cgosan_in_managed() != 0)
    p->errors++;
  cgosan_cgocallback(run_callback, p);
}

static void run_loop(void *arg) {
  struct per_thread *p = arg;
  for (int i = 0; i < ITERATIONS; i++)
    if (cgosan_cgocall(run_foreign, p) != 0)
      p->errors++;
}

static void *run_thread(void *arg) {
  if (cgosan_run(run_loop, arg) != 0)
    ((struct per_thread *)arg)->errors++;
  return NULL;
}

static void foreign_leaf(void *arg) {
  struct per_thread *p = arg;
  p->foreign_runs++;
  if (cgosan_in_managed() != 0)
    p->errors++;
}

static void foreign_callback(void *arg) {
  struct per_thread *p = arg;
  managed_work(p, p->managed_runs);
  if (cgosan_cgocall(foreign_leaf, p) != 0)
    p->errors++;
}

static void *foreign_thread(void *arg) {
  for (int i = 0; i < ITERATIONS; i++)
    cgosan_cgocallback(foreign_callback, arg);
  return NULL;
}

int main(void) {
  struct per_thread per[RUN_THREADS + FOREIGN_THREADS];
  pthread_t threads[RUN_THREADS + FOREIGN_THREADS];
  memset(per, 0, sizeof per);
  for (int i = 0; i < RUN_THREADS + FOREIGN_THREADS; i++)
    pthread_create(&threads[i], NULL, i < RUN_THREADS ? run_thread : foreign_thread,
                   &per[i]);
  int managed = 0, foreign = 0, errors = 0;
  for (int i = 0; i < RUN_THREADS + FOREIGN_THREADS; i++) {
    pthread_join(threads[i], NULL);
    managed += per[i].managed_runs;
    foreign += per[i].foreign_runs;
    errors += per[i].errors;
  }
  printf("stress: %d threads, %d managed runs, %d foreign runs, %d errors\n",
         RUN_THREADS + FOREIGN_THREADS, managed, foreign, errors);
  return errors != 0;
}
