/* bdwgc_sqlite3_names.h — what the Boehm GC sqlite3 e2e tests share
 * (bdwgc_sqlite3_static.c and its twins bdwgc_sqlite3_static_global.c,
 * bdwgc_sqlite3_transient.c, bdwgc_sqlite3_static_reset.c, _static_failed.c and
 * bdwgc_sqlite3_static_wrapper.c): a plain C program, no cgosan calls,
 * binds a GC_MALLOC_ATOMIC name to an INSERT with the destructor the test
 * picks, collects, then steps the statement (sqlite3 reads the text
 * there). Reports name the bind line of bind_name: line 31 of this file. */
#ifndef CGOSAN_TESTS_E2E_BDWGC_SQLITE3_NAMES_H
#define CGOSAN_TESTS_E2E_BDWGC_SQLITE3_NAMES_H

#include <gc/gc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* Where a twin keeps the name: a global, a root bdwgc scans. */
static char *kept_name;

static inline sqlite3_stmt *prepare_insert(sqlite3 *db) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "INSERT INTO names VALUES (?1)", -1, &stmt, NULL);
  return stmt;
}

/* In a frame of its own, so that no slot of the caller's keeps a copy
 * bdwgc would find: the statement holds the only reference, unless `keep`. */
static inline __attribute__((noinline)) void bind_name(
    sqlite3_stmt *stmt, sqlite3_destructor_type how, int keep) {
  char *name = GC_MALLOC_ATOMIC(32);
  strcpy(name, "alice");
  sqlite3_bind_text(stmt, 1, name, -1, how);
  if (keep)
    kept_name = name;
}

static inline sqlite3 *open_names(void) {
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE names (name TEXT)", NULL, NULL, NULL);
  return db;
}

/* The names the table holds, on stdout. */
static inline void print_names(sqlite3 *db) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "SELECT name FROM names", -1, &stmt, NULL);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    printf("name %s\n", (const char *)sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
}

/* The run of the bad test and of two twins: bind (keeping the name in a
 * global or not), collect, step (sqlite3 reads the name), print the table.
 * The collection is on line 61 of this file. */
static inline __attribute__((noinline)) int bind_collect_step(
    sqlite3_destructor_type how, int keep) {
  GC_INIT();
  sqlite3 *db = open_names();
  sqlite3_stmt *stmt = prepare_insert(db);
  bind_name(stmt, how, keep);
  GC_gcollect();
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  print_names(db);
  sqlite3_close(db);
  return 0;
}

/* The first-access tests (bdwgc_sqlite3_first_access*.c, no annotation):
 * a name of `bytes` bytes, as large as two pages, so that bdwgc gives it
 * blocks of its own, whose pages cgosan can watch once it is dead. */
static inline __attribute__((noinline)) void bind_long_name(
    sqlite3_stmt *stmt, size_t bytes, sqlite3_destructor_type how, int keep) {
  char *name = GC_MALLOC_ATOMIC(bytes);
  memset(name, 'a', bytes - 1);
  name[bytes - 1] = 0;
  sqlite3_bind_text(stmt, 1, name, -1, how);
  if (keep)
    kept_name = name;
}

/* Zeroes the stack below the caller's frame, where the frames of the bind
 * (the interposer's, the runtime's) left copies of the name's address that
 * a conservative collector would take for references. */
static inline __attribute__((noinline)) void clear_stack_below(void) {
  volatile char frames[64 * 1024];
  memset((char *)frames, 0, sizeof(frames));
}

/* The length of each name the table holds, on stdout. */
static inline void print_lengths(sqlite3 *db) {
  sqlite3_stmt *stmt;
  sqlite3_prepare_v2(db, "SELECT length(name) FROM names", -1, &stmt, NULL);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    printf("stored %d bytes\n", sqlite3_column_int(stmt, 0));
  sqlite3_finalize(stmt);
}

/* bind_collect_step with a long name; prints the length stored. */
static inline __attribute__((noinline)) int bind_long_collect_step(
    sqlite3_destructor_type how, int keep) {
  GC_INIT();
  sqlite3 *db = open_names();
  sqlite3_stmt *stmt = prepare_insert(db);
  bind_long_name(stmt, 8192, how, keep);
  clear_stack_below();
  GC_gcollect();
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  print_lengths(db);
  sqlite3_close(db);
  return 0;
}

#endif  /* CGOSAN_TESTS_E2E_BDWGC_SQLITE3_NAMES_H */
