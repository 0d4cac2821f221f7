/* objects.c — see objects.h. */
#include "objects.h"

long objects_sum(struct item **items, int n) {
  long sum = 0;
  for (int i = 0; i < n; i++)
    sum += items[i]->value;
  return sum;
}

long objects_bag_sum(const struct bag *bag) {
  long sum = 0;
  for (const struct item *it = bag->first; it; it = it->next)
    sum += it->value;
  return sum;
}

long objects_checksum(const void *p, long n) {
  long sum = 0;
  for (long i = 0; i < n; i++)
    sum += ((const unsigned char *)p)[i];
  return sum;
}

long objects_length(const char *text) {
  long n = 0;
  while (text[n])
    n++;
  return n;
}
