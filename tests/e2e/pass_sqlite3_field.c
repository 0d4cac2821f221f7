// pass_sqlite3_field.c — built with the clang pass plugin, real sqlite3
// calls that pass the address of a field are checked as that field, as
// cmd/cgo's checkAddr checks `&r.name[0]`: a person whose name is a char
// array and whose nickname is an unpinned managed pointer binds its name
// silently (a char array holds no pointer). Passing the nickname field
// itself, or the whole person (an untyped pointer: the whole object), is
// reported. halt_on_error=0 shows both reports; the exit status is still 66.
// Registered at -O0 and -O2.
//
// CFLAGS: -fplugin=%prefix/lib/libCgosanPass.so -fpass-plugin=%prefix/lib/libCgosanPass.so
// CFLAGS: -mllvm -cgosan-foreign=sqlite3_*
// LIBS: -lsqlite3
// ENV: CGOSAN_OPTIONS=halt_on_error=0
// EXIT: 66
#include <cgosan/cgosan.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

struct person {
  char name[32];
  char *nickname; /* managed, never pinned */
};
static const uint8_t kPersonMask[] = {0x10}; /* word 4 (nickname) */
static const cgosan_type kPersonType = {"struct person", sizeof(struct person),
                                        40, kPersonMask, 0};
static const cgosan_type kNickType = {"char[16]", 16, 0, NULL, 0};

static void managed_main(void *arg) {
  (void)arg;
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE people (name TEXT, raw BLOB)", NULL, NULL, NULL);
  struct person *p = cgosan_new(&kPersonType);
  strcpy(p->name, "alice");
  p->nickname = cgosan_new(&kNickType);
  strcpy(p->nickname, "al");

  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO people VALUES (?1, ?2)", -1, &stmt, NULL);
  sqlite3_bind_text(stmt, 1, p->name, -1, SQLITE_TRANSIENT);  // the field: fine
  sqlite3_bind_text(stmt, 1, &p->name[0], -1, SQLITE_TRANSIENT);  // the same
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  sqlite3_prepare_v2(db, "SELECT name FROM people", -1, &stmt, NULL);
  sqlite3_step(stmt);
  fprintf(stderr, "name field bound: %s, silent\n", sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);

  sqlite3_prepare_v2(db, "INSERT INTO people VALUES (?1, ?2)", -1, &stmt, NULL);
  sqlite3_bind_blob(stmt, 2, &p->nickname, sizeof p->nickname, SQLITE_TRANSIENT);  // BUG
  // CHECK:name field bound: alice, silent
  // CHECK-NEXT:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 2 of sqlite3_bind_blob has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_field.c:[[#FIELD:@LINE-4]]:3
  // CHECK:  object 0x[[PERSON:[0-9a-f]+]] of type 'struct person' (40 bytes), field at offset 32
  // CHECK-NEXT:  holds 0x[[NICK:[0-9a-f]+]], object of type 'char[16]' (16 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/pass_sqlite3_field.c:[[#FIELD]]:3 in managed_main
  sqlite3_bind_blob(stmt, 2, p, sizeof *p, SQLITE_TRANSIENT);  // BUG: all of p
  // CHECK:==[[PID]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 2 of sqlite3_bind_blob has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/pass_sqlite3_field.c:[[#WHOLE:@LINE-3]]:3
  // CHECK:  object 0x[[PERSON]] of type 'struct person' (40 bytes), field at offset 32
  // CHECK-NEXT:  holds 0x[[NICK]], object of type 'char[16]' (16 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/pass_sqlite3_field.c:[[#WHOLE]]:3 in managed_main
  // CHECK-NOT:{{.}}
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

int main(void) {
  cgosan_run(managed_main, NULL);
  return 0;
}
