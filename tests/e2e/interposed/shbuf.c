/* shbuf.c — see shbuf.h. Plain C; knows nothing about cgosan. The handoff is
 * a spin on an atomic flag (release store, acquire load): ordered for the
 * hardware, invisible to cgosan's race checker, which sees only what the
 * interposer records around each call. */
#include "shbuf.h"

#include <stdio.h>
#include <stdlib.h>

static int signalled;

void shbuf_fill(struct shbuf *b, long first) {
  for (int i = 0; i < 4; i++)
    b->values[i] = first + i;
}

long shbuf_sum(const struct shbuf *b) {
  long sum = 0;
  for (int i = 0; i < 4; i++)
    sum += b->values[i];
  return sum;
}

int shbuf_format(char *out, int capacity, const struct shbuf *b) {
  return snprintf(out, (size_t)capacity, "%ld %ld %ld %ld", b->values[0], b->values[1],
                  b->values[2], b->values[3]);
}

long shbuf_parse(const char *text) {
  long sum = 0;
  char *end;
  for (long v = strtol(text, &end, 10); end != text; v = strtol(text, &end, 10)) {
    sum += v;
    text = end;
  }
  return sum;
}

void shbuf_signal(void) {
  __atomic_store_n(&signalled, 1, __ATOMIC_RELEASE);
}

void shbuf_wait(void) {
  while (!__atomic_load_n(&signalled, __ATOMIC_ACQUIRE)) {
  }
}
