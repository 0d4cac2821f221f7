// bdwgc_sqlite3_static_global.c — the silent twin of bdwgc_sqlite3_static.c:
// the name bound with SQLITE_STATIC is also kept in a global, a root bdwgc
// scans, so the collection does not free it while sqlite3 holds it. Fine
// under bdwgc's rule: foreign code may hold an object that stays reachable
// from memory the collector scans.
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

// STDOUT:name alice
int main(void) {
  return bind_collect_step(SQLITE_STATIC, /*keep=*/1);
}
