// bdwgc_sqlite3_static_reset.c — the silent twin of bdwgc_sqlite3_static.c:
// the statement is stepped, then reset and its bindings cleared before the
// collection, which ends sqlite3's hold on the SQLITE_STATIC name (an
// `until` call of the annotation): the name may then be freed.
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

// STDOUT:name alice
int main(void) {
  GC_INIT();
  sqlite3 *db = open_names();
  sqlite3_stmt *stmt = prepare_insert(db);
  bind_name(stmt, SQLITE_STATIC, /*keep=*/0);
  sqlite3_step(stmt);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  GC_gcollect();
  sqlite3_finalize(stmt);
  print_names(db);
  sqlite3_close(db);
  return 0;
}
