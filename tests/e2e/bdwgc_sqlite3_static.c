// bdwgc_sqlite3_static.c — rule 2 on Boehm GC's heap: an unmodified bdwgc
// program, under `cgosan-run --heap bdwgc --lib sqlite3`, binds a
// GC_MALLOC_ATOMIC name with SQLITE_STATIC (sqlite3 keeps the pointer, in
// its own malloc'd statement, which bdwgc does not scan), drops its only
// reference and collects. bdwgc frees the name while the statement still
// holds it; sqlite3_step would read freed (soon reused) memory. sqlite3.ini
// says sqlite3_bind_text keeps argument 2 until reset, finalize or
// clear_bindings: the bind is recorded, and the collection that frees the
// name is the retained-pointer report, before the step, with the bind's
// stack. The silent twins: bdwgc_sqlite3_static_global.c (the name kept in
// a global), bdwgc_sqlite3_transient.c (sqlite3 copies it) and
// bdwgc_sqlite3_static_reset.c (the statement reset before the collection).
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
// EXIT: 66
#include "bdwgc_sqlite3_names.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:object 0x[[NAME:[0-9a-f]+]] of heap 'bdwgc' freed by collection {{[0-9]+}} while sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in GC_gcollect {{.*}}
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in bind_collect_step {{.*}}/bdwgc_sqlite3_names.h:61:3
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static.c:[[#@LINE+10]]:10
// CHECK:  0x[[NAME]] is object of heap 'bdwgc' ({{[0-9]+}} bytes), which foreign code may not hold
// CHECK-NEXT:  fix: keep a reference where the collector scans (a global, a field of a collected object) until sqlite3_reset/finalize/clear_bindings is called, or make the object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy the library owns
// CHECK-NEXT:  retained by sqlite3_bind_text (argument 2, owner 0x{{[0-9a-f]+}}) at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in bind_name {{.*}}/bdwgc_sqlite3_names.h:31:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in bind_collect_step {{.*}}/bdwgc_sqlite3_names.h:60:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static.c:[[#@LINE+4]]:10
// CHECK-NEXT:    #{{.*}}
// CHECK:SUMMARY: CgoSanitizer: retained-pointer ({{.*}}/libgc.so{{.*}}
int main(void) {
  return bind_collect_step(SQLITE_STATIC, /*keep=*/0);  // BUG: sqlite3 holds the only reference
}
