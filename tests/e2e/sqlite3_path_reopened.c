// sqlite3_path_reopened.c — managed code opens a database by a path in a
// managed buffer, then opens the file itself by the same path: fopen,
// stat and unlink from managed code, after the buffer was lent to
// sqlite3_open and is watched (retention=full: its page is protected).
// The kernel reads the path; without the interceptors' hold of it, each
// call failed with EFAULT (the program could not find its own file). No
// report: managed code may use what it lent.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -lsqlite3
#include <cgosan/cgosan.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const cgosan_type kPathType = {"char[64]", 64, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  char *path = cgosan_new(&kPathType);
  snprintf(path, 64, "/tmp/cgosan-path-reopened-%d.db", (int)getpid());
  sqlite3 *db;
  sqlite3_open(path, &db);  // lends path: watched once it returns
  sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
  sqlite3_close(db);
  FILE *f = fopen(path, "rb");
  printf("fopen: %s\n", f ? "yes" : strerror(errno));
  if (f)
    fclose(f);
  struct stat st;
  printf("stat: %s\n", stat(path, &st) ? strerror(errno) : "yes");
  printf("unlink: %s\n", unlink(path) ? strerror(errno) : "yes");
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:fopen: yes
// STDOUT-NEXT:stat: yes
// STDOUT-NEXT:unlink: yes
// CHECK-NOT:{{.}}
