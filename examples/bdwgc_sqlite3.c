// bdwgc_sqlite3.c — a plain C program using Boehm GC and sqlite3, no cgosan
// calls: it binds a GC_MALLOC_ATOMIC name to an INSERT with SQLITE_STATIC,
// so sqlite3 keeps the pointer (in its own malloc'd statement, which bdwgc
// never scans) and reads the text in sqlite3_step. Nothing else refers to
// the name; a collection before the step frees it, and the step inserts
// whatever bdwgc put there since. Run under `cgosan-run --heap bdwgc --lib
// sqlite3`:
//   bdwgc_sqlite3 bug    the collection that frees the name is reported,
//                        with the bind's stack, before the step
//   bdwgc_sqlite3 fixed  the name is bound with SQLITE_TRANSIENT (sqlite3
//                        copies it): no report
#include <gc/gc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static int fixed;

// In a frame of its own: when it returns, the statement holds the only
// reference to the name.
__attribute__((noinline)) static void bind_user(sqlite3_stmt *insert) {
  char *name = GC_MALLOC_ATOMIC(32);
  strcpy(name, "alice");
  if (sqlite3_bind_text(insert, 1, name, -1, fixed ? SQLITE_TRANSIENT : SQLITE_STATIC))
    fprintf(stderr, "bind failed\n");
}

int main(int argc, char **argv) {
  fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
  GC_INIT();
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE users (name TEXT)", NULL, NULL, NULL);
  sqlite3_stmt *insert;
  sqlite3_prepare_v2(db, "INSERT INTO users VALUES (?1)", -1, &insert, NULL);
  bind_user(insert);
  GC_gcollect();  // what any allocation may do
  sqlite3_step(insert);
  sqlite3_finalize(insert);
  sqlite3_stmt *select;
  sqlite3_prepare_v2(db, "SELECT name FROM users", -1, &select, NULL);
  while (sqlite3_step(select) == SQLITE_ROW)
    printf("user %s\n", (const char *)sqlite3_column_text(select, 0));
  sqlite3_finalize(select);
  sqlite3_close(db);
  return 0;
}
