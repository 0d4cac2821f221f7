// sqlite3_bind_static_stack.c — G stacks are managed memory, and lending one
// to a call that keeps it is rule 2 broken at the call: text on the G stack
// bound with SQLITE_STATIC stays with sqlite3 after sqlite3_bind_text
// returns, and stack memory cannot be pinned; its frame will be reused
// while the statement still points there.
// The fixes: SQLITE_TRANSIENT (sqlite3 copies), or a pinned managed copy
// (sqlite3_bind_static_pinned.c).
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
// EXIT: 66
#include "sqlite3_names.h"

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db = open_names();
  char name[16] = "alice";
  int inserted = insert_name(db, name, SQLITE_TRANSIENT);  // FIX: a copy
  insert_name(db, name, SQLITE_STATIC);  // BUG: the library keeps the frame
  print_names(db, inserted);
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings, and it points into a G stack, whose frame will be reused
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in insert_name {{.*}}/sqlite3_names.h:28:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/sqlite3_bind_static_stack.c:19:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in cgosan_run {{.*}}
// CHECK-NEXT:    #3 0x{{[0-9a-f]+}} in main {{.*}}/sqlite3_bind_static_stack.c:25:10
// CHECK:  0x{{[0-9a-f]+}} is in G [[G:[0-9]+]]'s stack, frame of managed_main (stack memory cannot be pinned)
// CHECK-NEXT:  fix: copy it into a managed object (cgosan_new) pinned until sqlite3_reset/finalize/clear_bindings is called, or into C memory
// CHECK-NEXT:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/sqlite3_names.h:28:3 in insert_name
