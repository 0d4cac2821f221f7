// bdwgc_sqlite3_first_access.c — rule 2 on Boehm GC's heap with no
// annotation, at the moment of harm: the sqlite3 interposer is made without
// sqlite3.ini, so nothing says sqlite3_bind_text keeps its text. With
// retention=full, each argument into bdwgc's heap is noted (lent, off a G);
// the name, a GC_MALLOC_ATOMIC string as large as two pages bound with
// SQLITE_STATIC, loses its only reference, and the collection that finds it
// unreachable keeps it for cgosan, its pages protected: sqlite3_step's read
// of it is the report. The silent twins: bdwgc_sqlite3_first_access_global.c
// (the name kept in a global) and bdwgc_sqlite3_first_access_transient.c
// (sqlite3 copies it; the dead name is kept and watched, and nothing
// touches it).
//
// PREP: cgosan-gen /usr/include/sqlite3.h --lib libsqlite3.so.0 -o %w/sqlite3-bare.so -q
// RUN-UNDER: cgosan-run --heap bdwgc --interpose %w/sqlite3-bare.so --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -lgc -lsqlite3
// EXIT: 66
#include "bdwgc_sqlite3_names.h"

// The read is sqlite3's memcpy of the text into the record, in sqlite3_step.
// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read object 0x[[NAME:[0-9a-f]+]] of heap 'bdwgc' freed by collection {{[0-9]+}} (argument 2 of sqlite3_bind_text kept it)
// CHECK:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in sqlite3_step ({{.*}}libsqlite3.so{{.*}}
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in bind_long_collect_step {{.*}}/bdwgc_sqlite3_names.h:108:3
// CHECK-NEXT:    #{{[0-9]+}} 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_first_access.c:[[#@LINE+14]]:10
// CHECK:  0x[[NAME]] is object of heap 'bdwgc' ({{[0-9]+}} bytes), which foreign code may not hold
// CHECK-NEXT:  the access is a {{[0-9]+-byte read|read of unknown size}} on thread [[PID]], {{[0-9]+}} ms after the collection
// CHECK-NEXT:  nothing the collector scans pointed to it: sqlite3_bind_text kept the pointer where the collector does not look
// CHECK-NEXT:  fix: keep a reference where the collector scans (a global, a field of a collected object) for as long as sqlite3_bind_text may use the object, or make the object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy the library owns
// CHECK-NEXT:  handed to sqlite3_bind_text at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in bind_long_name {{.*}}/bdwgc_sqlite3_names.h:77:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in bind_long_collect_step {{.*}}/bdwgc_sqlite3_names.h:105:3
// CHECK-NEXT:    #2 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_first_access.c:[[#@LINE+6]]:10
// CHECK-NEXT:    #{{.*}}
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}
// The program stops at the report: nothing was stored.
// STDOUT-NOT:stored
int main(void) {
  return bind_long_collect_step(SQLITE_STATIC, /*keep=*/0);  // BUG: sqlite3 holds the only reference
}
