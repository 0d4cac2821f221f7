// bdwgc_sqlite3_static_debug_free.c — bdwgc_sqlite3_static_gc_free.c built
// with GC_DEBUG: GC_MALLOC_ATOMIC and GC_FREE are bdwgc's debugging
// allocator (a header before each object, GC_debug_free filling the freed
// object), whose GC_debug_free calls libgc's GC_free directly, past the
// adapter's. The adapter's GC_debug_free tells cgosan: the report comes at
// the free, "freed by the program".
//
// CFLAGS: -DGC_DEBUG
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
// EXIT: 66
#include "bdwgc_sqlite3_names.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:object 0x[[NAME:[0-9a-f]+]] of heap 'bdwgc' freed by the program while sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static_debug_free.c:[[#@LINE+14]]:3
// CHECK:  0x[[NAME]] is object of heap 'bdwgc' ({{[0-9]+}} bytes), which foreign code may not hold
// CHECK-NEXT:  fix: keep a reference where the collector scans (a global, a field of a collected object) until sqlite3_reset/finalize/clear_bindings is called, or make the object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy the library owns
// CHECK-NEXT:  retained by sqlite3_bind_text (argument 2, owner 0x{{[0-9a-f]+}}) at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static_debug_free.c:[[#@LINE+9]]:3
// CHECK-NEXT:    #{{.*}}
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/bdwgc_sqlite3_static_debug_free.c:[[#@LINE+8]]:3 in main
int main(void) {
  GC_INIT();
  sqlite3 *db = open_names();
  sqlite3_stmt *stmt = prepare_insert(db);
  char *name = GC_MALLOC_ATOMIC(32);
  strcpy(name, "alice");
  sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
  GC_FREE(name);  // BUG: sqlite3 still holds it
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return 0;
}
