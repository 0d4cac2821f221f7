// bdwgc_sqlite3_static_debug_free.c — bdwgc_sqlite3_static_gc_free.c built
// with GC_DEBUG: GC_MALLOC_ATOMIC and GC_FREE are bdwgc's debugging
// allocator (a header before each object, GC_debug_free filling the freed
// object), whose GC_debug_free calls libgc's GC_free directly, past the
// adapter's. The adapter's GC_debug_free tells cgosan: the report comes at
// the free, "freed by the program".
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
// EXIT: 66
#define GC_DEBUG 1
#include "bdwgc_sqlite3_static_gc_free.c"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:object 0x[[NAME:[0-9a-f]+]] of heap 'bdwgc' freed by the program while sqlite3_bind_text retains argument 2 until sqlite3_reset/finalize/clear_bindings
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static_gc_free.c:28:3
// CHECK:  0x[[NAME]] is object of heap 'bdwgc' ({{[0-9]+}} bytes), which foreign code may not hold
// CHECK-NEXT:  fix: keep a reference where the collector scans (a global, a field of a collected object) until sqlite3_reset/finalize/clear_bindings is called, or make the object one foreign code may hold (bdwgc: GC_MALLOC_UNCOLLECTABLE), or pass a copy the library owns
// CHECK-NEXT:  retained by sqlite3_bind_text (argument 2, owner 0x{{[0-9a-f]+}}) at:
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in main {{.*}}/bdwgc_sqlite3_static_gc_free.c:27:3
// CHECK-NEXT:    #{{.*}}
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}/bdwgc_sqlite3_static_gc_free.c:28:3 in main
