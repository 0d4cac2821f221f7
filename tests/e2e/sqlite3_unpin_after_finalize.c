// sqlite3_unpin_after_finalize.c — the fixed twin of
// sqlite3_unpin_while_retained.c: each text bound with SQLITE_STATIC stays
// pinned until a call that ends sqlite3's hold on it (sqlite3.ini's `until`:
// sqlite3_reset, sqlite3_finalize, sqlite3_clear_bindings), made on the
// statement that keeps it; a retention by another statement does not keep
// this one's text. No report; the rows are read back.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
#include "sqlite3_names.h"

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pinner *other_pinner = cgosan_pinner_new();
  sqlite3_stmt *other = insert_pinned_name(db, other_pinner, "bob");

  sqlite3_finalize(insert_pinned_name(db, pinner, "alice"));
  cgosan_unpin(pinner);  // FIX: after finalize

  sqlite3_stmt *stmt = insert_pinned_name(db, pinner, "carol");
  sqlite3_reset(stmt);
  cgosan_unpin(pinner);  // FIX: after reset
  sqlite3_finalize(stmt);

  stmt = insert_pinned_name(db, pinner, "dave");
  sqlite3_clear_bindings(stmt);
  cgosan_unpin(pinner);  // FIX: after clear_bindings
  sqlite3_finalize(stmt);

  cgosan_pinner_free(pinner);
  sqlite3_finalize(other);  // bob, kept by `other` until now
  cgosan_unpin(other_pinner);
  cgosan_pinner_free(other_pinner);
  printf("rows: %d\n", count_names(db));
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:rows: 4
// CHECK-NOT:{{.}}
