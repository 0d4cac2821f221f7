// sqlite3_rebind_unpin.c — sqlite3.ini's `slot 1 if result == 0` and
// `rebinds = 1` against the real sqlite3 through `cgosan-run --lib sqlite3`:
// a SQLITE_STATIC text that sqlite3 dropped (its parameter bound again, with
// a text, SQLITE_TRANSIENT or an integer) or never kept (a bind that failed)
// may be unpinned before the statement is finalized (sqlite3_rebind.h).
// Silent. Without those lines each unpin was a false "unpinned while still
// retained" report: sqlite3_rebind_unpin_unslotted.c shows them.
//
// RUN-UNDER: cgosan-run --lib sqlite3 --
// LIBS: -lsqlite3
#include "sqlite3_rebind.h"

// STDOUT:bind of parameter 5: SQLITE_RANGE
// STDOUT-NEXT:names: 2

int main(void) {
  return cgosan_run(rebind_main, NULL);
}
