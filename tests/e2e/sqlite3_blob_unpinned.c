// sqlite3_blob_unpinned.c — the design's example, against the real sqlite3
// through `cgosan-run --lib sqlite3`: an unmodified managed program stores a
// managed row struct as a blob; the row holds a managed string pointer that
// is not pinned. The interposer's sqlite3_bind_blob checks its untyped
// argument 2 (const void *: the whole object) and reports; frame #0 and the
// SUMMARY are the program's call, not the interposer. The fixed twin is
// sqlite3_blob_pinned.c.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
// EXIT: 66
#include "../../examples/sqlite3_row.h"
#include <string.h>

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
// CHECK-NEXT:argument 2 of sqlite3_bind_blob has managed pointer to unpinned managed pointer
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in store_row {{.*}}/examples/sqlite3_row.h:30:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_blob_unpinned.c:[[#@LINE+20]]:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in main {{.*}}/sqlite3_blob_unpinned.c:[[#@LINE+23]]:10
// CHECK:  object 0x[[ROW:[0-9a-f]+]] of type 'struct row' (24 bytes), field at offset 8
// CHECK-NEXT:  holds 0x[[NAME:[0-9a-f]+]], object of type 'char[32]' (32 bytes), not pinned
// CHECK-NEXT:  0x[[NAME]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_blob_unpinned.c:[[#@LINE+12]]:13
// CHECK-NEXT:  0x[[ROW]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_blob_unpinned.c:[[#@LINE+8]]:19
// CHECK-NEXT:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/examples/sqlite3_row.h:30:3 in store_row

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE rows (data BLOB)", NULL, NULL, NULL);
  struct row *r = cgosan_new(&kRowType);
  r->id = 1;
  r->name = cgosan_new(&kNameType);
  strcpy(r->name, "alice");
  store_row(db, r);  // BUG: r->name is not pinned
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
