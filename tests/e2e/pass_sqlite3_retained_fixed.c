// pass_sqlite3_retained_fixed.c — the silent twin of pass_sqlite3_retained.c,
// built the same way: the text bound with SQLITE_STATIC is pinned until
// after sqlite3_finalize, and one bound with SQLITE_TRANSIENT (sqlite3
// copies it) needs no pin. The rows are read back. Registered at -O0 and
// -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=sqlite3_*
// CFLAGS: -mllvm -cgosan-annotations=%prefix/share/cgosan/annotations/sqlite3.ini
// LIBS: -lsqlite3
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static const cgosan_type kNameType = {"char[32]", 32, 0, NULL, 0};

static void insert(sqlite3 *db, const char *name, sqlite3_destructor_type how) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, name, -1, how);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
}

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE names (name TEXT)", NULL, NULL, NULL);
  char *name = cgosan_new(&kNameType);
  strcpy(name, "alice");
  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, name);
  insert(db, name, SQLITE_STATIC);  // FIX: pinned until after finalize
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  insert(db, name, SQLITE_TRANSIENT);  // FIX: sqlite3 copies it
  sqlite3_stmt *count;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM names", -1, &count, NULL);
  sqlite3_step(count);
  printf("rows: %d\n", sqlite3_column_int(count, 0));
  sqlite3_finalize(count);
  sqlite3_close(db);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// STDOUT:rows: 2
// CHECK-NOT:{{.}}
