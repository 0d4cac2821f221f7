// pass_sqlite3_retained_fixed.c — the silent twin of pass_sqlite3_retained.c,
// built the same way: the text bound with SQLITE_STATIC is pinned until
// after sqlite3_finalize, and one bound with SQLITE_TRANSIENT (sqlite3
// copies it) needs no pin. The rows are read back. Registered at -O0 and
// -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=sqlite3_*
// CFLAGS: -mllvm -cgosan-annotations=%prefix/share/cgosan/annotations/sqlite3.ini
// LIBS: -lsqlite3
#include "sqlite3_names.h"

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  char *name = new_name("alice");
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, name);
  insert_name(db, name, SQLITE_STATIC);  // FIX: pinned until after finalize
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  insert_name(db, name, SQLITE_TRANSIENT);  // FIX: sqlite3 copies it
  printf("rows: %d\n", count_names(db));
  sqlite3_close(db);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// STDOUT:rows: 2
// CHECK-NOT:{{.}}
