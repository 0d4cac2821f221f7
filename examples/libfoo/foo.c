/* foo.c — libfoo: see foo.h. Plain C, no knowledge of cgosan. */
#include "foo.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

static unsigned char foo_journal[4096];
static size_t foo_journal_used, foo_journal_records;

size_t foo_store(const void *record, size_t n) {
  if (n > sizeof foo_journal - foo_journal_used)
    foo_journal_used = 0;
  memcpy(foo_journal + foo_journal_used, record, n);
  foo_journal_used += n;
  return foo_journal_records++;
}

static const void *foo_cache[16];

const void *foo_lookup(const void *(*cb)(int key, void *ud), int key, void *ud) {
  const void *value = cb(key, ud);
  foo_cache[(unsigned)key % 16] = value;
  return value;
}

struct foo_registry *foo_registry_new(void) {
  return calloc(1, sizeof(struct foo_registry));
}

void foo_registry_free(struct foo_registry *registry) { free(registry); }
