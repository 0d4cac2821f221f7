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
#include "sqlite3_names.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings, and it points into an unpinned managed object
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in insert_name {{.*}}/sqlite3_names.h:28:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_bind_static_unpinned.c:[[#@LINE+14]]:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in main {{.*}}/sqlite3_bind_static_unpinned.c:[[#@LINE+17]]:10
// CHECK:  0x[[NAME:[0-9a-f]+]] is object of type 'char[32]' (32 bytes), not pinned
// CHECK-NEXT:  fix: pin the object until sqlite3_reset/finalize/clear_bindings is called (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[NAME]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_name {{.*}}/sqlite3_names.h:17:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_bind_static_unpinned.c:[[#@LINE+6]]:16
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/sqlite3_names.h:28:3 in insert_name

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  char *name = new_name("alice");
  insert_name(db, name, SQLITE_STATIC);  // BUG: sqlite3 keeps it, not pinned
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
