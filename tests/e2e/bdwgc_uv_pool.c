// bdwgc_uv_pool.c — libuv's thread pool touching Boehm GC objects, under
// `cgosan-run --heap bdwgc` with race=precise: an unmodified program (built
// with the clang pass and -cgosan-race, linking the real libgc and libuv)
// queues work whose pool-thread callback writes into GC_MALLOC'd objects
// and whose after-work callback reads them on the loop thread. libuv hands
// each completion over with a mutex and an eventfd, edges the checker sees:
// silent. Its racy twin is bdwgc_uv_pool_race.c.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race
// LIBS: -lgc -luv
// RUN-UNDER: cgosan-run --heap bdwgc --
#include <gc/gc.h>
#include <stdio.h>
#include <uv.h>

enum { kJobs = 4 };
struct job {
  uv_work_t work;  // first: the job is its work request
  long square;
};
static struct job *jobs[kJobs];  // a root bdwgc scans
static long sum;

static void compute(uv_work_t *work) {  // on a pool thread
  struct job *job = (struct job *)work;
  for (int k = 0; k < kJobs; k++)
    if (jobs[k] == job)
      job->square = (long)(k + 1) * (k + 1);
}

static void done(uv_work_t *work, int status) {  // on the loop thread
  (void)status;
  sum += ((struct job *)work)->square;
}

// CHECK-NOT:{{.}}
// STDOUT:sum 30
int main(void) {
  GC_INIT();
  uv_loop_t *loop = uv_default_loop();
  for (int i = 0; i < kJobs; i++) {
    jobs[i] = GC_MALLOC(sizeof *jobs[i]);
    uv_queue_work(loop, &jobs[i]->work, compute, done);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  printf("sum %ld\n", sum);
  uv_loop_close(loop);
  return 0;
}
