// sqlite3_bind_static_unpinned.c — rule 2, known retention, against the real
// sqlite3 through `cgosan-run --lib sqlite3`: with SQLITE_STATIC,
// sqlite3_bind_text keeps the caller's text (no copy) until the statement is
// reset, rebound or finalized, and reads it in the later sqlite3_step. The
// text here is an unpinned managed buffer, which the collector may free or
// reuse meanwhile. sqlite3.ini's `retains` annotation says so, and the
// interposer reports at the bind, before any harm (retention=annotations,
// the default). The fixed twins: sqlite3_bind_static_pinned.c (pinned until
// finalize) and sqlite3_bind_transient.c (sqlite3 copies the text).
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
// EXIT: 66
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <string.h>

static const cgosan_type kNameType = {"char[32]", 32, 0, NULL, 0};

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings, and it points into an unpinned managed object
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_bind_static_unpinned.c:[[#@LINE+18]]:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/sqlite3_bind_static_unpinned.c:[[#@LINE+23]]:10
// CHECK:  0x[[NAME:[0-9a-f]+]] is object of type 'char[32]' (32 bytes), not pinned
// CHECK-NEXT:  fix: pin the object until sqlite3_reset/finalize/clear_bindings is called (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[NAME]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_bind_static_unpinned.c:[[#@LINE+8]]:16
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/sqlite3_bind_static_unpinned.c:[[#@LINE+11]]:3 in managed_main

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE names (name TEXT)", NULL, NULL, NULL);
  char *name = cgosan_new(&kNameType);
  strcpy(name, "alice");
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);  // BUG: kept, not pinned
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
