/* pass_race_lib.c — see pass_race_lib.h. Plain C, built with the plugin and
 * -cgosan-race. */
#include "pass_race_lib.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct race_lib_request {
  pthread_t thread;
  enum race_lib_signal how;
  int pipe_fds[2];
  pthread_mutex_t mu;
  pthread_cond_t cond;
  int done;
  void (*work)(struct race_lib_request *req);
  void *target;
  size_t size;
  int value;
};

static void store_int(struct race_lib_request *req) {
  *(int *)req->target = req->value;
}

static void fill_bytes(struct race_lib_request *req) {
  memset(req->target, req->value, req->size);
}

static void *request_thread(void *arg) {
  struct race_lib_request *req = arg;
  req->work(req);
  if (req->how == RACE_LIB_PIPE) {
    char byte = 1;
    if (write(req->pipe_fds[1], &byte, 1) != 1)
      abort();
  } else {
    pthread_mutex_lock(&req->mu);
    req->done = 1;
    pthread_cond_signal(&req->cond);
    pthread_mutex_unlock(&req->mu);
  }
  return NULL;
}

static struct race_lib_request *start(void (*work)(struct race_lib_request *),
                                      void *target, size_t size, int value,
                                      enum race_lib_signal how) {
  struct race_lib_request *req = calloc(1, sizeof *req);
  if (!req || pipe(req->pipe_fds) != 0)
    abort();
  req->how = how;
  req->work = work;
  req->target = target;
  req->size = size;
  req->value = value;
  pthread_mutex_init(&req->mu, NULL);
  pthread_cond_init(&req->cond, NULL);
  if (pthread_create(&req->thread, NULL, request_thread, req) != 0)
    abort();
  return req;
}

struct race_lib_request *race_lib_store_async(int *slot, int value,
                                              enum race_lib_signal how) {
  return start(store_int, slot, sizeof *slot, value, how);
}

struct race_lib_request *race_lib_fill_async(char *buf, size_t n, int byte,
                                             enum race_lib_signal how) {
  return start(fill_bytes, buf, n, byte, how);
}

void race_lib_wait(struct race_lib_request *req) {
  if (req->how == RACE_LIB_PIPE) {
    char byte;
    if (read(req->pipe_fds[0], &byte, 1) != 1)
      abort();
    return;
  }
  pthread_mutex_lock(&req->mu);
  while (!req->done)
    pthread_cond_wait(&req->cond, &req->mu);
  pthread_mutex_unlock(&req->mu);
}

void race_lib_finish(struct race_lib_request *req) {
  pthread_join(req->thread, NULL);
  close(req->pipe_fds[0]);
  close(req->pipe_fds[1]);
  pthread_mutex_destroy(&req->mu);
  pthread_cond_destroy(&req->cond);
  free(req);
}

static int notified;

void race_lib_notify(void) {
  __atomic_store_n(&notified, 1, __ATOMIC_RELEASE);
}

void race_lib_wait_notified(void) {
  while (!__atomic_load_n(&notified, __ATOMIC_ACQUIRE))
    sched_yield();
}
