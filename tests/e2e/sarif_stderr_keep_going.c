// sarif_stderr_keep_going.c — log_format=sarif without log_path and with
// halt_on_error=0: the process goes on after each report, and at exit
// stderr holds one SARIF log with both (exit 66, as for the text reports).
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=log_format=sarif:halt_on_error=0
// SARIF: %w/stderr --runs 1 --results 2
#include <cgosan/cgosan.h>
#include <stdio.h>

int main(void) {
  cgosan_run(NULL, NULL);
  cgosan_cgocall(NULL, NULL);
  printf("went on\n");
  return 0;
}
// STDOUT:went on
