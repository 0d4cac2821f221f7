/* app.c — a user program of the installed cgosan: a G, a cgocall, a callback.
 * With the argument "misuse" it calls cgosan_run(NULL), which must be
 * reported (api-misuse) and end the process with exitcode 66. */
#include <cgosan/cgosan.h>
#include <stdio.h>
#include <string.h>

static void callback(void *arg) { *(int *)arg += 10; }
static void foreign(void *arg) { *(int *)arg += 1; cgosan_cgocallback(callback, arg); }
static void managed(void *arg) { cgosan_cgocall(foreign, arg); }

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "misuse") == 0)
    return cgosan_run(NULL, NULL);
  int n = 0;
  int err = cgosan_run(managed, &n);
  printf("consumer: cgosan_run=%d n=%d cgocalls=%lld\n", err, n,
         (long long)cgosan_num_cgocall());
  return err == 0 && n == 11 ? 0 : 1;
}
