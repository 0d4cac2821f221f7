/* arrays.c — see arrays.h. Plain C; knows nothing about cgosan. */
#include "arrays.h"

#include <string.h>

int arrays_sum3(const struct link links[3]) {
  return links[0].value + links[1].value + links[2].value;
}

int arrays_sum(const struct link links[], int n) {
  int sum = 0;
  for (int i = 0; i < n; i++)
    sum += links[i].value;
  return sum;
}

int arrays_total_length(int argc, char *argv[]) {
  int total = 0;
  for (int i = 0; i < argc; i++)
    total += (int)strlen(argv[i]);
  return total;
}
