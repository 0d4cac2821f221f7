// bdwgc_sqlite3_static_wrapper.c — a silent twin of bdwgc_sqlite3_static.c:
// the statement and the SQLITE_STATIC name live in a GC_MALLOC'd wrapper
// whose finalizer finalizes the statement. The program drops the wrapper.
// bdwgc's finalization is ordered (GC_REGISTER_FINALIZER): what a
// finalizable object points to stays alive until its finalizer has run, so
// the first collection runs the wrapper's finalizer, which ends sqlite3's
// hold, and only the second finds the name dead, retained by nothing. The
// adapter's own finalizer on the name must not be run before that (it is
// not: the wrapper's mark keeps the name marked).
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

struct insert {
  sqlite3_stmt *stmt;
  char *name;
};

static void finalize_insert(void *obj, void *data) {
  (void)data;
  sqlite3_finalize(((struct insert *)obj)->stmt);
}

// Wrappers and their names, made in a frame of their own: no slot of
// main's keeps a copy bdwgc would find. Eight of them, so that finalizers
// run out of order would meet a name before its wrapper, whatever order
// bdwgc's queue happens to have.
__attribute__((noinline)) static void insert_and_drop(sqlite3 *db) {
  for (int i = 0; i < 8; i++) {
    struct insert *w = GC_MALLOC(sizeof *w);
    w->stmt = prepare_insert(db);
    w->name = GC_MALLOC_ATOMIC(32);
    strcpy(w->name, "alice");
    sqlite3_bind_text(w->stmt, 1, w->name, -1, SQLITE_STATIC);
    sqlite3_step(w->stmt);
    GC_REGISTER_FINALIZER(w, finalize_insert, NULL, NULL, NULL);
  }
}

// STDOUT-COUNT-8:name alice
int main(void) {
  GC_INIT();
  sqlite3 *db = open_names();
  insert_and_drop(db);
  GC_gcollect();  // the wrapper's finalizer
  GC_gcollect();  // the name's
  print_names(db);
  sqlite3_close(db);
  return 0;
}
