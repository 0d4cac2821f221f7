// sqlite3_unpin_while_retained.c — rule 2 over time, against the real sqlite3
// through `cgosan-run --lib sqlite3`: the text bound with SQLITE_STATIC is
// pinned at the bind (so the bind itself is fine), but the pin is released
// before sqlite3_finalize, while sqlite3 still keeps the text: the collector
// may free it before the statement is stepped again. sqlite3.ini's `retains`
// line ends the retention at sqlite3_reset/finalize/clear_bindings, so the
// unpin is the report, with the unpin's stack and the bind's. The fixed
// twin, sqlite3_unpin_after_finalize.c, unpins after the statement is done.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
// EXIT: 66
#include "sqlite3_names.h"

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  cgosan_pinner *pinner = cgosan_pinner_new();
  sqlite3_stmt *stmt = insert_pinned_name(db, pinner, "alice");
  cgosan_unpin(pinner);  // BUG: sqlite3 keeps the text until finalize
  sqlite3_finalize(stmt);
  cgosan_pinner_free(pinner);
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:unpinned while still retained: sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_unpin_while_retained.c:20:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/sqlite3_unpin_while_retained.c:27:10
// CHECK:  0x[[NAME:[0-9a-f]+]] is object of type 'char[32]' (32 bytes), its last pin released
// CHECK-NEXT:  fix: unpin it only after sqlite3_reset/finalize/clear_bindings, or pass a copy in C memory, or a handle
// CHECK-NEXT:  retained by sqlite3_bind_text (argument 2, owner 0x{{[0-9a-f]+}}) at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in insert_pinned_name {{.*}}/sqlite3_names.h:60:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_unpin_while_retained.c:19:24
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in main {{.*}}/sqlite3_unpin_while_retained.c:27:10
// CHECK:  0x[[NAME]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_name {{.*}}/sqlite3_names.h:17:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in insert_pinned_name {{.*}}/sqlite3_names.h:56:16
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/sqlite3_unpin_while_retained.c:20:3 in managed_main
