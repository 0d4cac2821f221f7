// bdwgc_sqlite3_static_incremental.c — bdwgc_sqlite3_static.c with bdwgc's
// incremental mode (GC_enable_incremental) and no GC_gcollect: the
// program's own allocations run the collections, a little at a time, and
// the one that reclaims the name reports it, from inside the allocation.
// Incremental collections send no GC_EVENT_START nor GC_EVENT_END, only
// their mark and reclaim events, which is what the adapter follows.
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
// EXIT: 66
#include "bdwgc_sqlite3_names.h"

// Allocates until the collections that these allocations run have
// reclaimed the name (the report ends the run); bounded.
__attribute__((noinline)) static void churn(void) {
  for (int i = 0; i < 4000000; i++)
    GC_MALLOC(64);
}

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:object 0x[[NAME:[0-9a-f]+]] of heap 'bdwgc' freed by collection {{[0-9]+}} while sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in churn {{.*}}/bdwgc_sqlite3_static_incremental.c:[[#@LINE-5]]:5
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static_incremental.c:[[#@LINE+14]]:3
// CHECK:  0x[[NAME]] is object of heap 'bdwgc' ({{[0-9]+}} bytes), which foreign code may not hold
// CHECK-NEXT:  fix: keep a reference where the collector scans (a global, a field of a collected object) until sqlite3_reset/finalize/clear_bindings is called, or make the object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy the library owns
// CHECK-NEXT:  retained by sqlite3_bind_text (argument 2, owner 0x{{[0-9a-f]+}}) at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in bind_name {{.*}}/bdwgc_sqlite3_names.h:31:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static_incremental.c:[[#@LINE+8]]:3
// CHECK-NEXT:    #{{.*}}
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}
int main(void) {
  GC_INIT();
  GC_enable_incremental();
  sqlite3 *db = open_names();
  sqlite3_stmt *stmt = prepare_insert(db);
  bind_name(stmt, SQLITE_STATIC, /*keep=*/0);
  churn();  // BUG: sqlite3 holds the only reference
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return 0;
}
