/* retained_lib_thread.c — see retained_lib_thread.h. Plain C, built
 * without the plugin. */
#include "retained_lib_thread.h"

#include <pthread.h>
#include <semaphore.h>
#include <string.h>

static pthread_t worker;
static sem_t go;
static char *target;
static size_t target_len;
static uintptr_t target_handle;
static void (*target_cb)(uintptr_t);

static void *work(void *arg) {
  (void)arg;
  sem_wait(&go);
  if (target_cb)
    target_cb(target_handle);
  else
    memset(target, 'x', target_len);  /* the call that handed it over has returned */
  return NULL;
}

static void start(void) {
  sem_init(&go, 0, 0);
  pthread_create(&worker, NULL, work, NULL);
}

void lib_fill_async(char *buf, size_t n) {
  target = buf;
  target_len = n;
  start();
}

void lib_fill_async_handle(uintptr_t handle, void (*fill_cb)(uintptr_t)) {
  target_handle = handle;
  target_cb = fill_cb;
  start();
}

void lib_wait(void) {
  sem_post(&go);
  pthread_join(worker, NULL);
}
