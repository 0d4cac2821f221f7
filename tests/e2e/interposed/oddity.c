/* oddity.c — see oddity.h. Plain C; knows nothing about cgosan. */
#include "oddity.h"

const int oddity_const_result(int x) { return x + 1; }

int oddity_const_callback(void (*const cb)(int x, void *ud), void *ud, int x) {
  cb(x, ud);
  return x;
}

int oddity_static_array(const struct oddity_link links[static 2]) {
  return links[0].value + links[1].value;
}

int oddity_vla(int n, const int values[n]) {
  int sum = 0;
  for (int i = 0; i < n; i++)
    sum += values[i];
  return sum;
}

int oddity_renamed(int x) { return x * 2; }
