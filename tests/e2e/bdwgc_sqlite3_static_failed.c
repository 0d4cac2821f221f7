// bdwgc_sqlite3_static_failed.c — a silent twin of bdwgc_sqlite3_static.c:
// the SQLITE_STATIC bind names a parameter the statement does not have, so
// sqlite3_bind_text fails (SQLITE_RANGE) and keeps nothing (the
// annotation's `if result == 0`); the name may then be freed. The check
// off a G records the retention before the call; the failed result must
// take the record back, or the collection below is a false report.
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

/* In a frame of its own: the statement would hold the only reference. */
static __attribute__((noinline)) int bind_missing_parameter(sqlite3_stmt *stmt) {
  char *name = GC_MALLOC_ATOMIC(32);
  strcpy(name, "bob");
  return sqlite3_bind_text(stmt, 5, name, -1, SQLITE_STATIC);
}

// STDOUT:bind: 25
// STDOUT:name alice
int main(void) {
  GC_INIT();
  sqlite3 *db = open_names();
  sqlite3_stmt *stmt = prepare_insert(db);
  printf("bind: %d\n", bind_missing_parameter(stmt));
  bind_name(stmt, SQLITE_TRANSIENT, /*keep=*/0);
  GC_gcollect();
  GC_gcollect();
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  print_names(db);
  sqlite3_close(db);
  return 0;
}
