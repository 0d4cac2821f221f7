// pass_sqlite3_blob.c — the design's example again, now through the clang
// pass plugin instead of an interposer: the program calls the real sqlite3
// directly and is compiled with -cgosan-foreign='sqlite3_*', so each sqlite3
// call becomes a checked cgocall. Pinned, the row's name passes silently;
// unpinned, sqlite3_bind_blob's argument 2 (untyped in IR: the whole object)
// is reported at this file's line. Registered at -O0 and -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=sqlite3_*
// LIBS: -lsqlite3
// EXIT: 66
#include "../../examples/sqlite3_row.h"
#include <stdio.h>
#include <string.h>

// CHECK:pinned: 4 cgocalls, silent
// CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
// CHECK-NEXT:argument 2 of sqlite3_bind_blob has managed pointer to unpinned managed pointer
// CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in store_row {{.*}}/examples/sqlite3_row.h:30:3
// CHECK-NEXT:    #1 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_blob.c:{{[0-9]+}}:3
// CHECK:  object 0x[[ROW:[0-9a-f]+]] of type 'struct row' (24 bytes), field at offset 8
// CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'char[32]' (32 bytes), not pinned
// CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/examples/sqlite3_row.h:30:3 in store_row

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE rows (data BLOB)", NULL, NULL, NULL);
  struct row *r = cgosan_new(&kRowType);
  r->id = 1;
  r->name = cgosan_new(&kNameType);
  strcpy(r->name, "alice");

  cgosan_pinner *pinner = cgosan_pinner_new();
  cgosan_pin(pinner, r->name);
  int64_t before = cgosan_num_cgocall();
  store_row(db, r);  // prepare, bind, step, finalize: four checked cgocalls
  fprintf(stderr, "pinned: %lld cgocalls, silent\n",
          (long long)(cgosan_num_cgocall() - before));
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);

  store_row(db, r);  // BUG: r->name is not pinned
  sqlite3_close(db);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
