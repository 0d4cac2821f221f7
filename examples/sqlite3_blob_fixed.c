/* sqlite3_blob_fixed.c — the fixed twin of sqlite3_blob.c: the row's string
 * is pinned (cgosan_pin, Go's runtime.Pinner) while sqlite3 may read the
 * blob, so the managed pointer inside it stays valid. Run under
 * `cgosan-run --lib sqlite3`: no report. */
#include "sqlite3_row.h"
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
  cgosan_pin(pinner, r->name); /* FIX: pinned while sqlite3 holds the blob */
  store_row(db, r);
  sqlite3_close(db);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  printf("stored 1 row\n");
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
