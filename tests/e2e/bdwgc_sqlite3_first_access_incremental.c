// bdwgc_sqlite3_first_access_incremental.c — bdwgc_sqlite3_first_access.c
// in bdwgc's incremental mode (GC_enable_incremental), which finds dirty
// pages by protecting the heap itself and owns SIGSEGV: the adapter keeps
// no dead object there, and says so once (verbosity=1); the name is freed
// as without cgosan, and sqlite3's read of it goes unseen. This test pins
// the limit down: no report, no fault of cgosan's in bdwgc's handler.
//
// PREP: cgosan-gen /usr/include/sqlite3.h --lib libsqlite3.so.0 -o %w/sqlite3-bare.so -q
// RUN-UNDER: cgosan-run --heap bdwgc --interpose %w/sqlite3-bare.so --
// ENV: CGOSAN_OPTIONS=retention=full:verbosity=1
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

// CHECK:CgoSanitizer: retention=full: heap 'bdwgc' keeps no unreachable object from now on (bdwgc's incremental mode (GC_enable_incremental) protects the heap's pages itself): the first access to an object it frees is not watched
// CHECK:CgoSanitizer: retention=full: 0 faults on watched pages were not foreign code in a watched object (opened, no report)
// CHECK-NEXT:CgoSanitizer: retention=full: 0 page protections
// STDOUT:stored {{[0-9]+}} bytes
int main(void) {
  GC_INIT();
  GC_enable_incremental();
  return bind_long_collect_step(SQLITE_STATIC, /*keep=*/0);  // unseen here
}
