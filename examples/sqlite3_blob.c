/* sqlite3_blob.c — a managed program that calls the real sqlite3 directly,
 * with no cgosan calls around it: scripts/demo-run runs it under
 * `cgosan-run --lib sqlite3`, whose interposer checks every sqlite3 call.
 *
 * Its logic runs as a G and keeps its data in managed memory. It saves a
 * managed row struct as a blob; the row holds a pointer to a managed string
 * that is not pinned (BUG): the blob would carry a managed pointer into
 * sqlite3's memory, where the collector cannot see it. sqlite3_blob_fixed.c
 * pins the string first. */
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct row {
  int64_t id;
  char *name; /* managed */
  double score;
};
static const uint8_t kRowMask[] = {0x02}; /* word 1 (name) is a pointer */
static const cgosan_type kRowType = {"struct row", sizeof(struct row), 16, kRowMask, 0};
static const cgosan_type kNameType = {"char[32]", 32, 0, NULL, 0};

static void store_row(sqlite3 *db, const struct row *r) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO rows VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_blob(stmt, 1, r, sizeof *r, SQLITE_TRANSIENT);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
}

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
