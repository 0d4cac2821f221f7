// bdwgc_sqlite3_transient.c — the silent twin of bdwgc_sqlite3_static.c:
// bound with SQLITE_TRANSIENT, sqlite3 copies the name and keeps nothing,
// so the collection that frees it is no concern (the `retains` line holds
// only when the destructor is SQLITE_STATIC).
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

// STDOUT:name alice
int main(void) {
  return bind_collect_step(SQLITE_TRANSIENT, /*keep=*/0);
}
