// pass_sqlite3_retained.c — rule 2's annotations through the clang pass: the
// program calls the real sqlite3 directly, compiled with
// -cgosan-foreign='sqlite3_*' and the installed sqlite3.ini
// (-cgosan-annotations), whose `retains` says sqlite3_bind_text with
// SQLITE_STATIC keeps the text until sqlite3_reset/finalize/clear_bindings.
// An unpinned managed text is reported at the bind; a pinned one unpinned
// before sqlite3_finalize is reported at the unpin, with the bind's stack;
// G-stack text, at the bind. Silent twin: pass_sqlite3_retained_fixed.c.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=sqlite3_*
// CFLAGS: -mllvm -cgosan-annotations=%prefix/share/cgosan/annotations/sqlite3.ini
// LIBS: -lsqlite3
// ENV: CGOSAN_OPTIONS=halt_on_error=0
// EXIT: 66
#include "sqlite3_names.h"

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  insert_name(db, new_name("alice"), SQLITE_STATIC);  // BUG: not pinned
  cgosan_pinner *pinner = cgosan_pinner_new();
  sqlite3_stmt *stmt = insert_pinned_name(db, pinner, "bob");
  cgosan_unpin(pinner);  // BUG: sqlite3 keeps it until finalize
  sqlite3_finalize(stmt);
  cgosan_pinner_free(pinner);
  char local[16] = "carol";
  insert_name(db, local, SQLITE_STATIC);  // BUG: sqlite3 keeps the frame
  sqlite3_close(db);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings, and it points into an unpinned managed object
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in insert_name {{.*}}/sqlite3_names.h:28:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_retained.c:21:3
// CHECK:  0x[[NAME:[0-9a-f]+]] is object of type 'char[32]' (32 bytes), not pinned
// CHECK-NEXT:  fix: pin the object until sqlite3_reset/finalize/clear_bindings is called (cgosan_pin), or pass a copy in C memory, or a handle
// CHECK-NEXT:  0x[[NAME]] was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_name {{.*}}/sqlite3_names.h:17:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_retained.c:21:19
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/sqlite3_names.h:28:3 in insert_name
// CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:unpinned while still retained: sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_retained.c:24:3
// CHECK:  0x{{[0-9a-f]+}} is object of type 'char[32]' (32 bytes), its last pin released
// CHECK-NEXT:  fix: unpin it only after sqlite3_reset/finalize/clear_bindings, or pass a copy in C memory, or a handle
// CHECK-NEXT:  retained by sqlite3_bind_text (argument 2, owner 0x{{[0-9a-f]+}}) at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in insert_pinned_name {{.*}}/sqlite3_names.h:60:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_retained.c:23:24
// CHECK:  0x{{[0-9a-f]+}} was allocated at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in new_name {{.*}}/sqlite3_names.h:17:16
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in insert_pinned_name {{.*}}/sqlite3_names.h:56:16
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/pass_sqlite3_retained.c:24:3 in managed_main
// CHECK-NEXT:==[[PID]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings, and it points into a G stack, whose frame will be reused
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in insert_name {{.*}}/sqlite3_names.h:28:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_retained.c:28:3
// CHECK:  0x{{[0-9a-f]+}} is in G {{[0-9]+}}'s stack, frame of managed_main (stack memory cannot be pinned)
// CHECK-NEXT:  fix: copy it into a managed object (cgosan_new) pinned until sqlite3_reset/finalize/clear_bindings is called, or into C memory
// CHECK-NEXT:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/sqlite3_names.h:28:3 in insert_name
// CHECK-NOT:{{.}}
