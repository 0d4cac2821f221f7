// bdwgc_sqlite3_first_access_global.c — the silent twin of
// bdwgc_sqlite3_first_access.c: the name bound with SQLITE_STATIC stays in a
// global, a root bdwgc scans, so the collection never finds it unreachable
// and sqlite3_step reads a live object.
//
// PREP: cgosan-gen /usr/include/sqlite3.h --lib libsqlite3.so.0 -o %w/sqlite3-bare.so -q
// RUN-UNDER: cgosan-run --heap bdwgc --interpose %w/sqlite3-bare.so --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

// STDOUT:stored 8191 bytes
int main(void) {
  return bind_long_collect_step(SQLITE_STATIC, /*keep=*/1);
}
