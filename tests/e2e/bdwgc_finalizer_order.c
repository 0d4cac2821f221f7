// bdwgc_finalizer_order.c — watching an object leaves the program's
// finalizer as the program registered it. A GC_MALLOC'd record points to
// itself and has an ordered finalizer (GC_REGISTER_FINALIZER); it is bound
// with SQLITE_STATIC, so cgosan watches it, then the statement is finalized
// (the retention ends: no report) and the record dropped. bdwgc's ordered
// finalization never finalizes an object that reaches itself (a cycle: its
// documented rule, and the reason GC_REGISTER_FINALIZER_IGNORE_SELF
// exists), so the record is never finalized, collection after collection.
// An adapter that re-registered the record's finalizer with
// GC_register_finalizer_no_order (as watching by finalizer did) would have
// it finalized at the first collection: a change of the program's
// semantics, seen on stdout.
//
// RUN-UNDER: cgosan-run --heap bdwgc --lib sqlite3 --
// LIBS: -lgc -lsqlite3
#include "bdwgc_sqlite3_names.h"

struct record {
  struct record *self;
  char tag[24];
};

static int finalizations;

static void finalized(void *obj, void *data) {
  (void)obj;
  (void)data;
  finalizations++;
}

// bdwgc warns of the cycle ("Finalization cycle involving ...") on stderr:
// expected here, and left out of the output.
static void GC_CALLBACK ignore_warning(char *message, GC_word arg) {
  (void)message;
  (void)arg;
}

// In a frame of its own: no slot of main's keeps a copy bdwgc would find.
__attribute__((noinline)) static void bind_and_drop(sqlite3 *db) {
  struct record *r = GC_MALLOC(sizeof *r);
  r->self = r;
  strcpy(r->tag, "alice");
  GC_REGISTER_FINALIZER(r, finalized, NULL, NULL, NULL);
  sqlite3_stmt *stmt = prepare_insert(db);
  sqlite3_bind_blob(stmt, 1, r, sizeof *r, SQLITE_STATIC);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
}

// Overwrites the stack below main's frame, where the calls before left
// copies of the record's address that bdwgc would take for references.
__attribute__((noinline)) static void clear_stack(void) {
  volatile char junk[64 * 1024];
  memset((char *)junk, 0, sizeof junk);
}

int main(void) {
  GC_INIT();
  GC_set_warn_proc(ignore_warning);
  sqlite3 *db = open_names();
  bind_and_drop(db);
  clear_stack();
  for (int collection = 1; collection <= 3; collection++) {
    GC_gcollect();
    GC_invoke_finalizers();
    clear_stack();
  }
  printf("finalizations: %d\n", finalizations);
  sqlite3_close(db);
  return 0;
}
// STDOUT:finalizations: 0
// CHECK-NOT:{{.}}
