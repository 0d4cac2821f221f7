// bdwgc_sqlite3_first_access_quarantine.c — bdwgc_sqlite3_first_access.c
// with two statements, each bound to its own 8 KiB name, both names
// dropped and collected, and a quarantine (retention_quarantine_kb=12)
// that holds one kept name only: the second death releases the first
// (bdwgc frees it at its next collection), so of the two reads that follow
// exactly one is reported; with halt_on_error=0 both statements run.
//
// PREP: cgosan-gen /usr/include/sqlite3.h --lib libsqlite3.so.0 -o %w/sqlite3-bare.so -q
// RUN-UNDER: cgosan-run --heap bdwgc --interpose %w/sqlite3-bare.so --
// ENV: CGOSAN_OPTIONS=retention=full:retention_quarantine_kb=12:halt_on_error=0
// LIBS: -lgc -lsqlite3
// EXIT: 66
#include "bdwgc_sqlite3_names.h"

// CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: retained-pointer
// CHECK-NEXT:foreign code read object 0x{{[0-9a-f]+}} of heap 'bdwgc' freed by collection {{[0-9]+}} (argument 2 of sqlite3_bind_text kept it)
// CHECK:SUMMARY: CgoSanitizer: retained-pointer {{.*}}
// STDOUT:stored 8191 bytes
// STDOUT-NEXT:stored 8191 bytes
int main(void) {
  GC_INIT();
  sqlite3 *db = open_names();
  sqlite3_stmt *first = prepare_insert(db), *second = prepare_insert(db);
  bind_long_name(first, 8192, SQLITE_STATIC, /*keep=*/0);
  bind_long_name(second, 8192, SQLITE_STATIC, /*keep=*/0);
  clear_stack_below();
  GC_gcollect();  // BUG: both names die while sqlite3 holds them
  sqlite3_step(first);
  sqlite3_step(second);
  sqlite3_finalize(first);
  sqlite3_finalize(second);
  print_lengths(db);
  sqlite3_close(db);
  return 0;
}
