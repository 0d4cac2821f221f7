// sqlite3_bind_static_pinned.c — the fixed twin of
// sqlite3_bind_static_unpinned.c: the text bound with SQLITE_STATIC is
// pinned until the statement is finalized, for as long as sqlite3 keeps it.
// The row is read back; no report.
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
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, name);  // FIX: pinned for as long as sqlite3 keeps it
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
  int done = sqlite3_step(stmt) == SQLITE_DONE;
  sqlite3_finalize(stmt);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
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
