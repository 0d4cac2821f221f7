/* sqlite3_blob.c — a managed program that calls the real sqlite3 directly,
 * with no cgosan calls around it: scripts/demo-run runs it under
 * `cgosan-run --lib sqlite3`, whose interposer checks every sqlite3 call.
 *
 * Its logic runs as a G and keeps its data in managed memory. It saves a
 * managed row struct as a blob; the row holds a pointer to a managed string
 * that is not pinned (BUG): the blob would carry a managed pointer into
 * sqlite3's memory, where the collector cannot see it. sqlite3_blob_fixed.c
 * pins the string first. */
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
  store_row(db, r); /* BUG: r->name is not pinned */
  sqlite3_close(db);
  printf("stored 1 row\n");
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
