// sqlite3_bind_transient.c — the other fixed twin of
// sqlite3_bind_static_unpinned.c: with SQLITE_TRANSIENT, sqlite3 copies the
// text before sqlite3_bind_text returns, so the unpinned managed buffer is
// not kept (the annotation's `when 4 == 0` does not hold). No report.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
#include "sqlite3_names.h"

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  char *name = new_name("alice");
  int inserted = insert_name(db, name, SQLITE_TRANSIENT);  // FIX: sqlite3 copies
  print_names(db, inserted);
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:inserted: yes; read back: alice
// CHECK-NOT:{{.}}
