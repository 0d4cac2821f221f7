// sarif_no_reports.c — a run without reports under `cgosan-run --sarif FILE`
// still writes FILE: a valid SARIF log, one run (the tool and its rules),
// no results. The exit status is the program's.
//
// RUN-UNDER: cgosan-run --sarif %t/run.sarif --
// SARIF: %t/run.sarif --text %w/stderr --runs 1 --results 0
#include <cgosan/cgosan.h>
#include <stdio.h>

static void managed(void *arg) { ++*(int *)arg; }

int main(void) {
  int ran = 0;
  cgosan_run(managed, &ran);
  printf("ran %d\n", ran);
  return 0;
}
// STDOUT:ran 1
