// sqlite3_bind_transient.c — the other fixed twin of
// sqlite3_bind_static_unpinned.c: with SQLITE_TRANSIENT, sqlite3 copies the
// text before sqlite3_bind_text returns, so the unpinned managed buffer is
// not kept (the annotation's `when 4 == 0` does not hold). No report.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static const cgosan_type kNameType = {"char[32]", 32, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE names (name TEXT)", NULL, NULL, NULL);
  char *name = cgosan_new(&kNameType);
  strcpy(name, "alice");
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);  // FIX: sqlite3 copies
  int done = sqlite3_step(stmt) == SQLITE_DONE;
  sqlite3_finalize(stmt);
  sqlite3_prepare_v2(db, "SELECT name FROM names", -1, &stmt, NULL);
  if (sqlite3_step(stmt) == SQLITE_ROW)
    printf("inserted: %s; read back: %s\n", done ? "yes" : "no",
           (const char *)sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// STDOUT:inserted: yes; read back: alice
// CHECK-NOT:{{.}}
