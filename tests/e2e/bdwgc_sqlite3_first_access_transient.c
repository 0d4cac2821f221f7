// bdwgc_sqlite3_first_access_transient.c — the silent twin of
// bdwgc_sqlite3_first_access.c: with SQLITE_TRANSIENT sqlite3 copies the
// name at the bind. The name, handed to sqlite3_bind_text, dies at the
// collection and is kept, its pages protected; nothing touches it.
//
// PREP: cgosan-gen /usr/include/sqlite3.h --lib libsqlite3.so.0 -o %w/sqlite3-bare.so -q
// RUN-UNDER: cgosan-run --heap bdwgc --interpose %w/sqlite3-bare.so --
// ENV: CGOSAN_OPTIONS=retention=full
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

// STDOUT:stored 8191 bytes
int main(void) {
  return bind_long_collect_step(SQLITE_TRANSIENT, /*keep=*/0);
}
