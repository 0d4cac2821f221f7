/* sqlite3_static.c — rule 2 with the real sqlite3, called directly: with
 * SQLITE_STATIC, sqlite3_bind_text does not copy the text, it keeps the
 * pointer and reads it when the statement is stepped. scripts/demo-run runs
 * it under `cgosan-run --lib sqlite3`.
 *   bug    the text is an unpinned managed buffer: the collector may free or
 *          reuse it while sqlite3 keeps it (a retained-pointer report at the
 *          bind, from sqlite3.ini's `retains` annotation)
 *   fixed  the text is pinned until the statement is finalized */
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static const cgosan_type kTextType = {"char[32]", 32, 0, NULL, 0};

static void managed_main(void *arg) {
  int fixed = *(int *)arg;
  sqlite3 *db;
  sqlite3_stmt *stmt;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE names (name TEXT)", NULL, NULL, NULL);
  char *name = cgosan_new(&kTextType);
  strcpy(name, "alice");
  cgosan_pinner *pinner = cgosan_pinner_new();
  if (fixed)
    cgosan_pin(pinner, name); /* FIX: pinned for as long as sqlite3 keeps it */
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC); /* BUG unless pinned */
  int done = sqlite3_step(stmt) == SQLITE_DONE; /* sqlite3 reads the text */
  sqlite3_finalize(stmt); /* sqlite3 lets go of it */
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  sqlite3_close(db);
  printf("inserted: %s\n", done ? "yes" : "no");
}

int main(int argc, char **argv) {
  int fixed = argc > 1 && !strcmp(argv[1], "fixed");
  return cgosan_run(managed_main, &fixed);
}
