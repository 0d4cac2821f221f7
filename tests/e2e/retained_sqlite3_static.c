// retained_sqlite3_static.c — rule 2 caught at the moment of harm, against
// the real sqlite3: with SQLITE_STATIC, sqlite3_bind_text keeps the caller's
// text and reads it in the later sqlite3_step, which was not handed it. The
// interposer here is made without sqlite3.ini, so no `retains` annotation
// reports the bind: retention=full watches the unpinned managed text once
// sqlite3_bind_text returns, and sqlite3_step's read is the report. The
// silent twins: retained_sqlite3_transient.c (sqlite3 copies the text) and
// retained_sqlite3_pinned.c (pinned until finalize).
//
// PREP: cgosan-gen /usr/include/sqlite3.h --lib libsqlite3.so.0 -o %w/sqlite3-bare.so -q
// RUN-UNDER: cgosan-run --interpose %w/sqlite3-bare.so --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -lsqlite3
// EXIT: 66
#include "sqlite3_names.h"

// The read is sqlite3's own memcpy, inside sqlite3_step: the frames above
// sqlite3_step are libc's and sqlite3's internals.
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read managed memory at 0x[[NAME:[0-9a-f]+]] after the call it was lent to returned (argument 2 of sqlite3_bind_text)
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in sqlite3_step ({{.*}}libsqlite3.so{{.*}}
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in cgosan_cgocall {{.*}}
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in insert_name {{.*}}/sqlite3_names.h:29:14
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in managed_main {{.*}}/retained_sqlite3_static.c:[[#@LINE+17]]:3
// CHECK:  0x[[NAME]] is object of type 'char[32]' (32 bytes)
// CHECK-NEXT:  the access is a {{[0-9]+-byte read|read of unknown size}} by foreign code on thread [[PID]]
// CHECK-NEXT:  lent as argument 2 of sqlite3_bind_text, which returned 1 foreign call and {{[0-9]+}} ms before this access: foreign code may not keep a managed pointer after the call
// CHECK-NEXT:  fix: pin the object for as long as the library keeps it (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[NAME]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_name {{.*}}/sqlite3_names.h:17:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/retained_sqlite3_static.c:[[#@LINE+9]]:16
// CHECK-NEXT:  lent to sqlite3_bind_text at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in insert_name {{.*}}/sqlite3_names.h:28:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/retained_sqlite3_static.c:[[#@LINE+7]]:3
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}

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
