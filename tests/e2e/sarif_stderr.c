// sarif_stderr.c — log_format=sarif without log_path: the SARIF log replaces
// the text report on stderr, written whole when the process dies of the
// report (halt_on_error=1, exit 66).
//
// EXIT: 66
// ENV: CGOSAN_OPTIONS=log_format=sarif
// SARIF: %w/stderr --runs 1 --results 1
#include <cgosan/cgosan.h>

int main(void) {
  cgosan_run(NULL, NULL);
  return 0;
}
