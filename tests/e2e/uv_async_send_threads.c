// uv_async_send_threads.c — libuv through `cgosan-run --lib uv` with
// race=precise: two Gs, each on its own thread, call uv_async_send on one
// managed (pinned) async handle, which libuv documents as safe from any
// thread; then the loop runs the handle's callback once (the sends are
// coalesced) and closes it. uv.ini marks uv_async_send `thread_safe`, so
// the interposer records no write of the handle per call, and the run is
// silent. uv_ip4_addr_race.c is the twin with a real race through libuv.
//
// RUN-UNDER: cgosan-run --lib uv --
// LIBS: -luv
// ENV: CGOSAN_OPTIONS=race=precise
#include <cgosan/cgosan.h>
#include <pthread.h>
#include <stdio.h>
#include <uv.h>

enum { kSendsPerG = 100 };
static const cgosan_type kAsyncType = {"uv_async_t", sizeof(uv_async_t), 0, NULL, 0};
static uv_loop_t loop;
static uv_async_t *async;  // managed, pinned while libuv holds it
static cgosan_pinner *pinner;
static int callbacks;

static void on_async(uv_async_t *handle) {
  callbacks++;
  uv_close((uv_handle_t *)handle, NULL);
}

static void start(void *arg) {
  (void)arg;
  uv_loop_init(&loop);
  pinner = cgosan_pinner_new();
  async = cgosan_new(&kAsyncType);
  cgosan_pin(pinner, async);
  uv_async_init(&loop, async, on_async);
}

static void send_many(void *arg) {
  (void)arg;
  for (int i = 0; i < kSendsPerG; i++)
    uv_async_send(async);
}

static void *run_sender(void *arg) {
  cgosan_run(send_many, arg);
  return NULL;
}

static void finish(void *arg) {
  (void)arg;
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
}

int main(void) {
  cgosan_run(start, NULL);
  pthread_t senders[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&senders[i], NULL, run_sender, NULL);
  for (int i = 0; i < 2; i++)
    pthread_join(senders[i], NULL);
  cgosan_run(finish, NULL);
  printf("%d sends, %d callback\n", 2 * kSendsPerG, callbacks);
  return 0;
}
// STDOUT:200 sends, 1 callback
// CHECK-NOT:{{.}}
