// sqlite3_blob_pinned.c — the fixed twin of sqlite3_blob_unpinned.c: the row's
// string is pinned (cgosan_pin) for as long as sqlite3 may read it, so the
// row may be passed as a blob. The blob is read back and compared; no report.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
#include "../../examples/sqlite3_row.h"
#include <stdio.h>
#include <string.h>

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE rows (data BLOB)", NULL, NULL, NULL);
  struct row *r = cgosan_new(&kRowType);
  r->id = 1;
  r->name = cgosan_new(&kNameType);
  strcpy(r->name, "alice");
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, r->name);  // FIX: the pointer inside the blob is pinned
  store_row(db, r);

  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "SELECT data FROM rows", -1, &stmt, NULL);
  int same = 0;
  if (sqlite3_step(stmt) == SQLITE_ROW)
    same = sqlite3_column_bytes(stmt, 0) == (int)sizeof *r &&
           memcmp(sqlite3_column_blob(stmt, 0), r, sizeof *r) == 0;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  printf("blob read back: %s; calls checked: %s\n", same ? "same row" : "DIFFERENT",
         cgosan_num_cgocall() >= 10 ? "yes" : "no");
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:blob read back: same row; calls checked: yes
// CHECK-NOT:{{.}}
