/* pass_nocallback_lib.c — foreign code for pass_nocallback.c, built without
 * the plugin: one function that keeps the nocallback promise, one that
 * breaks it by calling back into managed code. */
#include <cgosan/cgosan.h>
#include <errno.h>

int pass_nc_in_managed = -1;

long pass_nc_sum(const long *values, int n) {
  pass_nc_in_managed = cgosan_in_managed();
  long sum = 0;
  for (int i = 0; i < n; i++)
    sum += values[i];
  errno = EDOM;
  return sum;
}

void pass_nc_visit(cgosan_fn visit, void *arg) {
  cgosan_cgocallback(visit, arg);
}
