// sarif_merge.c — `cgosan-run --sarif FILE` collects the SARIF logs of every
// process of a run into FILE: this program (halt_on_error=0) makes a report
// a suppression silences, one it does not, then a forked child and a
// spawned one (itself, with "child") make one each. FILE holds a run per
// process: the parent's with two results (the suppressed one with its
// suppression entry), each child's with its one (the forked child's log
// starts afresh, without the parent's results). Each result matches the
// text report cgosan-run copies to stderr, and its location is relative, as
// strip_path_prefix makes the text's. The exit status is the program's (66:
// it reported).
//
// EXIT: 66
// PREP: echo 'api-misuse:suppressed_site' >%t/supp
// ENV: CGOSAN_OPTIONS=halt_on_error=0:suppressions=%t/supp:print_suppressions=0:strip_path_prefix=tests/
// RUN-UNDER: cgosan-run --sarif %t/run.sarif --
// SARIF: %t/run.sarif --text %w/stderr --runs 3 --results 4 --suppressed 1 --uri-prefix e2e/sarif_merge.c
#include <cgosan/cgosan.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

__attribute__((noinline)) static void suppressed_site(void) { cgosan_run(NULL, NULL); }
__attribute__((noinline)) static void reported_site(void) { cgosan_cgocall(NULL, NULL); }

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "child")) {
    reported_site();
    return 0;
  }
  suppressed_site();
  reported_site();
  pid_t child = fork();
  if (child == 0) {
    reported_site();
    exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  printf("forked child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  char *child_argv[] = {argv[0], "child", NULL};
  if (posix_spawn(&child, argv[0], NULL, NULL, child_argv, environ) != 0)
    return 1;
  waitpid(child, &status, 0);
  printf("spawned child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
// STDOUT:forked child exited with 66
// STDOUT-NEXT:spawned child exited with 66
