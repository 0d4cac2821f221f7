// pass_race_uv.c — an event loop under race=precise: libuv (the system's,
// not built with the pass) runs this program's work on its thread pool and
// its callbacks on the loop thread. The program, built with the pass and
// -cgosan-race, hands libuv pinned managed memory:
// - four uv_queue_work jobs each store a square into their slot on a pool
//   thread; the after-work callbacks read the slots on the loop thread;
// - then, on a loop of its own, a thread of the program's (uv_thread_create)
//   stores a result and wakes the loop with uv_async_send; the async
//   callback reads it.
// libuv hands completions over with its own atomics, a mutex, and an
// eventfd that the loop watches with epoll and reads. The mutex and the
// eventfd are edges the checker sees (pthread and fd interceptors); for the
// async handoff the eventfd is the only one. The second loop has no other
// sender: on a loop that is also busy with other async handles, libuv can
// run an async callback off its atomic `pending` flag alone, after reading
// the eventfd for another handle's wakeup, and that ordering is invisible
// (libuv is not built with the pass; see the README). Silent.
//
// ENV: CGOSAN_OPTIONS=race=precise
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-race -mllvm -cgosan-foreign=uv_*
// LIBS: -luv
// RUN-UNDER: cgosan-run --
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <uv.h>

enum { kJobs = 4 };
static const cgosan_type kInt = {"int", sizeof(int), 0, NULL, 0};

static int *results;  // managed: kJobs squares, then the async result
static uv_work_t jobs[kJobs];
static uv_loop_t async_loop;
static uv_async_t wakeup;
static int sum;

static void square(uv_work_t *job) {  // on a pool thread
  int i = (int)(job - jobs);
  results[i] = (i + 1) * (i + 1);
}

static void notify(void *arg) {  // on the program's own thread
  (void)arg;
  results[kJobs] = 7;
  uv_async_send(&wakeup);
}

static void square_done(uv_work_t *job, int status) {  // on the loop thread
  (void)status;
  sum += results[job - jobs];
}

static void woken(uv_async_t *async) {  // on the loop thread
  printf("async %d\n", results[kJobs]);
  uv_close((uv_handle_t *)async, NULL);
}

static void managed_main(void *arg) {
  (void)arg;
  results = cgosan_new_array(&kInt, kJobs + 1);
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, results);
  uv_loop_t *loop = uv_default_loop();
  for (int i = 0; i < kJobs; i++)
    uv_queue_work(loop, &jobs[i], square, square_done);
  uv_run(loop, UV_RUN_DEFAULT);
  printf("sum %d\n", sum);

  uv_loop_init(&async_loop);
  uv_async_init(&async_loop, &wakeup, woken);
  uv_thread_t notifier;
  uv_thread_create(&notifier, notify, NULL);
  uv_run(&async_loop, UV_RUN_DEFAULT);
  uv_thread_join(&notifier);
  uv_loop_close(&async_loop);
  uv_loop_close(loop);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// STDOUT:sum 30
// STDOUT-NEXT:async 7
// CHECK-NOT:{{.}}
