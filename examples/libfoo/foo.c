/* foo.c — libfoo: see foo.h. Plain C, no knowledge of cgosan. */
#include "foo.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

void foo_each(const int *items, size_t n, void (*cb)(int item, void *ud), void *ud) {
  for (size_t i = 0; i < n; i++)
    cb(items[i], ud);
}

struct foo_async_job {
  void (*cb)(void *ud);
  void *ud;
};

static void *foo_async_thread(void *arg) {
  struct foo_async_job *job = arg;
  job->cb(job->ud);
  return NULL;
}

int foo_async(void (*cb)(void *ud), void *ud) {
  struct foo_async_job job = {cb, ud};
  pthread_t thread;
  int err = pthread_create(&thread, NULL, foo_async_thread, &job);
  if (err != 0)
    return err;
  return pthread_join(thread, NULL);
}

long foo_parse(const char *text) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (end == text || *end != '\0') {
    errno = EINVAL;
    return 0;
  }
  return value;
}
