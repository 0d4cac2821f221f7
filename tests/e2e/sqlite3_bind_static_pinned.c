// sqlite3_bind_static_pinned.c — the fixed twin of
// sqlite3_bind_static_unpinned.c: the text bound with SQLITE_STATIC is
// pinned until the statement is finalized (insert_name finalizes it), for as
// long as sqlite3 keeps it. The row is read back; no report.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
#include "sqlite3_names.h"

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  char *name = new_name("alice");
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, name);  // FIX: pinned for as long as sqlite3 keeps it
  int inserted = insert_name(db, name, SQLITE_STATIC);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  print_names(db, inserted);
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:inserted: yes; read back: alice
// CHECK-NOT:{{.}}
