/* cbreg.c — see cbreg.h. Plain C; knows nothing about cgosan. */
#include "cbreg.h"

#include <stddef.h>

enum { kMaxCallbacks = 16 };
static struct { void (*cb)(void *); void *ud; } registered[kMaxCallbacks];
static int count;

int cbreg_add(void (*cb)(void *ud), void *ud) {
  if (count < kMaxCallbacks) {
    registered[count].cb = cb;
    registered[count].ud = ud;
    count++;
  }
  return count;
}

int cbreg_remove(void (*cb)(void *ud)) {
  for (int i = 0; i < count; i++) {
    if (registered[i].cb == cb) {
      registered[i] = registered[--count];
      return 1;
    }
  }
  return 0;
}

int cbreg_fire(void) {
  for (int i = 0; i < count; i++)
    registered[i].cb(registered[i].ud);
  return count;
}

void *cbreg_produce(void *(*make)(void *ud), void *ud) {
  return make(ud);
}

long cbreg_call_generic(void (*fn)(void), long x) {
  return ((long (*)(long))fn)(x);
}
